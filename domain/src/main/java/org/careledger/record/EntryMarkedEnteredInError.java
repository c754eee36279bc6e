package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** An entry was marked entered in error: hidden from the views, kept in the history. */
@Revision("1")
public record EntryMarkedEnteredInError(NhsNumber patient, EntryId entry, String reason, Actor by, Instant at) implements PatientRecordEvent {
}
