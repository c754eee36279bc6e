package org.careledger.access;

import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import org.careledger.shared.Refusal;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The port through which command handlers ask whether the actor stands in a care relationship with the patient:
 * the basis they hold at that instant (REGISTERED, GRANT or EMERGENCY), resolved by the same pure rules as a read
 * ({@link AccessPolicy#basis}) from the patient's sharing state as projected in the command's own transaction.
 * A PATIENT actor gets empty: a patient's own-record check is the edge's (their sign-in vouches for one NHS
 * number). See docs/adr/0008-writes-need-a-care-relationship.md.
 */
public interface CareRelationships {

    Optional<AccessDecision.Basis> basisOf(Actor actor, NhsNumber patient, Instant at);

    /**
     * Refuses with NO_CARE_RELATIONSHIP unless the actor holds one of the accepted bases now. The message names no
     * patient: the edge answers this exactly as an unknown patient.
     */
    default AccessDecision.Basis require(Actor actor, NhsNumber patient, Instant at, Set<AccessDecision.Basis> accepted) {
        Refusal.requireValue(at, "at");
        Optional<AccessDecision.Basis> basis = basisOf(actor, patient, at);
        Refusal.require(basis.isPresent() && accepted.contains(basis.get()), Refusal.Kind.NO_CARE_RELATIONSHIP,
                actor.role() + " " + actor.user() + " holds no " + accepted + " basis for this patient");
        return basis.get();
    }
}
