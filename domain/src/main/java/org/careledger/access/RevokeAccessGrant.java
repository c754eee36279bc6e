package org.careledger.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Revoke a grant before its window ends, with the reason. */
public record RevokeAccessGrant(NhsNumber patient, GrantId grant, String reason, Actor by,
                                Instant at) implements Command {

    public RevokeAccessGrant {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's access stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientAccess.streamOf(patient);
    }
}
