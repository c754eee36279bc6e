package org.careledger.audit.trail;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertReviewed;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordWriteRefused;
import org.careledger.audit.search.Names;
import org.careledger.directory.StaffMemberRegistered;
import org.careledger.policy.PolicyInForce;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.EntryRecorded;
import org.careledger.record.PatientRegistered;
import org.careledger.record.Demographics;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds the audit trail from the ledger (tracking processor {@value AuditTrailConfiguration#PROCESSING_GROUP}).
 * Every write is an INSERT ... ON CONFLICT DO NOTHING keyed by the source event: replaying an event is harmless and
 * no row is ever updated. Each event is written to every writable generation (the active one and, during a
 * rebuild, the one being built). Logs name ids only.
 */
@Component
@ProcessingGroup(AuditTrailConfiguration.PROCESSING_GROUP)
public class AuditTrailProjection {

    private static final Logger log = LoggerFactory.getLogger(AuditTrailProjection.class);

    private final JdbcTemplate jdbc;
    private final AuditGenerations generations;
    private final PolicyInForce policy;
    private final int recordsPerDay;
    private final int refusalsPerDay;

    public AuditTrailProjection(JdbcTemplate jdbc, AuditGenerations generations, PolicyInForce policy,
                                @Value("${careledger.audit.alerts.records-per-day:50}") int recordsPerDay,
                                @Value("${careledger.audit.alerts.refusals-per-day:3}") int refusalsPerDay) {
        this.jdbc = jdbc;
        this.generations = generations;
        this.policy = policy;
        this.recordsPerDay = recordsPerDay;
        this.refusalsPerDay = refusalsPerDay;
    }

    // ---- audit events -------------------------------------------------------------------------------------

    @EventHandler
    void on(RecordAccessed e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            int inserted = jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, basis, grant_id, emergency_id, purpose, channel, record_view, policy_version, receipt,
                        disclosed_count, withheld_count)
                    VALUES (?, ?, 'ACCESSED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, string_to_array(?, ','), ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.basis()), e.grant() == null ? null : e.grant().value(),
                    e.emergency() == null ? null : e.emergency().value(), name(e.purpose()), name(e.channel()),
                    name(e.view()), e.policyVersion(), csv(e.receipt()), size(e.disclosed()), e.withheld());
            if (inserted == 0) {
                continue; // already written: a replay into this generation
            }
            List<DisclosedEntry> disclosed = e.disclosed() == null ? List.of() : e.disclosed();
            if (!disclosed.isEmpty()) {
                // One statement for all of a read's disclosures (a record read discloses ~200 entries): a row at a
                // time made the audit trail fall minutes behind under read load.
                UUID[] entries = disclosed.stream().map(d -> d.entry().value()).toArray(UUID[]::new);
                Integer[] versions = disclosed.stream().map(DisclosedEntry::version).toArray(Integer[]::new);
                jdbc.update(connection -> {
                    var insert = connection.prepareStatement("""
                            INSERT INTO %1$s.access_disclosure (access_event_id, global_index, occurred_at, patient,
                                entry_id, version, section)
                            SELECT ?, ?, ?, ?, d.entry_id, d.version, ae.section
                            FROM unnest(?::uuid[], ?::int[]) AS d(entry_id, version)
                            LEFT JOIN %1$s.audit_entry ae ON ae.entry_id = d.entry_id
                            ON CONFLICT DO NOTHING""".formatted(s));
                    insert.setObject(1, id);
                    insert.setLong(2, index);
                    insert.setObject(3, ts(e.at()));
                    insert.setObject(4, nhs(e.patient()));
                    insert.setArray(5, connection.createArrayOf("uuid", entries));
                    insert.setArray(6, connection.createArrayOf("integer", versions));
                    return insert;
                });
            }
            alertsForAccess(s, e, id, index);
        }
        log.debug("audit: access {} at index {}", id, index);
    }

    @EventHandler
    void on(RecordAccessRefused e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            int inserted = jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, purpose, channel, record_view, policy_version, refusal_reason)
                    VALUES (?, ?, 'REFUSED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.purpose()), name(e.channel()), name(e.view()), e.policyVersion(),
                    name(e.reason()));
            if (inserted > 0) {
                LocalDate day = localDay(e.at());
                String alertId = "REPEATED_REFUSALS:" + e.by().user() + ":" + day;
                if (!alertRaised(s, alertId)) {
                    long refusals = countOnDay(s, e.by().user().value(), day, "REFUSED", false, refusalsPerDay);
                    if (refusals >= refusalsPerDay) {
                        alert(s, alertId, "REPEATED_REFUSALS", e.at(), e.by().user().value(), nhs(e.patient()), id,
                                index, refusals + " refusals on " + day);
                    }
                }
            }
        }
        log.debug("audit: refusal {} at index {}", id, index);
    }

    @EventHandler
    void on(PatientSearched e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        String returned = e.returned() == null ? "" : e.returned().stream().map(NhsNumber::value)
                .collect(Collectors.joining(","));
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        channel, search_kind, returned_patients)
                    VALUES (?, ?, 'SEARCHED', ?, ?, ?, ?, ?, ?, string_to_array(?, ','))
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    name(e.channel()), name(e.query()), returned);
        }
        log.debug("audit: search {} at index {}", id, index);
    }

    @EventHandler
    void on(RecordWriteRefused e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, refusal_reason, subject)
                    VALUES (?, ?, 'WRITE_REFUSED', ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.reason()), e.command());
        }
        log.debug("audit: write refused {} at index {}", id, index);
    }

    @EventHandler
    void on(ConsentViewed e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, channel, record_view)
                    VALUES (?, ?, 'CONSENT_VIEWED', ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), name(e.channel()), name(e.view()));
        }
        log.debug("audit: consent viewed {} at index {}", id, index);
    }

    @EventHandler
    void on(AuditTrailQueried e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        question, subject, period_from, period_to)
                    VALUES (?, ?, 'AUDIT_QUERIED', ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    name(e.question()), e.subject(), ts(e.from()), ts(e.to()));
        }
        log.debug("audit: audit query {} at index {}", id, index);
    }

    /** A declared emergency is itself an IG alert, and shows in the patient's access history. */
    @EventHandler
    void on(EmergencyAccessDeclared e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            int inserted = jdbc.update("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, basis, emergency_id, emergency_until, emergency_reason)
                    VALUES (?, ?, 'EMERGENCY_DECLARED', ?, ?, ?, ?, ?, 'EMERGENCY', ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, ts(e.at()), e.by().user().value(), e.by().role().name(), org(e.by()),
                    nhs(e.patient()), e.emergency().value(), ts(e.validUntil()), e.reason());
            if (inserted > 0) {
                alert(s, "EMERGENCY_ACCESS:" + id, "EMERGENCY_ACCESS", e.at(), e.by().user().value(), nhs(e.patient()),
                        id, index, "emergency " + e.emergency());
            }
        }
        log.debug("audit: emergency {} at index {}", e.emergency(), index);
    }

    /**
     * A patient does not recognise an access in their history: an IG alert against the reader of that access (or,
     * if the trail does not know the event, against the patient's own user id, so IG still sees it).
     */
    @EventHandler
    void on(UnrecognisedAccessReported e, EventMessage<?> message, TrackingToken token) {
        long index = index(token);
        String id = message.getIdentifier();
        for (String s : generations.writable()) {
            List<UUID> reader = jdbc.queryForList("SELECT user_id FROM %s.audit_event WHERE event_id = ? AND patient = ?"
                    .formatted(s), UUID.class, e.accessEvent(), nhs(e.patient()));
            alert(s, "UNRECOGNISED_ACCESS:" + id, "UNRECOGNISED_ACCESS", e.at(),
                    reader.isEmpty() ? e.by().user().value() : reader.get(0), nhs(e.patient()), id, index,
                    "patient reported access " + e.accessEvent());
        }
        log.debug("audit: unrecognised access reported {} at index {}", id, index);
    }

    /** An IG officer reviewed an alert: a new row of its case (the alert row itself is never updated). */
    @EventHandler
    void on(AlertReviewed e, EventMessage<?> message, TrackingToken token) {
        alertCase(e.alert(), "REVIEWED", null, e.note(), e.by(), e.at(), message.getIdentifier(), index(token));
    }

    /** An IG officer closed an alert with an outcome: a new row of its case; the alert now reads CLOSED. */
    @EventHandler
    void on(AlertClosed e, EventMessage<?> message, TrackingToken token) {
        alertCase(e.alert(), "CLOSED", name(e.outcome()), e.note(), e.by(), e.at(), message.getIdentifier(),
                index(token));
    }

    private void alertCase(String alert, String action, String outcome, String note, Actor by, Instant at, String id,
                           long index) {
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.ig_alert_review (event_id, global_index, alert_id, action, occurred_at, user_id,
                        role, organisation, outcome, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    id, index, alert, action, ts(at), by.user().value(), by.role().name(), org(by), outcome, note);
        }
        log.debug("audit: alert {} {} at index {}", alert, action, index);
    }

    // ---- facts the trail and its alerts need (ids, sections, surnames; never clinical content) -------------

    @EventHandler
    void on(EntryRecorded e, TrackingToken token) {
        long index = index(token);
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_entry (entry_id, patient, section, global_index) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    e.entry().value(), nhs(e.patient()), e.section().name(), index);
        }
    }

    @EventHandler
    void on(StaffMemberRegistered e, TrackingToken token) {
        long index = index(token);
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_staff (user_id, surname, global_index) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    e.user().value(), Names.surnameOf(e.displayName()), index);
        }
    }

    @EventHandler
    void on(PatientRegistered e, TrackingToken token) {
        patientName(e.patient(), e.demographics(), index(token));
    }

    @EventHandler
    void on(DemographicsUpdated e, TrackingToken token) {
        patientName(e.patient(), e.demographics(), index(token));
    }

    private void patientName(NhsNumber patient, Demographics demographics, long index) {
        for (String s : generations.writable()) {
            jdbc.update("""
                    INSERT INTO %s.audit_patient_name (patient, global_index, surname, postcode) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""".formatted(s),
                    patient.value(), index, Names.normalise(demographics.familyName()),
                    Names.postcode(demographics.address().postcode()));
        }
    }

    // ---- IG alerts ------------------------------------------------------------------------------------------

    private void alertsForAccess(String s, RecordAccessed e, String id, long index) {
        UUID user = e.by().user().value();
        if (e.by().role().isStaff() && !policy.current().workingHours().contains(e.at())) {
            alert(s, "OUT_OF_HOURS:" + id, "OUT_OF_HOURS", e.at(), user, nhs(e.patient()), id, index, null);
        }
        if (e.by().role().isStaff()) {
            LocalDate day = localDay(e.at());
            String alertId = "MANY_RECORDS:" + e.by().user() + ":" + day;
            if (!alertRaised(s, alertId)) {
                long opened = countOnDay(s, user, day, "ACCESSED", true, recordsPerDay);
                if (opened >= recordsPerDay) {
                    alert(s, alertId, "MANY_RECORDS", e.at(), user, nhs(e.patient()), id, index,
                            opened + " records on " + day);
                }
            }
            // shared surname (staff records carry no postcode, so the surname alone is compared)
            Boolean shared = jdbc.queryForObject("""
                    SELECT EXISTS (SELECT 1 FROM %1$s.audit_staff st
                      JOIN LATERAL (SELECT surname FROM %1$s.audit_patient_name
                                     WHERE patient = ? AND global_index < ? ORDER BY global_index DESC LIMIT 1) p
                        ON p.surname = st.surname
                     WHERE st.user_id = ? AND st.surname <> '')""".formatted(s),
                    Boolean.class, nhs(e.patient()), index, user);
            if (Boolean.TRUE.equals(shared)) {
                alert(s, "SHARED_SURNAME:" + id, "SHARED_SURNAME", e.at(), user, nhs(e.patient()), id, index, null);
            }
        }
    }

    /**
     * Distinct patients opened (or refusals) by a user on a local day, up to and including this event, counted no
     * further than {@code atMost}: the answer only has to say whether the threshold is reached, and an unbounded
     * count per event made a busy user's day quadratic (the audit trail fell minutes behind under read load).
     */
    private long countOnDay(String s, UUID user, LocalDate day, String kind, boolean distinctPatients, int atMost) {
        ZoneId zone = policy.current().workingHours().zone();
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        String rows = distinctPatients ? "DISTINCT patient" : "1";
        return jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT %s FROM %s.audit_event
                 WHERE user_id = ? AND kind = ? AND occurred_at >= ? AND occurred_at < ? LIMIT ?) counted"""
                        .formatted(rows, s), Long.class, user, kind, ts(from), ts(to), atMost);
    }

    /** True once an alert with this id exists: a per-day alert is raised once, and then nothing needs counting. */
    private boolean alertRaised(String s, String alertId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM %s.ig_alert WHERE alert_id = ?)".formatted(s), Boolean.class, alertId));
    }

    private LocalDate localDay(Instant at) {
        return at.atZone(policy.current().workingHours().zone()).toLocalDate();
    }

    private void alert(String s, String alertId, String kind, Instant at, UUID user, String patient, String source,
                       long index, String detail) {
        jdbc.update("""
                INSERT INTO %s.ig_alert (alert_id, kind, raised_at, user_id, patient, source_event_id, global_index,
                    detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""".formatted(s),
                alertId, kind, ts(at), user, patient, source, index, detail);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static long index(TrackingToken token) {
        return token.position().orElseThrow(() -> new IllegalStateException("tracking token without a position"));
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String org(Actor actor) {
        return actor.organisation() == null ? null : actor.organisation().value();
    }

    private static String nhs(NhsNumber patient) {
        return patient == null ? null : patient.value();
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static int size(Collection<?> c) {
        return c == null ? 0 : c.size();
    }

    private static String csv(Collection<String> values) {
        return values == null ? "" : String.join(",", values);
    }
}
