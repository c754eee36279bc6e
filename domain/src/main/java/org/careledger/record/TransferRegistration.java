package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Move the patient's registration to another GP practice. */
public record TransferRegistration(@TargetAggregateIdentifier NhsNumber patient, OdsCode toPractice, Actor by, Instant at) implements Command {

    public TransferRegistration {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
