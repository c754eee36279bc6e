package org.careledger.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Break glass: declare an emergency need to read a patient's record, with a written reason. */
public record DeclareEmergencyAccess(NhsNumber patient, EmergencyAccessId emergency,
                                     String reason, Actor by, Instant at) implements Command {

    public DeclareEmergencyAccess {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's access stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientAccess.streamOf(patient);
    }
}
