package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.access.AccessDecision;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;
import java.util.List;

/**
 * A record was read. Appended before any data is returned; if it cannot be stored, nothing is returned.
 * {@code by} is the reader; the basis (with its grant or emergency), purpose, channel, view, the policy version
 * and the receipt (ids of the consent, grant and registration events the decision relied on) say why they could;
 * {@code disclosed} says exactly which entry versions they saw, {@code withheld} how many they did not.
 */
@Revision("1")
public record RecordAccessed(NhsNumber patient, AccessDecision.Basis basis, GrantId grant,
                             EmergencyAccessId emergency, Purpose purpose, Channel channel, RecordView view,
                             String policyVersion, List<String> receipt, List<DisclosedEntry> disclosed, int withheld,
                             Actor by, Instant at) implements AuditEvent {
}
