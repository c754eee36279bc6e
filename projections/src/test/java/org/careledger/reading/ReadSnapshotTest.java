package org.careledger.reading;

import org.careledger.views.ViewTables;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read's first statement ({@link RecordReads#SNAPSHOT}) sets its own isolation instead of the transaction manager:
 * the transaction it opens is REPEATABLE READ and holds every view table in ACCESS SHARE mode, and the pooled
 * connection's own default (READ COMMITTED, what commands run at) is left as it was.
 */
class ReadSnapshotTest extends ViewsDatabaseTest {

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void theFirstStatementMakesTheTransactionRepeatableReadAndLocksEveryViewTable() {
        record Seen(String isolation, List<String> locked) {
        }
        Seen seen = new TransactionTemplate(transactionManager).execute(status -> {
            jdbc.execute(RecordReads.SNAPSHOT);
            return new Seen(jdbc.queryForObject("SHOW transaction_isolation", String.class), jdbc.queryForList("""
                    SELECT c.relname::text FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                    WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessShareLock' AND l.granted
                      AND c.relname = ANY (string_to_array(?, ','))""", String.class,
                    String.join(",", ViewTables.TABLES)));
        });

        assertThat(seen.isolation()).isEqualTo("repeatable read");
        assertThat(seen.locked()).containsExactlyInAnyOrderElementsOf(ViewTables.TABLES);
        for (int i = 0; i < 12; i++) { // more than the pool's connections: none was left at REPEATABLE READ
            String isolation = new TransactionTemplate(transactionManager).execute(status ->
                    jdbc.queryForObject("SHOW transaction_isolation", String.class));
            assertThat(isolation).isEqualTo("read committed");
        }
    }
}
