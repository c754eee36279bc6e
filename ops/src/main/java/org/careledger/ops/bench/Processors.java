package org.careledger.ops.bench;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Waits until the ledger's streaming processors (the audit trail, the patient index) have processed everything the
 * set-up appended, so that a measured phase does not also pay for the set-up's backlog. What the reads themselves
 * append during a phase is still processed during it, as in production.
 */
public final class Processors {

    private Processors() {
    }

    /** True when caught up within {@code timeout} (checked every 250 ms). */
    public static boolean awaitCaughtUp(EventProcessingConfiguration processing, DataSource dataSource,
                                        Duration timeout) throws SQLException, InterruptedException {
        long target;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(global_index), 0) FROM domain_event_entry")) {
            rs.next();
            target = rs.getLong(1);
        }
        try {
            Awaitility.await("streaming processors past global index " + target).atMost(timeout)
                    .pollInterval(Duration.ofMillis(250)).until(() -> caughtUp(processing, target));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** How many events the slowest streaming processor is behind the ledger's head (0 when none is). */
    public static long behind(EventProcessingConfiguration processing, DataSource dataSource) throws SQLException {
        long head;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(global_index), 0) FROM domain_event_entry")) {
            rs.next();
            head = rs.getLong(1);
        }
        long slowest = head;
        for (var processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming) {
                for (EventTrackerStatus s : streaming.processingStatus().values()) {
                    slowest = Math.min(slowest, s.getCurrentPosition().orElse(0));
                }
            }
        }
        return head - slowest;
    }

    private static boolean caughtUp(EventProcessingConfiguration processing, long target) {
        for (var processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming) {
                Map<Integer, EventTrackerStatus> status = streaming.processingStatus();
                if (status.isEmpty()) {
                    return false;
                }
                for (EventTrackerStatus s : status.values()) {
                    if (s.isErrorState() || s.getCurrentPosition().orElse(-1) < target) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
