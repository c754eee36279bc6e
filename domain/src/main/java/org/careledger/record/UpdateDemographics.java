package org.careledger.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Replace the patient's demographics. */
public record UpdateDemographics(@TargetAggregateIdentifier NhsNumber patient, Demographics demographics, Actor by, Instant at) {
}
