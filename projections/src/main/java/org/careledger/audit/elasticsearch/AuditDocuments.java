package org.careledger.audit.elasticsearch;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordWriteRefused;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The audit trail in Elasticsearch (tracking processor {@value SearchConfiguration#AUDIT}): one document per audit
 * event (every access, refusal, search, export, consent view, audit query, emergency declaration and reported
 * access), id = the event id, version = its global index, in the index of its UTC month. Who (user, role,
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

    public AuditDocuments(JdbcTemplate jdbc, SearchIndices indices) {
        this.jdbc = jdbc;
        this.indices = indices;
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
        for (LedgerBatch.Pending pending : batch) {
            Map<String, Object> doc = document(pending.payload(), sections.getOrDefault(pending.eventId(), List.of()));
            doc.put("event_id", pending.eventId());
            long index = indexes.get(pending.eventId());
            doc.put("global_index", index);
            Instant at = Instant.parse((String) doc.get("at"));
            docs.add(new SearchIndices.Doc(SearchIndices.auditIndex(at), pending.eventId(), index, doc));
        }
        indices.bulk(docs);
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
                    SELECT access_event_id, array_agg(DISTINCT section ORDER BY section) FROM access_disclosure
                     WHERE access_event_id = ANY(?) AND section IS NOT NULL GROUP BY access_event_id""");
            select.setArray(1, connection.createArrayOf("varchar", accesses));
            return select;
        }, rs -> {
            sections.put(rs.getString(1), List.of((String[]) rs.getArray(2).getArray()));
        });
        return sections;
    }

    /** The document of one audit event (without its id and index). */
    static Map<String, Object> document(Object event, List<String> sections) {
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
        StringJoiner text = new StringJoiner(" ");
        for (String field : List.of("kind", "role", "organisation", "basis", "purpose", "channel", "view",
                "refusal_reason", "search_kind", "question")) {
            Object value = doc.get(field);
            if (value != null) {
                text.add(value.toString());
            }
        }
        sections.forEach(text::add);
        doc.put("text", text.toString());
        doc.values().removeIf(java.util.Objects::isNull);
        return doc;
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
