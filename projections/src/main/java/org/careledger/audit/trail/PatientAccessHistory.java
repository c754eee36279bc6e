package org.careledger.audit.trail;

import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.AuditTrailQueried.AuditQuestion;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A patient's own access history, in plain words (DESIGN.md "The patient"): every read of their record, every
 * refused attempt and every emergency declared on it, with who (name, role, organisation name), when, the basis and
 * which sections were seen (never entry content). Only the patient themselves asks, and asking is audited like any
 * audit query ({@link AuditTrailQueried}, ACCESSES_TO_PATIENT) before the answer is read. Newest first, paged.
 */
@Service
public class PatientAccessHistory {

    /**
     * One line of the history. {@code kind}: ACCESSED, REFUSED or EMERGENCY_DECLARED. For an access the patient
     * reported: {@code reportStatus}, where IG's case stands, and {@code reportOutcome}, the outcome once IG closed
     * it (an {@code AlertOutcome} name); both null for an access not reported. IG's notes never come back here.
     */
    public record Access(String eventId, long globalIndex, Instant at, String kind, UUID user, String name,
                         String role, String organisation, String organisationName, String basis, String purpose,
                         List<Section> sections, boolean emergency, String emergencyReason, Instant emergencyUntil,
                         boolean reported, AlertStatus reportStatus, String reportOutcome) {
    }

    private final JdbcTemplate jdbc;
    private final AuditAppender appender;
    private final Clock clock;

    public PatientAccessHistory(JdbcTemplate jdbc, AuditAppender appender, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.appender = appender;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** The patient's accesses in the period, newest first; {@code after} is the last row of the previous page. */
    public AuditPage<Access> of(Actor patientActor, NhsNumber patient, AuditPeriod period, AuditPage.Request page) {
        Refusal.requireValue(patientActor, "who asks");
        Refusal.requireValue(patient, "patient");
        Refusal.requireValue(period, "period");
        Refusal.require(patientActor.role() == Role.PATIENT, Refusal.Kind.NOT_PERMITTED,
                "the access history in plain words is the patient's own");
        appender.append(new AuditTrailQueried(AuditQuestion.ACCESSES_TO_PATIENT, patient.value(), period.from(),
                period.to(), patientActor, clock.instant()));
        List<Object> args = new ArrayList<>(List.of(patient.value(), AuditTrailProjection.ts(period.from()),
                AuditTrailProjection.ts(period.to())));
        String keyset = "";
        if (page.after() != null) {
            keyset = " AND (e.occurred_at, e.global_index) < (?, ?)";
            args.add(AuditTrailProjection.ts(page.after().at()));
            args.add(page.after().globalIndex());
        }
        args.add(page.size() + 1);
        List<Access> rows = jdbc.query("""
                SELECT e.event_id, e.global_index, e.occurred_at, e.kind, e.user_id, s.display_name, e.role,
                       e.organisation, o.name AS organisation_name, e.basis, e.purpose, e.emergency_reason,
                       e.emergency_until, rep.alert_id IS NOT NULL AS reported, rep.outcome AS report_outcome,
                       CASE WHEN rep.alert_id IS NULL THEN NULL WHEN rep.outcome IS NOT NULL THEN 'CLOSED'
                            WHEN rep.reviewed THEN 'UNDER_REVIEW' ELSE 'OPEN' END AS report_status
                  FROM audit_event e
                  LEFT JOIN LATERAL (
                      SELECT a.alert_id,
                             (SELECT r.outcome FROM ig_alert_review r
                               WHERE r.alert_id = a.alert_id AND r.action = 'CLOSED') AS outcome,
                             EXISTS (SELECT 1 FROM ig_alert_review r WHERE r.alert_id = a.alert_id) AS reviewed
                        FROM ig_alert a WHERE a.kind = 'UNRECOGNISED_ACCESS'
                         AND a.patient = e.patient AND a.detail = 'patient reported access ' || e.event_id
                       ORDER BY a.global_index LIMIT 1) rep ON true
                  LEFT JOIN staff_member s ON s.user_id = e.user_id
                  LEFT JOIN organisation o ON o.ods_code = e.organisation
                 WHERE e.patient = ? AND e.kind IN ('ACCESSED', 'REFUSED', 'EMERGENCY_DECLARED', 'PREVIEWED')
                   AND e.occurred_at >= ? AND e.occurred_at < ?""" + keyset
                // the text block below loses its indentation: without this newline PostgreSQL 15+ reads "?ORDER"
                // as a parameter with trailing junk
                + "\n" + """
                 ORDER BY e.occurred_at DESC, e.global_index DESC LIMIT ?""", PatientAccessHistory::row,
                args.toArray());
        AuditPage.Cursor next = null;
        if (rows.size() > page.size()) {
            rows = rows.subList(0, page.size());
            Access last = rows.get(rows.size() - 1);
            next = new AuditPage.Cursor(last.at(), last.globalIndex());
        }
        return new AuditPage<>(withSections(rows), next);
    }

    /** Whether an audit event is an access to this patient's record (what a patient may report). */
    public boolean isAccessTo(NhsNumber patient, String eventId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM audit_event WHERE event_id = ? AND patient = ?
                                  AND kind IN ('ACCESSED', 'REFUSED', 'EMERGENCY_DECLARED', 'PREVIEWED'))""",
                Boolean.class, eventId, patient.value()));
    }

    private List<Access> withSections(List<Access> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, TreeSet<Section>> sections = new LinkedHashMap<>();
        jdbc.query("""
                SELECT e.event_id, section FROM audit_event e, unnest(e.disclosed_sections) AS section
                 WHERE e.event_id = ANY (string_to_array(?, ','))""", rs -> {
            sections.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(Section.valueOf(rs.getString(2)));
        }, String.join(",", rows.stream().map(Access::eventId).toList()));
        return rows.stream().map(r -> new Access(r.eventId(), r.globalIndex(), r.at(), r.kind(), r.user(), r.name(),
                r.role(), r.organisation(), r.organisationName(), r.basis(), r.purpose(),
                List.copyOf(sections.getOrDefault(r.eventId(), new TreeSet<>())), r.emergency(), r.emergencyReason(),
                r.emergencyUntil(), r.reported(), r.reportStatus(), r.reportOutcome())).toList();
    }

    private static Access row(ResultSet rs, int i) throws SQLException {
        String basis = rs.getString("basis");
        String kind = rs.getString("kind");
        String reportStatus = rs.getString("report_status");
        return new Access(rs.getString("event_id"), rs.getLong("global_index"), AuditTrail.instant(rs, "occurred_at"),
                kind, rs.getObject("user_id", UUID.class), rs.getString("display_name"), rs.getString("role"),
                rs.getString("organisation"), rs.getString("organisation_name"), basis, rs.getString("purpose"),
                List.of(), "EMERGENCY".equals(basis) || "EMERGENCY_DECLARED".equals(kind),
                rs.getString("emergency_reason"), AuditTrail.instant(rs, "emergency_until"),
                rs.getBoolean("reported"), reportStatus == null ? null : AlertStatus.valueOf(reportStatus),
                rs.getString("report_outcome"));
    }
}
