package org.careledger.audit.trail;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.Instant;

/** A period of the trail: from (inclusive) to (exclusive). */
public record AuditPeriod(Instant from, Instant to) {

    public AuditPeriod {
        Refusal.requireValue(from, "period start");
        Refusal.requireValue(to, "period end");
        Values.instant(from, "period start");
        Values.instant(to, "period end");
        if (!to.isAfter(from)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a period must end after it starts");
        }
    }
}
