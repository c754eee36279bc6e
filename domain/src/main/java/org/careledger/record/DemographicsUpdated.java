package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** The patient's demographics were replaced by a corrected or current set. */
@Revision("1")
public record DemographicsUpdated(NhsNumber patient, Demographics demographics, Actor by, Instant at) implements PatientRecordEvent {
}
