package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;

import java.time.Instant;

/** A patient's record was opened, registered at a GP practice. */
@Revision("1")
public record PatientRegistered(NhsNumber patient, Demographics demographics, OdsCode registeredPractice, Actor by, Instant at) implements PatientRecordEvent {
}
