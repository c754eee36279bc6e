package org.careledger.consent;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Withdraw the patient's dissent from sharing. */
public record WithdrawDissent(NhsNumber patient, ConsentMethod method, Actor by, Instant at) {

    /** The patient's consent stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientConsent.streamOf(patient);
    }
}
