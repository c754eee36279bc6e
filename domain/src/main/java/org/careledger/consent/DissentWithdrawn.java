package org.careledger.consent;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** The patient withdrew their dissent: the per-organisation decisions apply again. */
@Revision("1")
public record DissentWithdrawn(NhsNumber patient, ConsentMethod method, Actor by, Instant at)
        implements PatientConsentEvent {
}
