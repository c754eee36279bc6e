package org.careledger.audit.trail;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.careledger.access.AccessDecision;
import org.careledger.alert.AlertRules;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Full-text search over the whole audit trail for IG (issue 11): every access, refusal, search, export, consent view,
 * audit query, emergency declaration, and every IG alert raised, reviewed and closed, filtered by any of user, role,
 * organisation, patient, basis, purpose, channel and kind, and by free-text terms over the coded fields (each term
 * must equal one of them: a kind, role, ODS code, basis, purpose, channel, view, refusal reason, search kind,
 * question, disclosed section, alert kind or outcome, case-insensitively), within a period, paged in trail order.
 * Answered by the Elasticsearch audit index ({@link Index}) when it is configured, else by PostgreSQL over the same
 * rows; asked only through {@link AuditTrail#search}, which checks and audits the question first.
 * <p>
 * Trail order is (time, position): an event's position is its global index × {@value #SLOTS}; an alert raised is
 * placed just after the event that raised it (its global index × {@value #SLOTS} + 1 + the rule's ordinal), so a
 * page boundary can never fall between two rows of the same position.
 */
public final class AuditSearch {

    /** Positions per global index: the event itself, then one slot per alert rule. */
    public static final int SLOTS = 16;

    private static final Pattern TERM = Pattern.compile("[A-Za-z0-9_]{1,40}");
    private static final int MAX_TERMS = 10;

    static {
        if (AlertRules.Rule.values().length >= SLOTS) {
            throw new IllegalStateException("more alert rules than position slots");
        }
    }

    private AuditSearch() {
    }

    /** What a row of the trail is. */
    public enum Kind {
        ACCESSED, REFUSED, SEARCHED, WRITE_REFUSED, CONSENT_VIEWED, AUDIT_QUERIED, EMERGENCY_DECLARED,
        /** A patient's report (Elasticsearch only; both show the alert it raised). */
        UNRECOGNISED_ACCESS_REPORTED,
        ALERT_RAISED, ALERT_REVIEWED, ALERT_CLOSED
    }

    /** The position of an event in trail order. */
    public static long position(long globalIndex) {
        return globalIndex * SLOTS;
    }

    /** The position of an alert raised by the event at {@code globalIndex}: just after it. */
    public static long alertPosition(long globalIndex, String rule) {
        return globalIndex * SLOTS + 1 + AlertRules.Rule.valueOf(rule).ordinal();
    }

    /**
     * The filters, each optional (null: any); {@code terms} are free-text words, each of which must match.
     */
    public record Filter(UserId user, Role role, OdsCode organisation, NhsNumber patient,
                         AccessDecision.Basis basis, Purpose purpose, Channel channel, Kind kind, List<String> terms) {

        public Filter {
            terms = terms == null ? List.of() : List.copyOf(terms);
        }

        /** No filter: every row of the period. */
        public static Filter of() {
            return new Filter(null, null, null, null, null, null, null, null, List.of());
        }

        /** Parses free text into terms: at most {@value #MAX_TERMS} words of letters, digits and underscores. */
        public static List<String> terms(String text) {
            if (text == null || text.isBlank()) {
                return List.of();
            }
            List<String> terms = new ArrayList<>();
            for (String word : text.strip().split("\\s+")) {
                if (!TERM.matcher(word).matches()) {
                    throw new Refusal(Refusal.Kind.INVALID_INPUT, "search text is words of letters, digits and "
                            + "underscores (a code such as EMERGENCY or A81001)");
                }
                terms.add(word.toLowerCase(Locale.ROOT));
            }
            if (terms.size() > MAX_TERMS) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "search text has at most " + MAX_TERMS + " words");
            }
            return List.copyOf(terms);
        }

        /** The question as the audit of the audit records it (ids and codes only). */
        public String describe() {
            StringJoiner s = new StringJoiner(";");
            add(s, "user", user == null ? null : user.toString());
            add(s, "role", role);
            add(s, "organisation", organisation == null ? null : organisation.value());
            add(s, "patient", patient == null ? null : patient.value());
            add(s, "basis", basis);
            add(s, "purpose", purpose);
            add(s, "channel", channel);
            add(s, "kind", kind);
            add(s, "text", terms.isEmpty() ? null : String.join(" ", terms));
            String all = s.toString();
            return all.length() <= 255 ? all : all.substring(0, 255);
        }

        private static void add(StringJoiner s, String name, Object value) {
            if (value != null) {
                s.add(name + "=" + value);
            }
        }
    }

    /**
     * One row of the trail as a search returns it: ids, codes and counts, never content. {@code id} is the event's id
     * (for ALERT_RAISED the alert's id); {@code subject} what an audit query or a write refusal named, or the event
     * that raised an alert; {@code alert}, {@code alertKind} and {@code outcome} for the alert rows.
     */
    public record Hit(String id, long globalIndex, @JsonIgnore long position, String kind, Instant at, UUID user,
                      String role, String organisation, String patient, String basis, String purpose, String channel,
                      String view, List<String> sections, Integer disclosedCount, String refusalReason,
                      String searchKind, String question, String subject, String alert, String alertKind,
                      String outcome) {

        public Hit {
            sections = sections == null ? List.of() : List.copyOf(sections);
        }

        AuditPage.Cursor cursor() {
            return new AuditPage.Cursor(at, position);
        }
    }

    /** What the search index answers. */
    public interface Index {
        AuditPage<Hit> search(Filter filter, AuditPeriod period, AuditPage.Request page);
    }

    /** The cursor of the row after which a page ends. */
    public static AuditPage.Cursor cursorOf(Hit hit) {
        return hit.cursor();
    }

    /** The columns every row shape below has, in this order. */
    public static final String COLUMNS = "id, global_index, position, kind, occurred_at, user_id, role, organisation, "
            + "patient, basis, purpose, channel, record_view, disclosed_count, refusal_reason, search_kind, question, "
            + "subject, alert, alert_kind, outcome";

    private static String ruleSlot(String column) {
        StringBuilder sql = new StringBuilder("CASE " + column);
        for (AlertRules.Rule rule : AlertRules.Rule.values()) {
            sql.append(" WHEN '").append(rule.name()).append("' THEN ").append(1 + rule.ordinal());
        }
        return sql.append(" ELSE ").append(SLOTS - 1).append(" END").toString();
    }

    /** The trail's audit events as search rows. */
    static final String EVENT_ROWS = """
            SELECT e.event_id AS id, e.global_index, e.global_index * %d AS position, e.kind, e.occurred_at, e.user_id,
                   e.role, e.organisation, e.patient, e.basis, e.purpose, e.channel, e.record_view, e.disclosed_count,
                   e.refusal_reason, e.search_kind, e.question, e.subject, NULL::varchar AS alert,
                   NULL::varchar AS alert_kind, NULL::varchar AS outcome
              FROM audit_event e""".formatted(SLOTS);

    /**
     * The alerts raised as search rows (who: the user whose access raised it, with the role and organisation of that
     * access; subject: the event that raised it). The Elasticsearch projection indexes exactly these rows.
     */
    public static final String ALERT_ROWS = """
            SELECT a.alert_id AS id, a.global_index, a.global_index * %d + %s AS position,
                   'ALERT_RAISED'::varchar AS kind, a.raised_at AS occurred_at, a.user_id, s.role, s.organisation,
                   a.patient, NULL::varchar AS basis, NULL::varchar AS purpose, NULL::varchar AS channel,
                   NULL::varchar AS record_view, NULL::integer AS disclosed_count, NULL::varchar AS refusal_reason,
                   NULL::varchar AS search_kind, NULL::varchar AS question, a.source_event_id AS subject,
                   a.alert_id AS alert, a.kind AS alert_kind, NULL::varchar AS outcome
              FROM ig_alert a LEFT JOIN audit_event s ON s.event_id = a.source_event_id""".formatted(SLOTS,
            ruleSlot("a.kind"));

    /** IG's reviews and closures of alerts as search rows (patient and alert kind: the alert's). */
    public static final String REVIEW_ROWS = """
            SELECT r.event_id AS id, r.global_index, r.global_index * %d AS position,
                   ('ALERT_' || r.action)::varchar AS kind, r.occurred_at, r.user_id, r.role, r.organisation,
                   a.patient, NULL::varchar AS basis, NULL::varchar AS purpose, NULL::varchar AS channel,
                   NULL::varchar AS record_view, NULL::integer AS disclosed_count, NULL::varchar AS refusal_reason,
                   NULL::varchar AS search_kind, NULL::varchar AS question, NULL::varchar AS subject,
                   r.alert_id AS alert, a.kind AS alert_kind, r.outcome
              FROM ig_alert_review r LEFT JOIN ig_alert a ON a.alert_id = r.alert_id""".formatted(SLOTS);

    /** Every row a search may return, from PostgreSQL. */
    static final String ALL_ROWS = EVENT_ROWS + "\nUNION ALL\n" + ALERT_ROWS + "\nUNION ALL\n" + REVIEW_ROWS;

    /**
     * The PostgreSQL answer to a search (not audited: {@link AuditTrail#search} is the one door). Paged like the other
     * trail queries, by keyset on (time, position); each term must equal a coded column or a disclosed section.
     */
    public static AuditPage<Hit> fromTrail(org.springframework.jdbc.core.JdbcTemplate jdbc, Filter filter,
                                           AuditPeriod period, AuditPage.Request page) {
        StringBuilder where = new StringBuilder("TRUE");
        List<Object> args = new ArrayList<>();
        equal(where, args, "user_id", filter.user() == null ? null : filter.user().value());
        equal(where, args, "role", filter.role() == null ? null : filter.role().name());
        equal(where, args, "organisation", filter.organisation() == null ? null : filter.organisation().value());
        equal(where, args, "patient", filter.patient() == null ? null : filter.patient().value());
        equal(where, args, "basis", filter.basis() == null ? null : filter.basis().name());
        equal(where, args, "purpose", filter.purpose() == null ? null : filter.purpose().name());
        equal(where, args, "channel", filter.channel() == null ? null : filter.channel().name());
        equal(where, args, "kind", filter.kind() == null ? null : filter.kind().name());
        for (String term : filter.terms()) {
            StringJoiner any = new StringJoiner(" OR ", " AND (", ")");
            for (String field : TEXT_FIELDS) {
                any.add("lower(h." + (field.equals("view") ? "record_view" : field) + ") = ?");
                args.add(term);
            }
            any.add("EXISTS (SELECT 1 FROM audit_event d, unnest(d.disclosed_sections) AS section"
                    + " WHERE d.event_id = h.id AND lower(section) = ?)");
            args.add(term);
            where.append(any);
        }
        String sql = "SELECT p.*, ARRAY(SELECT section FROM audit_event d, unnest(d.disclosed_sections) AS section"
                + " WHERE d.event_id = p.id ORDER BY section) AS sections FROM (SELECT h.* FROM (" + ALL_ROWS
                + ") h WHERE " + where + " AND h.occurred_at >= ? AND h.occurred_at < ? %s"
                + " ORDER BY h.occurred_at, h.position LIMIT ?) p ORDER BY p.occurred_at, p.position";
        return AuditTrail.page(jdbc, sql, "h", args, period, page, AuditSearch::hit, Hit::cursor, "occurred_at",
                "position");
    }

    private static void equal(StringBuilder where, List<Object> args, String column, Object value) {
        if (value != null) {
            where.append(" AND h.").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static Hit hit(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        int disclosed = rs.getInt("disclosed_count");
        Integer disclosedCount = rs.wasNull() ? null : disclosed;
        java.sql.Array sections = rs.getArray("sections");
        return new Hit(rs.getString("id"), rs.getLong("global_index"), rs.getLong("position"), rs.getString("kind"),
                AuditTrail.instant(rs, "occurred_at"), rs.getObject("user_id", UUID.class), rs.getString("role"),
                rs.getString("organisation"), rs.getString("patient"), rs.getString("basis"), rs.getString("purpose"),
                rs.getString("channel"), rs.getString("record_view"),
                sections == null ? List.of() : List.of((String[]) sections.getArray()), disclosedCount,
                rs.getString("refusal_reason"), rs.getString("search_kind"), rs.getString("question"),
                rs.getString("subject"), rs.getString("alert"), rs.getString("alert_kind"), rs.getString("outcome"));
    }

    /** Columns a free-text term is compared with (besides the sections a read disclosed). */
    public static final List<String> TEXT_FIELDS = List.of("kind", "role", "organisation", "basis", "purpose",
            "channel", "view", "refusal_reason", "search_kind", "question", "alert_kind", "outcome");
}
