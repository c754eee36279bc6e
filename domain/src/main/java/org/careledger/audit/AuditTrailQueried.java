package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;

import java.time.Instant;

/** Someone queried the audit trail: which question, about what (a patient, user or entry id) and for which period. */
@Revision("1")
public record AuditTrailQueried(AuditQuestion question, String subject, Instant from, Instant to, Actor by, Instant at)
        implements AuditEvent {

    public enum AuditQuestion {
        ACCESSES_TO_PATIENT,
        RECORDS_OPENED_BY_USER,
        READERS_OF_ENTRY,
        EMERGENCY_ACCESSES,
        REFUSALS,
        WHO_COULD_HAVE_SEEN_ENTRY,
        /** Time travel over a whole record: who could have seen which sections of a patient's record at an instant. */
        WHO_COULD_HAVE_SEEN_RECORD,
        /** The IG alerts raised from the trail (emergencies, out of hours, many records, shared surname, refusals). */
        IG_ALERTS,
        /** Counts over the trail: per user and day, per organisation, by basis, emergencies per day (issue 11). */
        ACCESS_COUNTS,
        /** A full-text search over the whole trail with filters (issue 11); the subject is the filters used. */
        AUDIT_SEARCH
    }
}
