package org.careledger.audit.trail;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.careledger.audit.DisclosedEntry;
import org.careledger.shared.EntryId;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * V83 (ADR 32): a trail written with a row per disclosed entry gets them moved onto their reads' rows, in every
 * generation, in the canonical order the projection writes; the table goes, the append-only guard stays, and new
 * generations are made with the arrays. The projection's own order ({@link Disclosures}) is PostgreSQL's.
 */
class DisclosuresMigrationTest {

    static final UUID LOW = UUID.fromString("0a000000-0000-4000-8000-000000000001");
    static final UUID HIGH = UUID.fromString("f0000000-0000-4000-8000-000000000002"); // negative as a Java long
    static final UUID UNKNOWN = UUID.fromString("7b000000-0000-4000-8000-000000000003"); // no audit_entry row

    @Test
    void existingDisclosuresMoveOntoTheirReadsInEveryGeneration() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource db = postgres.getPostgresDatabase();
            flyway(db, "82");
            JdbcTemplate jdbc = new JdbcTemplate(db);
            // a rebuild's generation, as AuditGenerations.create makes it
            jdbc.update("INSERT INTO audit_generation (generation, schema_name, state, rebuild_head) "
                    + "VALUES (2, 'audit_g2', 'BUILDING', 12)");
            jdbc.queryForObject("SELECT careledger_audit_create_generation(2)", String.class);
            for (String s : List.of("audit_g1", "audit_g2")) {
                entry(jdbc, s, LOW, "MEDICATIONS");
                entry(jdbc, s, HIGH, "ALLERGIES");
                read(jdbc, s, "read-1", 10);
                disclosure(jdbc, s, "read-1", 10, HIGH, 2, "ALLERGIES");
                disclosure(jdbc, s, "read-1", 10, LOW, 1, "MEDICATIONS");
                disclosure(jdbc, s, "read-1", 10, UNKNOWN, 3, null);
                read(jdbc, s, "read-2", 11); // disclosed nothing
                read(jdbc, s, "read-3", 12);
                disclosure(jdbc, s, "read-3", 12, UNKNOWN, 1, null);
            }

            flyway(db, null);

            for (String s : List.of("audit_g1", "audit_g2")) {
                assertThat(jdbc.queryForObject("SELECT to_regclass(?)::text", String.class, s + ".access_disclosure"))
                        .as(s).isNull();
                assertThat(row(jdbc, s, "read-1")).as(s)
                        .isEqualTo(List.of(List.of(LOW, UNKNOWN, HIGH), List.of(1, 3, 2), List.of("ALLERGIES",
                                "MEDICATIONS")));
                assertThat(row(jdbc, s, "read-2")).as(s).isEqualTo(Arrays.asList(null, null, null));
                assertThat(row(jdbc, s, "read-3")).as(s)
                        .isEqualTo(List.of(List.of(UNKNOWN), List.of(1), List.of()));
                assertThatThrownBy(() -> jdbc.update("UPDATE %s.audit_event SET disclosed_entries = NULL".formatted(s)))
                        .as(s).rootCause().hasMessageContaining("append-only");
            }
            // the views the queries use: the active generation's rows with the arrays, and no access_disclosure
            assertThat(jdbc.queryForObject("SELECT to_regclass('public.access_disclosure')::text", String.class))
                    .isNull();
            assertThat(jdbc.queryForObject("SELECT cardinality(disclosed_entries) FROM audit_event "
                    + "WHERE event_id = 'read-1'", Integer.class)).isEqualTo(3);
            // "who has seen entry X" is answered from the GIN index's column
            assertThat(jdbc.queryForList("SELECT event_id FROM audit_event WHERE disclosed_entries @> ARRAY[?::uuid] "
                    + "ORDER BY event_id", String.class, UNKNOWN)).containsExactly("read-1", "read-3");
            // a generation made after the migration has the arrays and no table
            String third = jdbc.queryForObject("SELECT careledger_audit_create_generation(3)", String.class);
            assertThat(jdbc.queryForObject("SELECT to_regclass(?)::text", String.class, third + ".access_disclosure"))
                    .isNull();
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = 'audit_event'
                       AND column_name IN ('disclosed_entries', 'disclosed_versions', 'disclosed_sections')""",
                    Long.class, third)).isEqualTo(3);
        }
    }

    @Test
    void aDisclosureWithoutItsReadStopsTheMigrationAndNothingChanges() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource db = postgres.getPostgresDatabase();
            flyway(db, "82");
            JdbcTemplate jdbc = new JdbcTemplate(db);
            entry(jdbc, "audit_g1", LOW, "MEDICATIONS");
            read(jdbc, "audit_g1", "read-1", 10);
            disclosure(jdbc, "audit_g1", "read-1", 10, LOW, 1, "MEDICATIONS");
            disclosure(jdbc, "audit_g1", "no-such-read", 11, LOW, 1, "MEDICATIONS"); // nowhere to move it

            assertThatThrownBy(() -> flyway(db, null)).hasMessageContaining("1 disclosures moved onto their reads, 2 "
                    + "expected");

            // the migration's transaction rolled back: the rows, the table and the schema version are as they were
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_g1.access_disclosure", Long.class)).isEqualTo(2);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM information_schema.columns WHERE table_schema = 'audit_g1'
                       AND table_name = 'audit_event' AND column_name = 'disclosed_entries'""", Long.class)).isZero();
            assertThat(jdbc.queryForObject("SELECT max(version::int) FROM flyway_schema_history WHERE success",
                    Integer.class)).isEqualTo(82);
        }
    }

    @Test
    void theProjectionsOrderIsTheDatabasesAndARepeatIsKeptOnce() throws Exception {
        List<DisclosedEntry> disclosed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            disclosed.add(new DisclosedEntry(new EntryId(UUID.randomUUID()), i % 5 + 1));
        }
        disclosed.add(new DisclosedEntry(new EntryId(HIGH), 7));
        disclosed.add(new DisclosedEntry(new EntryId(LOW), 8));
        disclosed.add(new DisclosedEntry(new EntryId(HIGH), 9)); // the same entry again: the first one counts
        Disclosures canonical = Disclosures.of(disclosed);
        assertThat(canonical.entries()).hasSize(202);
        assertThat(canonical.versions()[Arrays.asList(canonical.entries()).indexOf(HIGH)]).isEqualTo(7);
        assertThat(Disclosures.of(List.of())).isNull();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            JdbcTemplate jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
            List<UUID> sorted = jdbc.execute((java.sql.Connection c) -> {
                var select = c.prepareStatement("SELECT u FROM unnest(?::uuid[]) AS u ORDER BY u");
                select.setArray(1, c.createArrayOf("uuid", canonical.entries()));
                List<UUID> rows = new ArrayList<>();
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getObject(1, UUID.class));
                    }
                }
                return rows;
            });
            assertThat(canonical.entries()).containsExactlyElementsOf(sorted);
        }
    }

    private static void flyway(DataSource db, String target) {
        var configuration = Flyway.configure().dataSource(db).locations("classpath:db/migration")
                .placeholders(Map.of("approle", "careledger"));
        if (target != null) {
            configuration.target(target);
        }
        configuration.load().migrate();
    }

    private static void entry(JdbcTemplate jdbc, String s, UUID entry, String section) {
        jdbc.update("INSERT INTO %s.audit_entry (entry_id, patient, section, global_index) VALUES (?, '9990000018', ?, 1)"
                .formatted(s), entry, section);
    }

    private static void read(JdbcTemplate jdbc, String s, String id, long index) {
        jdbc.update("""
                INSERT INTO %s.audit_event (event_id, global_index, kind, occurred_at, user_id, role, patient)
                VALUES (?, ?, 'ACCESSED', now(), gen_random_uuid(), 'GP', '9990000018')""".formatted(s), id, index);
    }

    private static void disclosure(JdbcTemplate jdbc, String s, String read, long index, UUID entry, int version,
                                   String section) {
        jdbc.update("""
                INSERT INTO %s.access_disclosure (access_event_id, global_index, occurred_at, patient, entry_id, version,
                                                  section)
                VALUES (?, ?, now(), '9990000018', ?, ?, ?)""".formatted(s), read, index, entry, version, section);
    }

    private static List<Object> row(JdbcTemplate jdbc, String s, String id) {
        return jdbc.queryForObject("SELECT disclosed_entries, disclosed_versions, disclosed_sections FROM %s.audit_event "
                .formatted(s) + "WHERE event_id = ?", (rs, i) -> {
                    List<Object> columns = new ArrayList<>();
                    for (int c = 1; c <= 3; c++) {
                        java.sql.Array array = rs.getArray(c);
                        columns.add(array == null ? null : List.of((Object[]) array.getArray()));
                    }
                    return columns;
                }, id);
    }
}
