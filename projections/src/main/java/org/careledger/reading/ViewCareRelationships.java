package org.careledger.reading;

import org.careledger.access.AccessDecision;
import org.careledger.access.AccessPolicy;
import org.careledger.access.CareRelationships;
import org.careledger.access.Reader;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Role;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;

/**
 * The {@link CareRelationships} port as command handlers see it: loads the patient's sharing state and the
 * actor's teams with {@link SharingStates} and resolves the basis with the pure {@link AccessPolicy#basis} (the
 * same rules as a read). It joins the command's transaction, so it sees the views as of every command committed
 * before, written there by the subscribing {@code views} group (ADR 7). A patient actor holds no basis here: the
 * edge keeps a patient to their own NHS number.
 */
@Component
public class ViewCareRelationships implements CareRelationships {

    private final SharingStates sharingStates;

    public ViewCareRelationships(SharingStates sharingStates) {
        this.sharingStates = sharingStates;
    }

    @Override
    public Optional<AccessDecision.Basis> basisOf(Actor actor, NhsNumber patient, Instant at) {
        if (actor.role() == Role.PATIENT) {
            return Optional.empty();
        }
        SharingStates.ReaderAndState both = sharingStates
                .loadForCommand(Reader.staff(actor.user(), actor.role(), actor.organisation(), null), patient);
        return AccessPolicy.basis(both.reader(), both.loaded().state(), at)
                .map(AccessPolicy.Resolved::basis);
    }
}
