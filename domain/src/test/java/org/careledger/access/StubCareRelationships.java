package org.careledger.access;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A test double of the {@link CareRelationships} port: every staff actor holds the default basis (REGISTERED unless
 * a test says otherwise), except those a test names; a PATIENT actor holds none, as in production.
 */
public final class StubCareRelationships implements CareRelationships {

    private Basis everyone;
    private final Map<UserId, Optional<Basis>> named = new HashMap<>();

    private StubCareRelationships(Basis everyone) {
        this.everyone = everyone;
    }

    /** Every staff actor is at the registered practice, as far as the port tells. */
    public static StubCareRelationships registeredForEveryone() {
        return new StubCareRelationships(Basis.REGISTERED);
    }

    /** This actor holds this basis (whatever the default). */
    public StubCareRelationships with(Actor actor, Basis basis) {
        named.put(actor.user(), Optional.of(basis));
        return this;
    }

    /** This actor holds no basis. */
    public StubCareRelationships without(Actor actor) {
        named.put(actor.user(), Optional.empty());
        return this;
    }

    /** From now on, nobody not named holds a basis. */
    public StubCareRelationships nobodyElse() {
        everyone = null;
        return this;
    }

    @Override
    public Optional<Basis> basisOf(Actor actor, NhsNumber patient, Instant at) {
        if (actor.role() == Role.PATIENT) {
            return Optional.empty();
        }
        return named.getOrDefault(actor.user(), Optional.ofNullable(everyone));
    }
}
