package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/** Change an entry's sensitivity, with the reason. */
public record ChangeEntrySensitivity(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, Sensitivity sensitivity, String reason, Actor by, Instant at) implements Command {

    public ChangeEntrySensitivity {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
