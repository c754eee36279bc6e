package org.careledger.audit.trail;

import org.careledger.access.AccessDecision;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.AuditTrailQueried.AuditQuestion;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.UserId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.careledger.audit.trail.AuditTrailProjection.ts;

/**
 * The questions the audit trail answers (DESIGN.md "The audit trail"), each paged by keyset (time, global index)
 * within a period. Only IG officers ask them, and every question is itself audited: an {@link AuditTrailQueried}
 * event is committed to the ledger before the answer is read; if it cannot be stored, the query fails.
 * Answers come from the active generation of the audit projection (a tracking projection: it may trail the ledger
 * by the time the processor takes to catch up).
 */
@Service
public class AuditTrail {

    private static final String ROW_KINDS = "kind IN ('ACCESSED', 'REFUSED', 'EMERGENCY_DECLARED', 'CONSENT_VIEWED', "
            + "'WRITE_REFUSED', 'PREVIEWED')";

    private final JdbcTemplate jdbc;
    private final AuditAppender appender;
    private final Clock clock;
    private final AuditCounts.Index index;
    private final AuditSearch.Index searchIndex;
    private final org.careledger.policy.PolicyInForce policy;

    public AuditTrail(JdbcTemplate jdbc, AuditAppender appender, ObjectProvider<Clock> clock,
                      ObjectProvider<AuditCounts.Index> index, ObjectProvider<AuditSearch.Index> searchIndex,
                      org.careledger.policy.PolicyInForce policy) {
        this.jdbc = jdbc;
        this.appender = appender;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.index = index.getIfAvailable();
        this.searchIndex = searchIndex.getIfAvailable();
        this.policy = policy;
    }

    /**
     * Counts over the trail ({@link AuditCounts}): per user and day, per organisation, by basis, emergencies per day;
     * for one organisation's staff or (null) all. Days are local to the policy's working-hours zone. From the
     * Elasticsearch audit index when it is configured (it may lag the ledger by seconds), else from PostgreSQL.
     */
    public List<AuditCounts.Bucket> counts(Actor by, AuditCounts.By dimension, OdsCode organisation,
                                           AuditPeriod period) {
        Refusal.requireValue(dimension, "what to count by");
        audit(by, AuditQuestion.ACCESS_COUNTS, dimension + (organisation == null ? "" : ":" + organisation.value()),
                period);
        String org = organisation == null ? null : organisation.value();
        java.time.ZoneId zone = policy.current().workingHours().zone();
        return index != null ? index.counts(dimension, org, period, zone)
                : AuditCounts.fromTrail(jdbc, dimension, org, period, zone);
    }

    /** For a patient: who accessed the record, when, from where, on what basis, which entries (and refusals). */
    public AuditPage<AuditRecord> accessesToPatient(Actor by, NhsNumber patient, AuditPeriod period,
                                                    AuditPage.Request page) {
        return accessesToPatient(by, patient, null, period, page);
    }

    /** The same, only the reads on one basis (REGISTERED, GRANT, EMERGENCY, SELF); null for all. */
    public AuditPage<AuditRecord> accessesToPatient(Actor by, NhsNumber patient, AccessDecision.Basis basis,
                                                    AuditPeriod period, AuditPage.Request page) {
        Refusal.requireValue(patient, "patient");
        audit(by, AuditQuestion.ACCESSES_TO_PATIENT, patient.value(), period);
        return records("patient = ? AND " + ROW_KINDS + onBasis(basis), withBasis(List.of(patient.value()), basis),
                period, page);
    }

    /** For a user: which records they opened (or were refused, or broke glass on), and on what basis. */
    public AuditPage<AuditRecord> recordsOpenedBy(Actor by, UserId user, AuditPeriod period, AuditPage.Request page) {
        return recordsOpenedBy(by, user, null, period, page);
    }

    /** The same, only the reads on one basis (REGISTERED, GRANT, EMERGENCY, SELF); null for all. */
    public AuditPage<AuditRecord> recordsOpenedBy(Actor by, UserId user, AccessDecision.Basis basis,
                                                  AuditPeriod period, AuditPage.Request page) {
        Refusal.requireValue(user, "user");
        audit(by, AuditQuestion.RECORDS_OPENED_BY_USER, user.toString(), period);
        return records("user_id = ? AND " + ROW_KINDS + onBasis(basis), withBasis(List.of(user.value()), basis),
                period, page);
    }

    private static String onBasis(AccessDecision.Basis basis) {
        return basis == null ? "" : " AND basis = ?";
    }

    private static List<Object> withBasis(List<Object> args, AccessDecision.Basis basis) {
        List<Object> all = new ArrayList<>(args);
        if (basis != null) {
            all.add(basis.name());
        }
        return List.copyOf(all);
    }

    /** For an entry: every read that disclosed it, and which version. */
    public AuditPage<AuditRecord.EntryReading> readersOfEntry(Actor by, EntryId entry, AuditPeriod period,
                                                              AuditPage.Request page) {
        Refusal.requireValue(entry, "entry");
        audit(by, AuditQuestion.READERS_OF_ENTRY, entry.toString(), period);
        // the reads (and content-showing previews) whose disclosed entries hold it: the GIN index (ADR 32)
        List<Object> args = new ArrayList<>(List.of(entry.value(), entry.value()));
        String sql = """
                SELECT e.global_index, e.occurred_at,
                       e.disclosed_versions[array_position(e.disclosed_entries, ?::uuid)] AS version, e.event_id,
                       e.user_id, e.role, e.organisation, e.patient, e.basis, e.grant_id, e.emergency_id, e.purpose
                  FROM audit_event e
                 WHERE e.disclosed_entries @> ARRAY[?::uuid] AND e.occurred_at >= ? AND e.occurred_at < ? %s
                 ORDER BY e.occurred_at, e.global_index LIMIT ?""";
        return page(sql, "e", args, period, page, (rs, i) -> new AuditRecord.EntryReading(rs.getString("event_id"),
                        rs.getLong("global_index"), instant(rs, "occurred_at"), rs.getObject("user_id", UUID.class),
                        rs.getString("role"), rs.getString("organisation"), rs.getString("patient"),
                        rs.getString("basis"), rs.getObject("grant_id", UUID.class),
                        rs.getObject("emergency_id", UUID.class), rs.getString("purpose"), rs.getInt("version")),
                r -> new AuditPage.Cursor(r.at(), r.globalIndex()));
    }

    /** Emergency declarations and the reads made on an emergency basis. */
    public AuditPage<AuditRecord> emergencyAccesses(Actor by, AuditPeriod period, AuditPage.Request page) {
        audit(by, AuditQuestion.EMERGENCY_ACCESSES, null, period);
        return records("(kind = 'EMERGENCY_DECLARED' OR basis = 'EMERGENCY')", List.of(), period, page);
    }

    /** Refused reads. */
    public AuditPage<AuditRecord> refusals(Actor by, AuditPeriod period, AuditPage.Request page) {
        audit(by, AuditQuestion.REFUSALS, null, period);
        return records("kind = 'REFUSED'", List.of(), period, page);
    }

    /**
     * Full-text search over the whole trail ({@link AuditSearch}): from the Elasticsearch audit index when it is
     * configured (it may lag the ledger by seconds), else from PostgreSQL over the same rows.
     */
    public AuditPage<AuditSearch.Hit> search(Actor by, AuditSearch.Filter filter, AuditPeriod period,
                                             AuditPage.Request page) {
        Refusal.requireValue(filter, "search");
        Refusal.requireValue(page, "page");
        audit(by, AuditQuestion.AUDIT_SEARCH, filter.describe(), period);
        return searchIndex != null ? searchIndex.search(filter, period, page)
                : AuditSearch.fromTrail(jdbc, filter, period, page);
    }

    /** IG alerts raised from the trail in the period, each with its case's status; all of them or one status. */
    public AuditPage<AuditRecord.Alert> alerts(Actor by, AlertStatus status, AuditPeriod period,
                                               AuditPage.Request page) {
        audit(by, AuditQuestion.IG_ALERTS, status == null ? null : "status=" + status, period);
        List<Object> args = new ArrayList<>();
        String filter = "";
        if (status != null) {
            filter = "a.status = ? AND ";
            args.add(status.name());
        }
        String sql = "SELECT * FROM (" + ALERTS + ") a WHERE " + filter + """
                a.raised_at >= ? AND a.raised_at < ? %s
                 ORDER BY a.raised_at, a.global_index LIMIT ?""";
        return page(sql, "a", args, period, page, AuditTrail::alert,
                r -> new AuditPage.Cursor(r.raisedAt(), r.globalIndex()), "raised_at");
    }

    /** IG alerts raised from the trail in the period, whatever their status. */
    public AuditPage<AuditRecord.Alert> alerts(Actor by, AuditPeriod period, AuditPage.Request page) {
        return alerts(by, null, period, page);
    }

    /** One alert and every review and closure of its case (audited as an IG_ALERTS question about that alert). */
    public java.util.Optional<AuditRecord.AlertCase> alertCase(Actor by, String alertId, AuditPeriod period) {
        Refusal.requireValue(alertId, "alert");
        audit(by, AuditQuestion.IG_ALERTS, alertId, period);
        List<AuditRecord.Alert> alert = jdbc.query("SELECT * FROM (" + ALERTS + ") a WHERE a.alert_id = ?",
                AuditTrail::alert, alertId);
        if (alert.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<AuditRecord.AlertAction> actions = jdbc.query("""
                SELECT * FROM ig_alert_review WHERE alert_id = ? ORDER BY global_index""",
                (rs, i) -> new AuditRecord.AlertAction(rs.getString("event_id"), rs.getLong("global_index"),
                        rs.getString("action"), instant(rs, "occurred_at"), rs.getObject("user_id", UUID.class),
                        rs.getString("role"), rs.getString("organisation"), rs.getString("outcome"),
                        rs.getString("note")), alertId);
        return java.util.Optional.of(new AuditRecord.AlertCase(alert.get(0), actions));
    }

    /**
     * Where an alert's case stands, for the edge to check before IG reviews or closes it (empty: the trail raised no
     * such alert, or has not caught up with it yet). Not an audit question: it discloses nothing beyond the status.
     */
    public java.util.Optional<AlertStatus> alertStatus(String alertId) {
        return jdbc.query("SELECT status FROM (" + ALERTS + ") a WHERE a.alert_id = ?",
                (rs, i) -> AlertStatus.valueOf(rs.getString("status")), alertId).stream().findFirst();
    }

    /** Alerts with their case's state, derived from the append-only case rows (nothing is updated in place). */
    private static final String ALERTS = """
            SELECT al.*, c.outcome, c.occurred_at AS closed_at,
                   CASE WHEN c.alert_id IS NOT NULL THEN 'CLOSED'
                        WHEN EXISTS (SELECT 1 FROM ig_alert_review r WHERE r.alert_id = al.alert_id) THEN 'UNDER_REVIEW'
                        ELSE 'OPEN' END AS status
              FROM ig_alert al
              LEFT JOIN ig_alert_review c ON c.alert_id = al.alert_id AND c.action = 'CLOSED'""";

    private static AuditRecord.Alert alert(ResultSet rs, int row) throws SQLException {
        return new AuditRecord.Alert(rs.getString("alert_id"), rs.getString("kind"), instant(rs, "raised_at"),
                rs.getObject("user_id", UUID.class), rs.getString("patient"), rs.getString("source_event_id"),
                rs.getLong("global_index"), rs.getString("detail"), AlertStatus.valueOf(rs.getString("status")),
                rs.getString("outcome"), instant(rs, "closed_at"));
    }

    // ---- the audit of the audit ---------------------------------------------------------------------------

    private void audit(Actor by, AuditQuestion question, String subject, AuditPeriod period) {
        Refusal.requireValue(by, "who asks");
        Refusal.requireValue(period, "period");
        if (by.role() != Role.IG_OFFICER) {
            throw Refusal.of(Refusal.Kind.NOT_PERMITTED, by.role() + " may not query the audit trail");
        }
        appender.append(new AuditTrailQueried(question, subject, period.from(), period.to(), by, clock.instant()));
    }

    // ---- paging -------------------------------------------------------------------------------------------

    private AuditPage<AuditRecord> records(String where, List<Object> whereArgs, AuditPeriod period,
                                           AuditPage.Request page) {
        String sql = "SELECT * FROM audit_event e WHERE " + where
                + " AND e.occurred_at >= ? AND e.occurred_at < ? %s ORDER BY e.occurred_at, e.global_index LIMIT ?";
        AuditPage<AuditRecord> rows = page(sql, "e", new ArrayList<>(whereArgs), period, page, AuditTrail::record,
                r -> new AuditPage.Cursor(r.at(), r.globalIndex()));
        return new AuditPage<>(withDisclosures(rows.items()), rows.next());
    }

    private <T> AuditPage<T> page(String sql, String alias, List<Object> args, AuditPeriod period,
                                  AuditPage.Request page, RowMapper<T> mapper, Function<T, AuditPage.Cursor> cursor) {
        return page(sql, alias, args, period, page, mapper, cursor, "occurred_at");
    }

    private <T> AuditPage<T> page(String sql, String alias, List<Object> args, AuditPeriod period,
                                  AuditPage.Request page, RowMapper<T> mapper, Function<T, AuditPage.Cursor> cursor,
                                  String timeColumn) {
        return page(jdbc, sql, alias, args, period, page, mapper, cursor, timeColumn, "global_index");
    }

    /**
     * One page of rows in (time, order column) order within a period: {@code sql} has the period's two placeholders
     * then a {@code %s} for the keyset condition, and ends with {@code LIMIT ?}.
     */
    static <T> AuditPage<T> page(JdbcTemplate jdbc, String sql, String alias, List<Object> args, AuditPeriod period,
                                 AuditPage.Request page, RowMapper<T> mapper, Function<T, AuditPage.Cursor> cursor,
                                 String timeColumn, String orderColumn) {
        args.add(ts(period.from()));
        args.add(ts(period.to()));
        String keyset = "";
        if (page.after() != null) {
            keyset = "AND (%1$s.%2$s, %1$s.%3$s) > (?, ?)".formatted(alias, timeColumn, orderColumn);
            args.add(ts(page.after().at()));
            args.add(page.after().globalIndex());
        }
        args.add(page.size() + 1);
        List<T> rows = jdbc.query(sql.formatted(keyset), mapper, args.toArray());
        if (rows.size() <= page.size()) {
            return new AuditPage<>(rows, null);
        }
        List<T> items = rows.subList(0, page.size());
        return new AuditPage<>(items, cursor.apply(items.get(items.size() - 1)));
    }

    private List<AuditRecord> withDisclosures(List<AuditRecord> rows) {
        List<String> reads = rows.stream().filter(r -> "ACCESSED".equals(r.kind())).map(AuditRecord::eventId).toList();
        if (reads.isEmpty()) {
            return rows;
        }
        Map<String, List<AuditRecord.Disclosure>> byEvent = new LinkedHashMap<>();
        jdbc.query("""
                SELECT e.event_id AS access_event_id, d.entry_id, d.version, ae.section
                  FROM audit_event e, unnest(e.disclosed_entries, e.disclosed_versions) AS d(entry_id, version)
                  LEFT JOIN audit_entry ae ON ae.entry_id = d.entry_id
                 WHERE e.event_id = ANY (string_to_array(?, ','))
                 ORDER BY e.event_id, d.entry_id""", rs -> {
            String section = rs.getString("section");
            byEvent.computeIfAbsent(rs.getString("access_event_id"), k -> new ArrayList<>())
                    .add(new AuditRecord.Disclosure(new EntryId(rs.getObject("entry_id", UUID.class)),
                            rs.getInt("version"), section == null ? null : Section.valueOf(section)));
        }, String.join(",", reads));
        return rows.stream().map(r -> byEvent.containsKey(r.eventId()) ? r.withDisclosed(byEvent.get(r.eventId())) : r)
                .collect(Collectors.toList());
    }

    private static AuditRecord record(ResultSet rs, int row) throws SQLException {
        int withheld = rs.getInt("withheld_count");
        Integer withheldCount = rs.wasNull() ? null : withheld;
        return new AuditRecord(rs.getString("event_id"), rs.getLong("global_index"), rs.getString("kind"),
                instant(rs, "occurred_at"), rs.getObject("user_id", UUID.class), rs.getString("role"),
                rs.getString("organisation"), rs.getString("patient"), rs.getString("basis"),
                rs.getObject("grant_id", UUID.class), rs.getObject("emergency_id", UUID.class),
                rs.getString("purpose"), rs.getString("channel"), rs.getString("record_view"),
                rs.getString("policy_version"), strings(rs.getArray("receipt")), List.of(), withheldCount,
                rs.getString("refusal_reason"), instant(rs, "emergency_until"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
