package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Record a new version of an entry, with the reason. */
public record AmendEntry(@TargetAggregateIdentifier NhsNumber patient, EntryId entry, EntryContent content, String reason, Actor by, Instant at) {
}
