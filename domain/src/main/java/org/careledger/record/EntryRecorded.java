package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/** A clinical entry was recorded (its version 1), authored by {@code by} at {@code by.organisation()}. */
@Revision("1")
public record EntryRecorded(NhsNumber patient, EntryId entry, Section section, EntryContent content, Sensitivity sensitivity, Actor by, Instant at) implements PatientRecordEvent {
}
