package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/**
 * Record a new version of an entry, with the reason. {@code expectedVersion}, when given, is the version the writer
 * last saw (HTTP If-Match): the record refuses with STALE_VERSION if the entry has moved on since.
 */
public record AmendEntry(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, EntryContent content, String reason,
                         Integer expectedVersion, Actor by, Instant at) implements Command {

    public AmendEntry {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** Without a version check (migrations, the demo). */
    public AmendEntry(NhsNumber patient, EntryId entry, EntryContent content, String reason, Actor by, Instant at) {
        this(patient, entry, content, reason, null, by, at);
    }
}
