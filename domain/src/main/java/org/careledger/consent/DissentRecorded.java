package org.careledger.consent;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** The patient dissented from sharing: while in force every share-out counts as REFUSED. */
@Revision("1")
public record DissentRecorded(NhsNumber patient, ConsentMethod method, Actor by, Instant at)
        implements PatientConsentEvent {
}
