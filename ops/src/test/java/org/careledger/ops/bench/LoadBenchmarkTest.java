package org.careledger.ops.bench;

import org.careledger.LedgerCore;
import org.careledger.bulk.BulkWriter;
import org.careledger.demo.DemoLoader;
import org.careledger.demo.DemoRegion;
import org.careledger.integrity.LedgerChainer;
import org.careledger.shared.Registers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench-load}'s measured load and its baselines, on a real (embedded) PostgreSQL: a small demo region loaded
 * in two parts (a warm-up, then the measured part), after which the event-rows baseline reads the measured part's
 * events only, and the same-rows baseline finds the tables the measured part wrote (events, views, registers, the
 * audit trail's generation schema among them) and copies as many rows as each gained into its scratch copy, column
 * for column, leaving the ledger's own tables as they were.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class LoadBenchmarkTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "load-bench-" + UUID.randomUUID());

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
        registry.add("careledger.demo.enabled", () -> "false");
    }

    @Autowired
    Registers registers;
    @Autowired
    BulkWriter bulk;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    LedgerChainer chainer;

    @Test
    void theBaselinesCopyTheRowsTheMeasuredPartWroteAndNothingElse() throws Exception {
        LoadBenchmark bench = new LoadBenchmark(dataSource);
        assertThat(bench.rowCounts()).containsKey("public.domain_event_entry")
                .doesNotContainKey("public.flyway_schema_history");

        // the warm-up: the directory and the first 5 patients; then the measured part: the other 7
        AtomicReference<Map<String, Long>> beforeMeasured = new AtomicReference<>();
        AtomicLong lastIndex = new AtomicLong(-2);
        AtomicLong registeredAtWarmUp = new AtomicLong();
        DemoLoader.Result measured = new DemoLoader(registers, bulk).load(new DemoRegion(42, 12), 2,
                DemoLoader.Progress.NONE, 5, () -> {
                    chainer.chainAvailable();
                    registeredAtWarmUp.set(registered());
                    try {
                        beforeMeasured.set(bench.rowCounts());
                        lastIndex.set(bench.lastGlobalIndex());
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(registeredAtWarmUp.get()).isEqualTo(5);
        assertThat(registered()).isEqualTo(12);
        assertThat(measured.patients()).isEqualTo(7);
        long measuredCommands = 0;
        Iterator<DemoRegion.PatientCommands> patients = new DemoRegion(42, 12).patients();
        for (int i = 0; i < 12; i++) {
            DemoRegion.PatientCommands p = patients.next();
            measuredCommands += i < 5 ? 0 : p.commands().size();
        }
        assertThat(measured.commands()).isEqualTo(measuredCommands);
        // the event-rows baseline reads the measured part's events, one per command, and no others
        assertThat(bench.loadRows(lastIndex.get())).isEqualTo(measuredCommands);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE global_index > ?", Long.class,
                lastIndex.get())).isEqualTo(measuredCommands);

        Map<String, Long> before = beforeMeasured.get();
        chainer.chainAvailable();
        assertThat(chainer.unchained()).isZero();
        Map<String, Long> after = bench.rowCounts();
        Map<String, Long> gained = new HashMap<>();
        after.forEach((table, rows) -> {
            long added = rows - before.getOrDefault(table, 0L);
            if (added > 0) {
                gained.put(table, added);
            }
        });
        assertThat(gained).containsKeys("public.domain_event_entry", "public.view_patient", "public.view_entry");
        assertThat(gained.keySet()).anyMatch(table -> table.startsWith("audit_g"));

        // the estimate that guards the heap: at least the measured part's stored event payloads, less than the database
        long payloads = jdbc.queryForObject("SELECT sum(pg_column_size(payload) + pg_column_size(meta_data)) "
                + "FROM domain_event_entry WHERE global_index > ?", Long.class, lastIndex.get());
        assertThat(bench.sameRowsBytes(before)).isGreaterThan(payloads / 2)
                .isLessThan(jdbc.queryForObject("SELECT pg_database_size(current_database())", Long.class));

        long rows = bench.loadSameRows(before);
        assertThat(rows).isEqualTo(gained.values().stream().mapToLong(Long::longValue).sum());
        assertThat(bench.sameRowsTables()).isEqualTo(gained.size());
        try {
            LoadBenchmark.Cost cost = bench.rawSameRows(3);
            assertThat(cost.wall()).isPositive();
            assertThat(bench.sameRowsCopied()).isEqualTo(gained);
            // the copies are the same rows: the events' payloads and identifiers, byte for byte
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM bench_raw_rows."public__domain_event_entry" r
                    JOIN domain_event_entry d USING (event_identifier)
                    WHERE r.payload = d.payload AND r.meta_data = d.meta_data AND r.global_index = d.global_index""",
                    Long.class)).isEqualTo(gained.get("public.domain_event_entry"));
            // a second round starts from fresh copies
            bench.rawSameRows(1);
            assertThat(bench.sameRowsCopied()).isEqualTo(gained);
        } finally {
            bench.dropSameRows();
        }
        assertThat(bench.rowCounts()).isEqualTo(after);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'bench_raw_rows'",
                Long.class)).isZero();
    }

    private long registered() {
        return jdbc.queryForObject("SELECT count(DISTINCT aggregate_identifier) FROM domain_event_entry "
                + "WHERE payload_type LIKE '%.PatientRegistered'", Long.class);
    }
}
