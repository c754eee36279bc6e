package org.careledger.alert;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;

import java.time.Instant;

/**
 * An IG officer closed an alert case with an outcome and a note. Final: a closed case is neither reviewed nor
 * closed again. For an access the patient reported, the outcome (not the note) comes back to the patient.
 */
@Revision("1")
public record AlertClosed(String alert, AlertOutcome outcome, String note, Actor by, Instant at)
        implements AlertCaseEvent {
}
