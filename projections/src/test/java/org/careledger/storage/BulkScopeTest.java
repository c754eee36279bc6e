package org.careledger.storage;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bulk scope's grouped writes leave exactly the rows the same writes leave one at a time. */
class BulkScopeTest extends LedgerDatabaseTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void onlyPlainInsertsAndInsertsThatDoNothingOnConflictBecomeMultiRow() {
        Map<String, Boolean> shapes = Map.of(
                "INSERT INTO t (a, b) VALUES (?, ?)", true,
                "INSERT INTO s.t (a, b, c) VALUES (?, 1, ?::jsonb) ON CONFLICT (a) DO NOTHING", true,
                "\n  insert into t (a)\n values (?)\n on conflict (a, b) do nothing\n", true,
                "INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b", false,
                "INSERT INTO t (a, b) SELECT ?, max(b) FROM t", false,
                "INSERT INTO t (a, b) VALUES (?, coalesce(?, 0))", false,
                "INSERT INTO t (a) VALUES (?) RETURNING a", false,
                "UPDATE t SET a = ? WHERE b = ?", false,
                "DELETE FROM t WHERE a = ANY(?)", false);
        shapes.forEach((sql, multi) -> assertThat(BulkScope.MultiRowInsert.of(sql) != null).as(sql).isEqualTo(multi));
        assertThat(BulkScope.MultiRowInsert.of("INSERT INTO t (a, b) VALUES (?, 1) ON CONFLICT (a) DO NOTHING").sql(3))
                .isEqualTo("INSERT INTO t (a, b) VALUES (?, 1), (?, 1), (?, 1) ON CONFLICT (a) DO NOTHING");
    }

    @Test
    void groupedWritesLeaveTheRowsOneAtATimeWouldLeave() {
        int rows = BulkScope.ROWS_PER_INSERT * 2 + 37; // two multi-row statements and a remainder
        List<String> grouped = write(rows, true);
        List<String> oneByOne = write(rows, false);
        assertThat(grouped).hasSize(rows).isEqualTo(oneByOne);
    }

    /** Writes into a temporary table: inserts (one key twice), an upsert, an update; returns the rows. */
    private List<String> write(int rows, boolean inScope) {
        return new TransactionTemplate(transactions).execute(status -> {
            jdbc.execute("CREATE TEMPORARY TABLE bulk_scope_probe (k int PRIMARY KEY, v text, n int) ON COMMIT DROP");
            BulkScope scope = inScope ? BulkScope.open(jdbc) : null;
            try {
                for (int i = 0; i < rows; i++) {
                    BulkScope.update(jdbc, "INSERT INTO bulk_scope_probe (k, v, n) VALUES (?, ?, 0) "
                            + "ON CONFLICT (k) DO NOTHING", i, "first " + i);
                }
                BulkScope.update(jdbc, "INSERT INTO bulk_scope_probe (k, v, n) VALUES (?, ?, 0) "
                        + "ON CONFLICT (k) DO NOTHING", 5, "a second insert of a key is ignored");
                for (int i = 0; i < rows; i += 3) {
                    BulkScope.update(jdbc, "INSERT INTO bulk_scope_probe (k, v, n) VALUES (?, ?, 0) "
                            + "ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v", i, "upserted " + i);
                    BulkScope.update(jdbc, "INSERT INTO bulk_scope_probe (k, v, n) VALUES (?, ?, 0) "
                            + "ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v", i, "upserted twice " + i);
                }
                for (int i = 0; i < rows; i += 7) {
                    BulkScope.update(jdbc, "UPDATE bulk_scope_probe SET n = n + 1 WHERE k = ?", i);
                }
                if (scope != null) {
                    scope.flush();
                }
            } finally {
                if (scope != null) {
                    scope.close();
                }
            }
            return jdbc.queryForList("SELECT k || ' ' || v || ' ' || n FROM bulk_scope_probe ORDER BY k", String.class);
        });
    }
}
