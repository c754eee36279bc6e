package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Record a new version of an entry, with the reason. */
public record AmendEntry(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, EntryContent content, String reason, Actor by, Instant at) implements Command {

    public AmendEntry {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
