package org.careledger.consent;

import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Record the patient's share-out or share-in decision for one organisation. */
public record RecordConsentDecision(NhsNumber patient, OdsCode organisation,
                                    ConsentDirection direction, ConsentDecision decision, ConsentMethod method,
                                    Actor by, Instant at) implements Command {

    public RecordConsentDecision {
        Command.requireStamp(by, at);
        Refusal.requireValue(patient, "patient");
    }

    /** The patient's consent stream, apart from their record stream (docs/adr/0002). */
    @TargetAggregateIdentifier
    public String stream() {
        return PatientConsent.streamOf(patient);
    }
}
