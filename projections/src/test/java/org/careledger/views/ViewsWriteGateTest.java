package org.careledger.views;

import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A command that checks a care relationship takes the views write gate before it holds any view table: while a
 * rebuild's swap holds the gate exclusively (and is about to lock the view tables), the command waits for the gate
 * holding no view table, so the swap can take them all, and the command goes on once the gate opens. (Had it read
 * the sharing state first, it would hold those tables while waiting: a deadlock with the swap.)
 */
class ViewsWriteGateTest extends ViewsDatabaseTest {

    @Autowired
    DataSource dataSource;

    @Test
    void aCommandWaitsForTheGateBeforeItHoldsAnyViewTable() throws Exception {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        NhsNumber patient = patient(gp);

        CompletableFuture<EntryId> recorded;
        try (Connection swap = dataSource.getConnection(); Statement s = swap.createStatement()) {
            swap.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + ViewTables.WRITE_GATE + ")");
            recorded = CompletableFuture.supplyAsync(() ->
                    entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL));

            List<Integer> waiters = await("the command waits for the gate").atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.queryForList("""
                            SELECT pid FROM pg_locks
                            WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = ?""",
                            Integer.class, ViewTables.WRITE_GATE), pids -> !pids.isEmpty());
            Integer waiting = waiters.get(0);
            assertThat(jdbc.queryForList("""
                    SELECT c.relname::text FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                    WHERE l.pid = ? AND c.relname = ANY (string_to_array(?, ','))""", String.class,
                    waiting, String.join(",", ViewTables.TABLES)))
                    .as("view tables the waiting command holds").isEmpty();
            // the swap can take every view table now
            s.execute("SET LOCAL lock_timeout = '5s'");
            s.execute(ViewTables.lockAll("ACCESS EXCLUSIVE"));
            assertThat(recorded).isNotDone();
            swap.rollback();
        }
        EntryId entry = recorded.get(60, TimeUnit.SECONDS);
        assertThat(count("view_entry WHERE entry_id = '" + entry.value() + "'")).isEqualTo(1);
    }
}
