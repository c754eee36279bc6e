package org.careledger.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;
import java.util.List;

/** Let a named user or team see named SEALED entries within a window, with a written reason. */
public record GrantSealedEntryAccess(NhsNumber patient, GrantId grant, Grantee grantee,
                                     List<EntryId> entries, String reason, Instant validFrom, Instant validUntil,
                                     Actor by, Instant at) implements Command {

    public GrantSealedEntryAccess {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's access stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientAccess.streamOf(patient);
    }
}
