package org.careledger.audit.elasticsearch;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertReviewed;
import org.careledger.alert.AlertRules;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordWriteRefused;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.audit.trail.AuditTrailProjection;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The audit trail in Elasticsearch (tracking processor {@value SearchConfiguration#AUDIT}): one document per audit
 * event (every access, refusal, search, export, consent view, audit query, emergency declaration, reported
 * access, and IG's review and closure of an alert), id = the event id, version = its position in trail order
 * ({@link AuditSearch#position}: its global index × 16), in the index of its UTC month; and one document per IG alert
 * raised (id = the alert id, version = its position just after the event that raised it), from the trail's
 * {@code ig_alert} rows ({@link AuditSearch#ALERT_ROWS}: the same rows the PostgreSQL search answers with). An alert
 * raised in the event's transaction is there when its event is indexed; a per-day alert (MANY_RECORDS,
 * REPEATED_REFUSALS, ABOVE_BASELINE) is raised after commit, so a batch first waits for this node's queued alert
 * checks, then indexes the alerts of the users and days its accesses and refusals touched. A per-day alert raised
 * by another node after this processor passed is indexed with that user's next access or refusal within two days,
 * or by a replay. Who (user, role,
 * organisation), which patient, on what basis and for what purpose, which sections were disclosed and how many
 * entries, through which channel, when. The sections come from the PostgreSQL trail, which is written in the
 * event's own transaction (ADR 10) and so is always there before this processor sees the event. No record content:
 * a search stores the kind of query and the NHS numbers returned, never its terms.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
@ProcessingGroup(SearchConfiguration.AUDIT)
public class AuditDocuments {

    private final JdbcTemplate jdbc;
    private final SearchIndices indices;
    private final ObjectProvider<AuditTrailProjection> trail;

    public AuditDocuments(JdbcTemplate jdbc, SearchIndices indices, ObjectProvider<AuditTrailProjection> trail) {
        this.jdbc = jdbc;
        this.indices = indices;
        this.trail = trail;
    }

    @EventHandler
    void on(AlertReviewed e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(AlertClosed e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(RecordAccessed e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(RecordAccessRefused e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(RecordPreviewed e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(PatientSearched e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(RecordWriteRefused e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(ConsentViewed e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(AuditTrailQueried e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(EmergencyAccessDeclared e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    @EventHandler
    void on(UnrecognisedAccessReported e, EventMessage<?> message) {
        LedgerBatch.add(this, message, this::flush);
    }

    private void flush(List<LedgerBatch.Pending> batch) {
        Map<String, Long> indexes = LedgerBatch.globalIndexes(jdbc, batch);
        Map<String, List<String>> sections = sections(batch);
        List<SearchIndices.Doc> docs = new ArrayList<>(batch.size());
        List<String> reviews = new ArrayList<>();
        for (LedgerBatch.Pending pending : batch) {
            if (pending.payload() instanceof AlertReviewed || pending.payload() instanceof AlertClosed) {
                reviews.add(pending.eventId());
                continue;
            }
            Map<String, Object> doc = document(pending.payload(), sections.getOrDefault(pending.eventId(), List.of()));
            doc.put("event_id", pending.eventId());
            long index = indexes.get(pending.eventId());
            long position = AuditSearch.position(index);
            doc.put("global_index", index);
            doc.put("position", position);
            Instant at = Instant.parse((String) doc.get("at"));
            docs.add(new SearchIndices.Doc(SearchIndices.auditIndex(at), pending.eventId(), position, doc));
        }
        if (!reviews.isEmpty()) {
            docs.addAll(rows(AuditSearch.REVIEW_ROWS + " WHERE r.event_id = ANY(?)",
                    (Object) reviews.toArray(String[]::new)));
        }
        docs.addAll(alertsRaised(batch));
        indices.bulk(docs);
    }

    /**
     * The alerts raised by the batch's events: those keyed by an event of the batch, and the per-day alerts of the
     * users whose accesses or refusals are in it, around those days (after this node's queued checks have run).
     */
    private List<SearchIndices.Doc> alertsRaised(List<LedgerBatch.Pending> batch) {
        String[] sources = batch.stream().map(LedgerBatch.Pending::eventId).toArray(String[]::new);
        List<UUID> users = new ArrayList<>();
        Instant first = null;
        Instant last = null;
        for (LedgerBatch.Pending pending : batch) {
            Actor by;
            Instant at;
            if (pending.payload() instanceof RecordAccessed e) {
                by = e.by();
                at = e.at();
            } else if (pending.payload() instanceof RecordAccessRefused e) {
                by = e.by();
                at = e.at();
            } else {
                continue;
            }
            if (!by.role().isStaff()) {
                continue;
            }
            users.add(by.user().value());
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
        }
        String[] perDay = java.util.Arrays.stream(AlertRules.Rule.values()).filter(AlertRules.Rule::perDay)
                .map(Enum::name).toArray(String[]::new);
        if (users.isEmpty()) {
            return rows(AuditSearch.ALERT_ROWS + " WHERE a.source_event_id = ANY(?)", (Object) sources);
        }
        AuditTrailProjection projection = trail.getIfAvailable();
        if (projection != null) {
            projection.awaitAlertChecks();
        }
        return rows(AuditSearch.ALERT_ROWS + " WHERE a.source_event_id = ANY(?) OR (a.kind = ANY(?)"
                        + " AND a.user_id = ANY(?) AND a.raised_at >= ? AND a.raised_at < ?)", sources, perDay,
                users.stream().distinct().toArray(UUID[]::new),
                java.sql.Timestamp.from(first.minus(Duration.ofDays(2))),
                java.sql.Timestamp.from(last.plus(Duration.ofDays(2))));
    }

    /** Documents of search rows ({@link AuditSearch#COLUMNS}) selected by the query. */
    private List<SearchIndices.Doc> rows(String sql, Object... args) {
        return jdbc.query(connection -> {
            var select = connection.prepareStatement(sql);
            for (int i = 0; i < args.length; i++) {
                Object arg = args[i];
                if (arg instanceof String[] strings) {
                    select.setArray(i + 1, connection.createArrayOf("varchar", strings));
                } else if (arg instanceof UUID[] ids) {
                    select.setArray(i + 1, connection.createArrayOf("uuid", ids));
                } else {
                    select.setObject(i + 1, arg);
                }
            }
            return select;
        }, (rs, i) -> {
            Map<String, Object> doc = rowDocument(rs);
            return new SearchIndices.Doc(SearchIndices.auditIndex(Instant.parse((String) doc.get("at"))),
                    rs.getString("id"), rs.getLong("position"), doc);
        });
    }

    /** The document of an alert or review row: the same fields as the PostgreSQL search returns. */
    static Map<String, Object> rowDocument(ResultSet rs) throws SQLException {
        Map<String, Object> doc = new HashMap<>();
        doc.put("event_id", rs.getString("id"));
        doc.put("global_index", rs.getLong("global_index"));
        doc.put("position", rs.getLong("position"));
        doc.put("kind", rs.getString("kind"));
        doc.put("at", rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant().toString());
        Object user = rs.getObject("user_id");
        doc.put("user", user == null ? null : user.toString());
        for (String column : List.of("role", "organisation", "patient", "subject", "alert", "alert_kind",
                "outcome")) {
            doc.put(column, rs.getString(column));
        }
        String patient = (String) doc.get("patient");
        doc.put("patient", patient == null ? null : patient.strip());
        doc.put("text", text(doc, List.of()));
        doc.values().removeIf(java.util.Objects::isNull);
        return doc;
    }

    /** The sections each access of the batch disclosed (from the PostgreSQL trail, one query per batch). */
    private Map<String, List<String>> sections(List<LedgerBatch.Pending> batch) {
        String[] accesses = batch.stream().filter(p -> p.payload() instanceof RecordAccessed)
                .map(LedgerBatch.Pending::eventId).toArray(String[]::new);
        Map<String, List<String>> sections = new HashMap<>();
        if (accesses.length == 0) {
            return sections;
        }
        jdbc.query(connection -> {
            var select = connection.prepareStatement("""
                    SELECT event_id, ARRAY(SELECT section FROM unnest(disclosed_sections) AS section ORDER BY section)
                      FROM audit_event WHERE event_id = ANY(?) AND cardinality(disclosed_sections) > 0""");
            select.setArray(1, connection.createArrayOf("varchar", accesses));
            return select;
        }, rs -> {
            sections.put(rs.getString(1), List.of((String[]) rs.getArray(2).getArray()));
        });
        return sections;
    }

    /** The document of one audit event (without its id and index). */
    public static Map<String, Object> document(Object event, List<String> sections) {
        Map<String, Object> doc = new HashMap<>();
        if (event instanceof RecordAccessed e) {
            common(doc, "ACCESSED", e.by(), e.at(), e.patient());
            doc.put("basis", name(e.basis()));
            doc.put("purpose", name(e.purpose()));
            doc.put("channel", name(e.channel()));
            doc.put("view", name(e.view()));
            doc.put("sections", sections);
            doc.put("disclosed_count", e.disclosed() == null ? 0 : e.disclosed().size());
            doc.put("withheld_count", e.withheld());
            doc.put("emergency", e.emergency() == null ? null : e.emergency().value().toString());
        } else if (event instanceof RecordAccessRefused e) {
            common(doc, "REFUSED", e.by(), e.at(), e.patient());
            doc.put("purpose", name(e.purpose()));
            doc.put("channel", name(e.channel()));
            doc.put("view", name(e.view()));
            doc.put("refusal_reason", name(e.reason()));
        } else if (event instanceof RecordPreviewed e) {
            common(doc, "PREVIEWED", e.by(), e.at(), e.patient());
            doc.put("purpose", name(e.purpose()));
            doc.put("channel", name(e.channel()));
            doc.put("view", org.careledger.audit.RecordView.PREVIEW.name());
            doc.put("subject", e.asRole().name() + "@" + e.asOrganisation().value());
            doc.put("disclosed_count", e.disclosed() == null ? 0 : e.disclosed().size());
            doc.put("withheld_count", e.withheld());
        } else if (event instanceof PatientSearched e) {
            common(doc, "SEARCHED", e.by(), e.at(), null);
            doc.put("channel", name(e.channel()));
            doc.put("search_kind", name(e.query()));
            doc.put("returned", e.returned() == null ? List.of() : e.returned().stream().map(NhsNumber::value)
                    .toList());
        } else if (event instanceof RecordWriteRefused e) {
            common(doc, "WRITE_REFUSED", e.by(), e.at(), e.patient());
            doc.put("refusal_reason", name(e.reason()));
            doc.put("subject", e.command());
        } else if (event instanceof ConsentViewed e) {
            common(doc, "CONSENT_VIEWED", e.by(), e.at(), e.patient());
            doc.put("channel", name(e.channel()));
            doc.put("view", name(e.view()));
        } else if (event instanceof AuditTrailQueried e) {
            common(doc, "AUDIT_QUERIED", e.by(), e.at(), null);
            doc.put("question", name(e.question()));
            doc.put("subject", e.subject());
        } else if (event instanceof EmergencyAccessDeclared e) {
            common(doc, "EMERGENCY_DECLARED", e.by(), e.at(), e.patient());
            doc.put("basis", "EMERGENCY");
            doc.put("emergency", e.emergency().value().toString());
        } else if (event instanceof UnrecognisedAccessReported e) {
            common(doc, "UNRECOGNISED_ACCESS_REPORTED", e.by(), e.at(), e.patient());
            doc.put("subject", e.accessEvent());
        } else {
            throw new IllegalArgumentException("not an audit event: " + event.getClass().getName());
        }
        doc.put("text", text(doc, sections));
        doc.values().removeIf(java.util.Objects::isNull);
        return doc;
    }

    /** The free-text field: the coded fields ({@link AuditSearch#TEXT_FIELDS}) and the sections, as words. */
    private static String text(Map<String, Object> doc, List<String> sections) {
        StringJoiner text = new StringJoiner(" ");
        for (String field : AuditSearch.TEXT_FIELDS) {
            Object value = doc.get(field);
            if (value != null) {
                text.add(value.toString());
            }
        }
        sections.forEach(text::add);
        return text.toString();
    }

    private static void common(Map<String, Object> doc, String kind, Actor by, Instant at, NhsNumber patient) {
        doc.put("kind", kind);
        doc.put("at", at.toString());
        doc.put("user", by.user().value().toString());
        doc.put("role", by.role().name());
        doc.put("organisation", by.organisation() == null ? null : by.organisation().value());
        doc.put("patient", patient == null ? null : patient.value());
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
