package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Mark an entry entered in error, with the reason; {@code expectedVersion} as in {@link AmendEntry}. */
public record MarkEntryEnteredInError(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, String reason,
                                      Integer expectedVersion, Actor by, Instant at) implements Command {

    public MarkEntryEnteredInError {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** Without a version check. */
    public MarkEntryEnteredInError(NhsNumber patient, EntryId entry, String reason, Actor by, Instant at) {
        this(patient, entry, reason, null, by, at);
    }
}
