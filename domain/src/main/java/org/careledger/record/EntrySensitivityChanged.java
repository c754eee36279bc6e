package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Sensitivity;

import java.time.Instant;

/** An entry's sensitivity changed (NORMAL, PRIVATE, SEALED, WITHHELD_FROM_PATIENT). */
@Revision("1")
public record EntrySensitivityChanged(NhsNumber patient, EntryId entry, Sensitivity from, Sensitivity to, String reason, Actor by, Instant at) implements PatientRecordEvent {
}
