package org.careledger.consent;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Record the patient's dissent from sharing. */
public record RecordDissent(NhsNumber patient, ConsentMethod method, Actor by, Instant at) implements Command {

    public RecordDissent {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's consent stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientConsent.streamOf(patient);
    }
}
