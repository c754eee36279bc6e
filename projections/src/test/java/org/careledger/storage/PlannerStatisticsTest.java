package org.careledger.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A table filled since its last analysis is analysed once it has grown past its statistics, and the id-list lookups
 * of the bulk path then use its index instead of scanning it (issue 9: the demo slowed as its tables grew).
 */
class PlannerStatisticsTest extends LedgerDatabaseTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlannerStatistics statistics;
    @Autowired
    PlatformTransactionManager transactions;

    @AfterEach
    void drop() {
        jdbc.execute("DROP TABLE IF EXISTS planner_statistics_probe");
    }

    @Test
    void aTableThatGrewFromNothingIsAnalysedAndItsIdListLookupUsesTheIndex() {
        jdbc.execute("CREATE TABLE planner_statistics_probe (k uuid PRIMARY KEY, entry uuid NOT NULL)");
        jdbc.execute("CREATE INDEX ON planner_statistics_probe (entry)");
        jdbc.execute("""
                INSERT INTO planner_statistics_probe
                SELECT gen_random_uuid(), gen_random_uuid() FROM generate_series(1, 20000)""");
        List<String> entries = jdbc.queryForList(
                "SELECT entry::text FROM planner_statistics_probe LIMIT 300", String.class);
        assertThat(plan(entries)).as("without statistics").contains("Seq Scan");

        List<String> analysed = new ArrayList<>();
        // the server's activity counters reach pg_stat_user_tables within a second or so of the commit
        await("the probe table analysed").atMost(Duration.ofSeconds(20)).until(() -> {
            analysed.addAll(statistics.refreshGrownTables().stream()
                    .filter(t -> t.equals("public.planner_statistics_probe")).toList());
            return !analysed.isEmpty();
        });
        assertThat(analysed).containsExactly("public.planner_statistics_probe");
        assertThat(jdbc.queryForObject("SELECT reltuples FROM pg_class WHERE relname = 'planner_statistics_probe'",
                Double.class)).isEqualTo(20000.0);
        assertThat(plan(entries)).as("with statistics").doesNotContain("Seq Scan").contains("planner_statistics_probe_entry_idx");
        // the analysis reset the table's count of changes, so the next refresh leaves it alone (a partial
        // analysis would not: it was repeated at every commit of a region's load)
        assertThat(jdbc.queryForObject("SELECT n_mod_since_analyze FROM pg_stat_user_tables"
                + " WHERE relname = 'planner_statistics_probe'", Long.class)).isZero();
        assertThat(statistics.refreshGrownTables()).as("nothing changed since").doesNotContain("public.planner_statistics_probe");
    }

    @Test
    void theLedgerWhichTheApplicationDoesNotOwnIsAnalysedByItsOwnersFunction() {
        assertThat(jdbc.queryForObject("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class"
                + " WHERE oid = 'public.domain_event_entry'::regclass", Boolean.class)).as("owns the ledger").isFalse();
        long before = analyses("domain_event_entry");
        jdbc.execute("ANALYZE public.domain_event_entry"); // skipped with a warning: not the owner
        assertThat(analyses("domain_event_entry")).isEqualTo(before);
        jdbc.queryForList("SELECT careledger_analyze_ledger()");
        assertThat(analyses("domain_event_entry")).isGreaterThan(before);
    }

    /** How many times the table was analysed by hand, as the server's activity counters say (after a flush). */
    private long analyses(String table) {
        jdbc.queryForList("SELECT pg_stat_clear_snapshot()");
        return jdbc.queryForObject("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = ?", Long.class,
                table);
    }

    @Test
    void refusesToRunInsideATransaction() {
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(
                s -> statistics.refreshGrownTables())).isInstanceOf(IllegalStateException.class);
    }

    private String plan(List<String> entries) {
        return String.join("\n", jdbc.query(con -> {
            var ps = con.prepareStatement("EXPLAIN DELETE FROM planner_statistics_probe WHERE entry = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", entries.toArray()));
            return ps;
        }, (rs, i) -> rs.getString(1)));
    }
}
