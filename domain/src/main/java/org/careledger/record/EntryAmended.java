package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** A new version of an entry was recorded; earlier versions stay in its history. */
@Revision("1")
public record EntryAmended(NhsNumber patient, EntryId entry, int version, EntryContent content, String reason, Actor by, Instant at) implements PatientRecordEvent {
}
