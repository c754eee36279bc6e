package org.careledger.audit.trail;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.UnknownSerializedType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Rebuilds the audit projection into a FRESH generation without touching the rows of the active one:
 * <ol>
 *   <li>{@link #start()}: create generation n+1 (BUILDING). From then on every transaction that appends an audit
 *   event writes its trail rows to both generations (the handlers run in it, ADR 10). A transaction that began
 *   before the new generation was committed cannot see it (a read is REPEATABLE READ), so the rebuild waits for
 *   every such transaction to end (as {@code CREATE INDEX CONCURRENTLY} does), then takes the ledger's head and
 *   replays every event up to it, in global index order, through the same handlers into n+1 only. Every event is
 *   thus written to n+1 either by its own transaction or by the replay (both are INSERT ... ON CONFLICT DO
 *   NOTHING); nothing relies on commit order, so nothing can be skipped.</li>
 *   <li>{@link #finishIfCaughtUp()}: once the replay has reached that head, the new generation becomes ACTIVE and
 *   the views follow, in one transaction. The old generation is RETIRED: kept, never emptied.</li>
 * </ol>
 */
@Component
public class AuditTrailRebuild {

    private static final Logger log = LoggerFactory.getLogger(AuditTrailRebuild.class);
    private static final int BATCH = 1_000;

    private final AuditGenerations generations;
    private final AuditTrailProjection projection;
    private final AnnotationEventHandlerAdapter handlers;
    private final Serializer serializer;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private CompletableFuture<Void> replay = CompletableFuture.completedFuture(null);

    public AuditTrailRebuild(AuditGenerations generations, AuditTrailProjection projection,
                             @Qualifier("eventSerializer") Serializer serializer, JdbcTemplate jdbc,
                             PlatformTransactionManager transactions) {
        this.generations = generations;
        this.projection = projection;
        this.handlers = new AnnotationEventHandlerAdapter(projection);
        this.serializer = serializer;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Starts a rebuild; refused while one is running. Returns the generation being built (filled in background). */
    public synchronized AuditGenerations.Generation start() {
        if (generations.building().isPresent()) {
            throw new IllegalStateException("an audit trail rebuild is already running");
        }
        Long head = jdbc.queryForObject("SELECT coalesce(max(global_index), -1) FROM domain_event_entry", Long.class);
        AuditGenerations.Generation building = generations.create(head);
        log.info("audit trail rebuild into generation {} started", building.generation());
        replay = CompletableFuture.runAsync(() -> replay(building));
        return building;
    }

    /** Switches to the rebuilt generation when its replay is done; true once the switch is done (or none pending). */
    public synchronized boolean finishIfCaughtUp() {
        var building = generations.building();
        if (building.isEmpty()) {
            return true;
        }
        if (!replay.isDone()) {
            return false;
        }
        replay.join(); // a failed replay surfaces here, and the generation stays BUILDING
        projection.awaitAlertChecks();
        generations.activate(building.get());
        log.info("audit trail generation {} is now active", building.get().generation());
        return true;
    }

    private void replay(AuditGenerations.Generation building) {
        OffsetDateTime created = jdbc.queryForObject("SELECT clock_timestamp()", OffsetDateTime.class);
        // transactions that began before the new generation existed write only to the old one: let them end
        while (Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
                                  AND backend_type = 'client backend'
                                  AND pid <> pg_backend_pid() AND xact_start <= ?)""", Boolean.class, created))) {
            LockSupport.parkNanos(20_000_000L);
        }
        long head = jdbc.queryForObject("SELECT coalesce(max(global_index), -1) FROM domain_event_entry", Long.class);
        long position = -1;
        long applied = 0;
        while (position < head) {
            long from = position;
            List<Object[]> rows = new ArrayList<>();
            Long last = transaction.execute(status -> {
                jdbc.update("SET LOCAL statement_timeout = '10min'");
                jdbc.query("""
                        SELECT global_index, event_identifier, payload_type, payload_revision, payload, time_stamp
                        FROM domain_event_entry WHERE global_index > ? AND global_index <= ?
                        ORDER BY global_index LIMIT ?""", rs -> {
                    rows.add(new Object[]{rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBytes(5), rs.getString(6)});
                }, from, head, BATCH);
                for (Object[] row : rows) {
                    apply(building.schema(), row);
                }
                return rows.isEmpty() ? head : (Long) rows.get(rows.size() - 1)[0];
            });
            applied += rows.size();
            position = last == null ? head : last;
        }
        log.info("audit trail generation {}: {} events replayed up to index {}", building.generation(), applied, head);
    }

    private void apply(String schema, Object[] row) {
        long index = (Long) row[0];
        String eventId = (String) row[1];
        var serialized = new SimpleSerializedObject<>((byte[]) row[4], byte[].class, (String) row[2],
                (String) row[3]);
        if (UnknownSerializedType.class.equals(serializer.classForType(serialized.getType()))) {
            throw new IllegalStateException("audit trail rebuild: event " + eventId + " at index " + index
                    + " has a type this version cannot read");
        }
        Object payload = serializer.deserialize(serialized);
        TrackedEventMessage<?> message = new GenericTrackedEventMessage<>(
                GapAwareTrackingToken.newInstance(index, java.util.Set.of()),
                new GenericEventMessage<>(eventId, payload, MetaData.emptyInstance(),
                        DateTimeUtils.parseInstant((String) row[5])));
        if (!handlers.canHandle(message)) {
            return;
        }
        projection.replayInto(schema, () -> {
            try {
                handlers.handle(message);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("audit trail rebuild failed at event " + eventId, e);
            }
        });
    }
}
