package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/** Record a clinical entry (version 1). */
public record RecordEntry(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, Section section, EntryContent content, Sensitivity sensitivity, Actor by, Instant at) implements Command {

    public RecordEntry {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }
}
