package org.careledger.ops.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.access.AccessDecision;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordView;
import org.careledger.audit.elasticsearch.AuditDocuments;
import org.careledger.audit.elasticsearch.PatientDocuments;
import org.careledger.audit.elasticsearch.SearchIndices;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The search benchmark's data and measurements (issue 11): synthetic audit events generated set-based in PostgreSQL
 * (INSERT ... SELECT over generate_series into the active generation's audit_event, with realistic distributions),
 * the same rows indexed into Elasticsearch through the audit projection's own document code and bulk write, a raw
 * NDJSON {@code _bulk} of the same documents for comparison, and latency percentiles of a query.
 */
public final class SearchBenchmark {

    /** Synthetic rows sit far above any real global index, so they never collide with the ledger's events. */
    public static final long INDEX_BASE = 1_000_000_000_000L;
    /** Organisations the synthetic staff work at (ODS-shaped codes of their own). */
    public static final int ORGANISATIONS = 60;
    private static final Role[] ROLES = {Role.GP, Role.GP, Role.GP, Role.PRACTICE_NURSE, Role.PRACTICE_NURSE,
            Role.PRACTICE_ADMIN, Role.DISTRICT_NURSE, Role.MENTAL_HEALTH_PRACTITIONER, Role.SOCIAL_WORKER,
            Role.PHARMACIST, Role.OOH_CLINICIAN, Role.SPECIALIST, Role.SPECIALIST};

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final SearchIndices indices;
    private final RestClient rest;
    private final ObjectMapper json = new ObjectMapper();

    public SearchBenchmark(DataSource dataSource, SearchIndices indices, RestClient rest) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.indices = indices;
        this.rest = rest;
    }

    public static String organisation(int i) {
        return "Y" + String.format("%04d", 9000 + i);
    }

    public static UUID user(int u) {
        return UUID.nameUUIDFromBytes(("bench-user-" + u).getBytes(StandardCharsets.UTF_8));
    }

    /** The synthetic rows already in the trail (a run resumes above them). */
    public long rowsPresent() {
        Long n = jdbc.queryForObject("SELECT coalesce(max(global_index), ?) - ? FROM audit_event WHERE global_index > ?",
                Long.class, INDEX_BASE, INDEX_BASE, INDEX_BASE);
        return n == null ? 0 : n;
    }

    /** The schema of the trail's active generation (the generated rows go straight into its table). */
    private String activeSchema() {
        return jdbc.queryForObject("SELECT schema_name FROM audit_generation WHERE state = 'ACTIVE'", String.class);
    }

    /**
     * Generates rows {@code from+1 .. to} (of {@code total}) in one set-based statement: time spread evenly over the
     * {@code days} before {@code end} (07:00-19:00 UTC, in global index order, as a ledger's would be), a patient
     * drawn from the {@code patients} NHS numbers (a fifth of reads go to the busiest tenth), one of {@code users}
     * staff at {@value #ORGANISATIONS} organisations with their role, 3 % refusals, bases REGISTERED 85 %, GRANT 13 %,
     * EMERGENCY 2 %, purposes and channels (2 % FHIR exports) in proportion.
     */
    public void generate(List<NhsNumber> patients, int users, long from, long to, long total, Instant end, int days)
            throws SQLException {
        String schema = activeSchema();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // a chunk takes minutes: beyond the application's statement timeout (kept below the gap timeout)
                s.execute("SET LOCAL statement_timeout = 0");
                s.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
                s.execute("CREATE TEMP TABLE IF NOT EXISTS bench_patient (p integer PRIMARY KEY, nhs char(10)) "
                        + "ON COMMIT DROP");
                s.execute("CREATE TEMP TABLE IF NOT EXISTS bench_user (u integer PRIMARY KEY, user_id uuid, "
                        + "role varchar(40), organisation varchar(6)) ON COMMIT DROP");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_patient VALUES (?, ?)")) {
                for (int p = 0; p < patients.size(); p++) {
                    insert.setInt(1, p);
                    insert.setString(2, patients.get(p).value());
                    insert.addBatch();
                    if (p % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_user VALUES (?, ?, ?, ?)")) {
                for (int u = 0; u < users; u++) {
                    insert.setInt(1, u);
                    insert.setObject(2, user(u));
                    insert.setString(3, ROLES[u % ROLES.length].name());
                    insert.setString(4, organisation(u % ORGANISATIONS));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            double perDay = (double) total / days;
            OffsetDateTime start = end.minusSeconds(86_400L * days).atOffset(java.time.ZoneOffset.UTC);
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, organisation,
                        patient, basis, purpose, channel, record_view, policy_version, disclosed_count, withheld_count,
                        refusal_reason)
                    SELECT 'bench-' || r.g, ? + r.g, CASE WHEN r.k < 0.03 THEN 'REFUSED' ELSE 'ACCESSED' END,
                           ?::timestamptz + floor(r.g / ?) * interval '1 day'
                               + (7 * 3600 + (r.g - floor(r.g / ?) * ?) / ? * 12 * 3600) * interval '1 second',
                           u.user_id, u.role, u.organisation, bp.nhs,
                           CASE WHEN r.k < 0.03 THEN NULL WHEN r.b < 0.85 THEN 'REGISTERED'
                                WHEN r.b < 0.98 THEN 'GRANT' ELSE 'EMERGENCY' END,
                           CASE WHEN r.b >= 0.98 THEN 'EMERGENCY_CARE' WHEN r.pu < 0.80 THEN 'DIRECT_CARE'
                                WHEN r.pu < 0.88 THEN 'MEDICATION_REVIEW' WHEN r.pu < 0.93 THEN 'CARE_PLANNING'
                                WHEN r.pu < 0.97 THEN 'REFERRAL' WHEN r.pu < 0.98 THEN 'SAFEGUARDING'
                                ELSE 'ADMINISTRATION' END,
                           CASE WHEN r.ch < 0.90 THEN 'WEB' WHEN r.ch < 0.98 THEN 'API' ELSE 'FHIR_EXPORT' END,
                           CASE WHEN r.ch >= 0.98 THEN 'EXPORT' ELSE 'CURRENT' END, '1',
                           CASE WHEN r.k < 0.03 THEN NULL ELSE floor(r.d * 200)::int END,
                           CASE WHEN r.k < 0.03 THEN NULL ELSE floor(r.d * 3)::int END,
                           CASE WHEN r.k < 0.03 THEN 'NO_BASIS' END
                      FROM (SELECT g, random() AS k, random() AS b, random() AS pu, random() AS ch, random() AS d,
                                   CASE WHEN random() < 0.2 THEN floor(random() * ? / 10)
                                        ELSE floor(random() * ?) END::int AS p,
                                   floor(random() * ?)::int AS u
                              FROM generate_series(?::bigint, ?::bigint) g) r
                      JOIN bench_patient bp ON bp.p = r.p
                      JOIN bench_user u ON u.u = r.u""".formatted(schema))) {
                int i = 1;
                insert.setLong(i++, INDEX_BASE);
                insert.setObject(i++, start);
                insert.setDouble(i++, perDay);
                insert.setDouble(i++, perDay);
                insert.setDouble(i++, perDay);
                insert.setDouble(i++, perDay);
                insert.setInt(i++, patients.size());
                insert.setInt(i++, patients.size());
                insert.setInt(i++, users);
                insert.setLong(i++, from + 1);
                insert.setLong(i, to);
                insert.executeUpdate();
            }
            c.commit();
        }
    }

    /** The generated rows {@code from+1 .. to} as the audit events they stand for, with their global indexes. */
    public List<Row> rows(long from, long to) {
        return new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource)).execute(status -> {
            jdbc.execute("SET LOCAL statement_timeout = 0");
            jdbc.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
            return rowsInTransaction(from, to);
        });
    }

    private List<Row> rowsInTransaction(long from, long to) {
        return jdbc.query("""
                SELECT event_id, global_index, kind, occurred_at, user_id, role, organisation, patient, basis, purpose,
                       channel, record_view, disclosed_count, withheld_count
                  FROM audit_event WHERE global_index > ? AND global_index <= ? ORDER BY global_index""",
                (rs, i) -> row(rs), INDEX_BASE + from, INDEX_BASE + to);
    }

    /** A generated row: its event id, global index, the event, and its disclosed count. */
    public record Row(String eventId, long globalIndex, Object event, int disclosed) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        Actor by = Actor.staff(new UserId(rs.getObject("user_id", UUID.class)), Role.valueOf(rs.getString("role")),
                OdsCode.of(rs.getString("organisation")));
        Instant at = rs.getObject("occurred_at", OffsetDateTime.class).toInstant();
        NhsNumber patient = NhsNumber.of(rs.getString("patient"));
        Purpose purpose = Purpose.valueOf(rs.getString("purpose"));
        Channel channel = Channel.valueOf(rs.getString("channel"));
        RecordView view = RecordView.valueOf(rs.getString("record_view"));
        Object event = rs.getString("kind").equals("REFUSED")
                ? new RecordAccessRefused(patient, AccessDecision.Refused.NO_BASIS, purpose, channel, view, "1", by, at)
                : new RecordAccessed(patient, AccessDecision.Basis.valueOf(rs.getString("basis")), null, null, purpose,
                channel, view, "1", List.of(), List.of(), rs.getInt("withheld_count"), by, at);
        return new Row(rs.getString("event_id"), rs.getLong("global_index"), event, rs.getInt("disclosed_count"));
    }

    /**
     * The audit projection's documents of the rows (its own document code, position and monthly index), as it builds
     * them for a batch; {@code prefix} names the indices (the projection's, or a scratch set for the raw baseline).
     */
    public static List<SearchIndices.Doc> documents(List<Row> rows, String prefix) {
        List<SearchIndices.Doc> docs = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Map<String, Object> doc = AuditDocuments.document(row.event(), List.of());
            if (row.event() instanceof RecordAccessed) {
                doc.put("disclosed_count", row.disclosed());
            }
            long position = AuditSearch.position(row.globalIndex());
            doc.put("event_id", row.eventId());
            doc.put("global_index", row.globalIndex());
            doc.put("position", position);
            String index = SearchIndices.auditIndex(Instant.parse((String) doc.get("at")));
            docs.add(new SearchIndices.Doc(prefix + index.substring(SearchIndices.AUDIT_PREFIX.length()),
                    row.eventId(), position, doc));
        }
        return docs;
    }

    /** The subject: the projection's path (documents built, then its typed-client bulk), in batches. */
    public long indexThroughProjection(List<Row> rows, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < rows.size(); i += batch) {
            indices.bulk(documents(rows.subList(i, Math.min(rows.size(), i + batch)), SearchIndices.AUDIT_PREFIX));
        }
        return System.nanoTime() - start;
    }

    /** The same documents as NDJSON bodies (built before timing), for the raw baseline's indices. */
    public List<byte[]> ndjson(List<Row> rows, int batch, String prefix) {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += batch) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (SearchIndices.Doc doc : documents(rows.subList(i, Math.min(rows.size(), i + batch)), prefix)) {
                try {
                    body.write(json.writeValueAsBytes(Map.of("index", Map.of("_index", doc.index(), "_id", doc.id(),
                            "version", doc.version(), "version_type", "external"))));
                    body.write('\n');
                    body.write(json.writeValueAsBytes(doc.source()));
                    body.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            bodies.add(body.toByteArray());
        }
        return bodies;
    }

    /** The baseline: raw {@code _bulk} requests of prepared NDJSON. */
    public long indexRaw(List<byte[]> bodies) {
        long start = System.nanoTime();
        for (byte[] body : bodies) {
            Request request = new Request("POST", "/_bulk");
            request.setEntity(new org.apache.http.entity.ByteArrayEntity(body,
                    org.apache.http.entity.ContentType.create("application/x-ndjson")));
            try {
                String answer = new String(rest.performRequest(request).getEntity().getContent().readAllBytes(),
                        StandardCharsets.UTF_8);
                if (answer.contains("\"errors\":true")) {
                    throw new IllegalStateException("raw bulk: some documents were not written");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("raw bulk failed", e);
            }
        }
        return System.nanoTime() - start;
    }

    /** Deletes the indices matching the pattern, by name (the server refuses wildcard deletes). */
    public void deleteIndices(String pattern) {
        try {
            String names = new String(rest.performRequest(new Request("GET", "/_cat/indices/" + pattern + "?h=index"))
                    .getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8).strip().replaceAll("\\s+", ",");
            if (names.isEmpty()) {
                return;
            }
            rest.performRequest(new Request("DELETE", "/" + names));
        } catch (IOException e) {
            throw new UncheckedIOException("delete " + pattern + " failed", e);
        }
    }

    public long count(String pattern) {
        ElasticsearchClient client = indices.client();
        try {
            return client.count(c -> c.index(pattern).ignoreUnavailable(true).allowNoIndices(true)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Patient documents built by the patient projection's own code from one registration each, bulk-written. */
    public long indexPatients(List<Object[]> registrations, int batch) {
        long start = System.nanoTime();
        List<SearchIndices.Doc> docs = new ArrayList<>(batch);
        long version = 1;
        for (Object[] r : registrations) {
            String nhs = (String) r[0];
            docs.add(new SearchIndices.Doc(SearchIndices.PATIENTS, nhs, version,
                    PatientDocuments.document(nhs, version, List.of(r[1]))));
            if (docs.size() == batch) {
                indices.bulk(docs);
                docs = new ArrayList<>(batch);
            }
        }
        indices.bulk(docs);
        return System.nanoTime() - start;
    }

    /** Latencies (ms) of {@code n} sequential calls after {@code warmUp} unmeasured ones. */
    public static double[] latencies(int warmUp, int n, Supplier<Runnable> next) {
        for (int i = 0; i < warmUp; i++) {
            next.get().run();
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            Runnable call = next.get();
            long t = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    public static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    public static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
