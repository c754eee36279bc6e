package org.careledger.alert;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;

import java.time.Instant;

/**
 * An IG officer reviewed an open alert and wrote a note (what they checked, whom they asked). The case stays open;
 * it may be reviewed again until it is closed. The note is for IG, never shown to the patient.
 */
@Revision("1")
public record AlertReviewed(String alert, String note, Actor by, Instant at) implements AlertCaseEvent {
}
