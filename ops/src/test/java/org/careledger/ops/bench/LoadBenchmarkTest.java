package org.careledger.ops.bench;

import org.careledger.LedgerCore;
import org.careledger.bulk.BulkWriter;
import org.careledger.demo.DemoLoader;
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
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench-load}'s same-rows baseline, on a real (embedded) PostgreSQL: after a small demo load it finds the
 * tables the load wrote (events, views, registers, the audit trail's generation schema among them) and copies as many
 * rows as each gained into its scratch copy, column for column, leaving the ledger's own tables as they were.
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
    void theSameRowsBaselineCopiesEveryRowTheLoadWroteAndNothingElse() throws Exception {
        LoadBenchmark bench = new LoadBenchmark(dataSource);
        Map<String, Long> before = bench.rowCounts();
        assertThat(before).containsKey("public.domain_event_entry").doesNotContainKey("public.flyway_schema_history");

        new DemoLoader(registers, bulk).load(12, 42, 2, DemoLoader.Progress.NONE);
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
}
