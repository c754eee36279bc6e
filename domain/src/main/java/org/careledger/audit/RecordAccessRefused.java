package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.access.AccessDecision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** A read of a record was refused, and why. Refusals are audited like reads. */
@Revision("1")
public record RecordAccessRefused(NhsNumber patient, AccessDecision.Refused reason, Purpose purpose, Channel channel,
                                  RecordView view, String policyVersion, Actor by, Instant at) implements AuditEvent {
}
