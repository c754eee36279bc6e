package org.careledger.audit.trail;

import org.careledger.shared.EntryId;
import org.careledger.shared.Section;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the trail as the audit queries return it: when, who (user, role, organisation), which patient, the
 * basis with its grant or emergency, purpose, channel, view, policy version, receipt, what was disclosed (entry
 * versions and their sections) and how much was withheld, or why it was refused; the source event's id and global
 * index. Kinds: ACCESSED, REFUSED, EMERGENCY_DECLARED (SEARCHED and AUDIT_QUERIED rows are kept but not listed
 * by these queries).
 */
public record AuditRecord(String eventId, long globalIndex, String kind, Instant at, UUID user, String role,
                          String organisation, String patient, String basis, UUID grant, UUID emergency,
                          String purpose, String channel, String view, String policyVersion, List<String> receipt,
                          List<Disclosure> disclosed, Integer withheld, String refusalReason, Instant emergencyUntil) {

    public AuditRecord {
        receipt = receipt == null ? List.of() : List.copyOf(receipt);
        disclosed = disclosed == null ? List.of() : List.copyOf(disclosed);
    }

    AuditRecord withDisclosed(List<Disclosure> entries) {
        return new AuditRecord(eventId, globalIndex, kind, at, user, role, organisation, patient, basis, grant,
                emergency, purpose, channel, view, policyVersion, receipt, entries, withheld, refusalReason,
                emergencyUntil);
    }

    /** One entry version disclosed by a read, with its section (null if the trail never saw the entry recorded). */
    public record Disclosure(EntryId entry, int version, Section section) {
    }

    /** A read that disclosed one given entry: who, when, which version, on what basis. */
    public record EntryReading(String eventId, long globalIndex, Instant at, UUID user, String role,
                               String organisation, String patient, String basis, UUID grant, UUID emergency,
                               String purpose, int version) {
    }

    /**
     * An IG alert raised from the trail, with where its case stands: {@code outcome} and {@code closedAt} once
     * CLOSED (an {@code AlertOutcome} name), null before.
     */
    public record Alert(String alertId, String kind, Instant raisedAt, UUID user, String patient, String sourceEventId,
                        long globalIndex, String detail, AlertStatus status, String outcome, Instant closedAt) {
    }

    /** One step of an alert's case: REVIEWED (with a note) or CLOSED (with an outcome and a note), by whom, when. */
    public record AlertAction(String eventId, long globalIndex, String action, Instant at, UUID user, String role,
                              String organisation, String outcome, String note) {
    }

    /** An alert with every step of its case, oldest first. */
    public record AlertCase(Alert alert, List<AlertAction> actions) {
    }
}
