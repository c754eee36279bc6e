package org.careledger.access;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/**
 * A clinician declared an emergency ("break glass") with a written reason. It gives them a basis to read until
 * {@code validUntil} (at most four hours), always raises an IG alert and shows in the patient's access history.
 */
@Revision("1")
public record EmergencyAccessDeclared(NhsNumber patient, EmergencyAccessId emergency, String reason,
                                      Instant validUntil, Actor by, Instant at) implements PatientAccessEvent {
}
