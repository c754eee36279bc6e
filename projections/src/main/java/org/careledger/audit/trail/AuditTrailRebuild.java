package org.careledger.audit.trail;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Rebuilds the audit projection into a FRESH generation without touching the rows of the active one:
 * <ol>
 *   <li>{@link #start()}: stop the processor, create generation n+1 (BUILDING), reset the processor's token to the
 *   start of the ledger and start it again. While it replays, the active generation keeps answering queries; every
 *   event past the reset point is written to both generations.</li>
 *   <li>{@link #finishIfCaughtUp()}: once the processor has left its replay and passed the ledger's head as it was
 *   at the start, the new generation becomes ACTIVE and the views follow, in one transaction. The old generation
 *   is RETIRED: kept, never emptied.</li>
 * </ol>
 */
@Component
public class AuditTrailRebuild {

    private static final Logger log = LoggerFactory.getLogger(AuditTrailRebuild.class);

    private final EventProcessingConfiguration processing;
    private final AuditGenerations generations;
    private final JdbcTemplate jdbc;

    public AuditTrailRebuild(EventProcessingConfiguration processing, AuditGenerations generations,
                             JdbcTemplate jdbc) {
        this.processing = processing;
        this.generations = generations;
        this.jdbc = jdbc;
    }

    /** Starts a rebuild; refused while one is running. Returns the generation being built. */
    public synchronized AuditGenerations.Generation start() {
        if (generations.building().isPresent()) {
            throw new IllegalStateException("an audit trail rebuild is already running");
        }
        StreamingEventProcessor processor = processor();
        processor.shutDown();
        Long head = jdbc.queryForObject("SELECT coalesce(max(global_index), -1) FROM domain_event_entry", Long.class);
        AuditGenerations.Generation building = generations.create(head);
        processor.resetTokens();
        processor.start();
        log.info("audit trail rebuild into generation {} started (ledger head {})", building.generation(), head);
        return building;
    }

    /** Switches to the rebuilt generation when it has caught up; true once the switch is done (or none pending). */
    public synchronized boolean finishIfCaughtUp() {
        var building = generations.building();
        if (building.isEmpty()) {
            return true;
        }
        Map<Integer, EventTrackerStatus> status = processor().processingStatus();
        long head = building.get().rebuildHead() == null ? -1 : building.get().rebuildHead();
        boolean caughtUp = !status.isEmpty() && status.values().stream().allMatch(s ->
                !s.isReplaying() && !s.isErrorState() && s.getCurrentPosition().orElse(-1) >= head);
        if (!caughtUp) {
            return false;
        }
        generations.activate(building.get());
        log.info("audit trail generation {} is now active", building.get().generation());
        return true;
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(AuditTrailConfiguration.PROCESSING_GROUP, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no audit-trail processor"));
    }
}
