package org.careledger.record;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;

import java.time.Instant;

/** The patient's registration moved to another GP practice. */
@Revision("1")
public record RegistrationTransferred(NhsNumber patient, OdsCode fromPractice, OdsCode toPractice, Actor by, Instant at) implements PatientRecordEvent {
}
