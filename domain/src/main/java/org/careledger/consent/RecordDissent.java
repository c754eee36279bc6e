package org.careledger.consent;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Record the patient's dissent from sharing. */
public record RecordDissent(@TargetAggregateIdentifier NhsNumber patient, ConsentMethod method, Actor by, Instant at) {
}
