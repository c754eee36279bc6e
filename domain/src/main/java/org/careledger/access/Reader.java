package org.careledger.access;

import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.util.Set;

/**
 * Who is reading: the signed-in user, the role and organisation of their session, the teams they belong to at that
 * organisation, and for a patient the NHS number their sign-in vouches for.
 */
public record Reader(UserId user, Role role, OdsCode organisation, Set<TeamId> teams, NhsNumber self) {

    public Reader {
        Refusal.requireValue(user, "reader user");
        Refusal.requireValue(role, "reader role");
        teams = teams == null ? Set.of() : Set.copyOf(teams);
        if (role == Role.PATIENT) {
            Refusal.requireValue(self, "a patient reader's NHS number");
        } else {
            Refusal.requireValue(organisation, "a staff reader's organisation");
        }
    }

    public static Reader staff(UserId user, Role role, OdsCode organisation, Set<TeamId> teams) {
        return new Reader(user, role, organisation, teams, null);
    }

    public static Reader patient(UserId user, NhsNumber self) {
        return new Reader(user, Role.PATIENT, null, Set.of(), self);
    }

    boolean isCoveredBy(Grantee grantee) {
        return switch (grantee.kind()) {
            case USER -> grantee.id().equals(user.toString());
            case TEAM -> teams.stream().anyMatch(t -> t.toString().equals(grantee.id()));
            case ORGANISATION -> organisation != null && grantee.id().equals(organisation.value());
        };
    }
}
