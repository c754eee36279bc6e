package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Open a patient's record at their registered GP practice. */
public record RegisterPatient(@TargetAggregateIdentifier NhsNumber patient, Demographics demographics, OdsCode registeredPractice, Actor by, Instant at) implements Command {

    public RegisterPatient {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
