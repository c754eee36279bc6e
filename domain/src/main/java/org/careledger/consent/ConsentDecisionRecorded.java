package org.careledger.consent;

import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;

import java.time.Instant;

/** The patient's share-out or share-in decision for one organisation was recorded, and how it was given. */
@Revision("1")
public record ConsentDecisionRecorded(NhsNumber patient, OdsCode organisation, ConsentDirection direction,
                                      ConsentDecision decision, ConsentMethod method, Actor by, Instant at)
        implements PatientConsentEvent {
}
