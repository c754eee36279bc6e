package org.careledger.access;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Grant a user, team or organisation access to a patient's record for a reason, scope and validity window. */
public record GrantAccess(@TargetAggregateIdentifier NhsNumber patient, GrantId grant, Grantee grantee,
                          GrantReason reason, GrantScope scope, Instant validFrom, Instant validUntil, Actor by,
                          Instant at) {
}
