package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/** Change an entry's sensitivity, with the reason; {@code expectedVersion} as in {@link AmendEntry}. */
public record ChangeEntrySensitivity(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, Sensitivity sensitivity,
                                     String reason, Integer expectedVersion, Actor by, Instant at) implements Command {

    public ChangeEntrySensitivity {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** Without a version check. */
    public ChangeEntrySensitivity(NhsNumber patient, EntryId entry, Sensitivity sensitivity, String reason, Actor by,
                                  Instant at) {
        this(patient, entry, sensitivity, reason, null, by, at);
    }
}
