package org.careledger.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps PostgreSQL's planner statistics current while the bulk write path (ADR 16) fills tables that were empty a
 * moment ago. Autovacuum refreshes statistics at most once per {@code autovacuum_naptime} (a minute by default); a
 * table that has grown from nothing within that minute has none, and the planner then guesses each value of
 * {@code = ANY(?)} on a non-unique index at 0.5 % of the table. A list of a few hundred ids (an entry's role-view
 * rows, a batch's streams) then looks like most of the table, and the lookup becomes a sequential scan whose cost
 * grows with the table: the README's demo slowed from 2.1 s to 5.4 s per 200 patients while it loaded, and the
 * ledger and the role views were scanned ~100 times each (issue 9).
 * <p>
 * {@link #refreshGrownTables()} analyses each table changed by at least {@link #MIN_CHANGES} rows and by more rows
 * than it held at its last analysis (doubling), so a load analyses each table a handful of times, early on; once a
 * table has statistics, PostgreSQL scales them with its size, and autovacuum keeps them from then on. The ledger's
 * tables, which the application's role does not own, are analysed by their owner's function (V78): without it the
 * bulk path's lookup of a batch's global indexes scanned the whole ledger, up to 3 s per batch. Call it after a
 * commit, outside a transaction. Concurrent callers do not queue: while one refreshes, the others go on.
 */
@Component
public class PlannerStatistics {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    /** Tables with fewer changes than this since their last analysis are left to autovacuum. */
    static final long MIN_CHANGES = 1_000;

    /** The ledger's tables, which the application's role may not analyse itself (it owns none of them). */
    static final Set<String> LEDGER = Set.of("public.domain_event_entry", "public.ledger_chain",
            "public.ledger_checkpoint");

    private final JdbcTemplate jdbc;
    private final ReentrantLock refreshing = new ReentrantLock();

    public PlannerStatistics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Analyses the tables that grew past their statistics; returns their names (schema-qualified). */
    public List<String> refreshGrownTables() {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("planner statistics are refreshed after a commit, outside a transaction");
        }
        if (!refreshing.tryLock()) {
            return List.of();
        }
        try {
            List<String> tables = new ArrayList<>();
            List<String> ledger = new ArrayList<>();
            jdbc.query("""
                    SELECT format('%I.%I', s.schemaname, s.relname), pg_has_role(c.relowner, 'USAGE')
                    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                    WHERE s.n_mod_since_analyze >= ? AND s.n_mod_since_analyze > GREATEST(c.reltuples, 0)
                    ORDER BY s.n_mod_since_analyze DESC""", rs -> {
                String table = rs.getString(1);
                if (rs.getBoolean(2)) {
                    tables.add(table);
                } else if (LEDGER.contains(table)) {
                    ledger.add(table);
                }
            }, MIN_CHANGES);
            // every column: an analysis of some columns leaves the table's count of changes as it was, so the
            // table would look grown again at the next call (it was analysed at every commit of a region's load)
            tables.removeIf(table -> !analyse(() -> jdbc.execute("ANALYZE " + table), table));
            if (!ledger.isEmpty()
                    && analyse(() -> jdbc.queryForList("SELECT careledger_analyze_ledger()"), "the ledger")) {
                // the application's role owns no ledger table (ADR 21): the owner's function analyses them (V78)
                tables.addAll(ledger);
            }
            return tables;
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Runs one analysis; a failure (the table went in a view rebuild's swap, a migration holds it) is left to
     * autovacuum, as the write that asked has committed already.
     */
    private boolean analyse(Runnable analysis, String what) {
        try {
            analysis.run();
            return true;
        } catch (DataAccessException e) {
            log.warn("planner statistics: analysing {} failed ({}); left to autovacuum", what,
                    e.getClass().getSimpleName());
            return false;
        }
    }
}
