package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Grant a user, team or organisation access to a patient's record for a reason, scope and validity window. */
public record GrantAccess(NhsNumber patient, GrantId grant, Grantee grantee,
                          GrantReason reason, GrantScope scope, Instant validFrom, Instant validUntil, Actor by,
                          Instant at) implements Command {

    public GrantAccess {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's access stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientAccess.streamOf(patient);
    }
}
