package org.careledger.access;

import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

/** Whom a grant covers: one user, everyone in a team, or everyone at an organisation. */
public record Grantee(Kind kind, String id) {

    public enum Kind {
        USER,
        TEAM,
        ORGANISATION
    }

    public Grantee {
        Refusal.requireValue(kind, "grantee kind");
        Refusal.requireValue(id, "grantee id");
        id = switch (kind) {
            case USER -> UserId.of(id).toString();
            case TEAM -> TeamId.of(id).toString();
            case ORGANISATION -> OdsCode.of(id).toString();
        };
    }

    public static Grantee user(UserId user) {
        return new Grantee(Kind.USER, user.toString());
    }

    public static Grantee team(TeamId team) {
        return new Grantee(Kind.TEAM, team.toString());
    }

    public static Grantee organisation(OdsCode organisation) {
        return new Grantee(Kind.ORGANISATION, organisation.toString());
    }
}
