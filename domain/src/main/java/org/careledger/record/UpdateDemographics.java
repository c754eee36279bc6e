package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Replace the patient's demographics. */
public record UpdateDemographics(@TargetAggregateIdentifier NhsNumber patient, Demographics demographics, Actor by, Instant at) implements Command {

    public UpdateDemographics {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
