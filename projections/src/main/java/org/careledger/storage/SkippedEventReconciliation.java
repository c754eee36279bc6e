package org.careledger.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Repairs what the tracking (streaming) processors skipped (ADR 22, AxonFramework issue 4829): the global indexes
 * that {@link SkippedEventWatch} saw a processor's token pass without delivering are compared with the event table.
 * <ul>
 *     <li>Never committed: the chainer has linked across the index (it only does once no transaction that could
 *     still commit it is open, ADR 21) and the table has no such row. The note is dropped: nothing was lost.</li>
 *     <li>Committed: the event was skipped. It is counted ({@code careledger.projections.skipped.found}), loaded
 *     from the ledger and handed to that processor's own handlers in a unit of work of its own, as the processor
 *     would have ({@code careledger.projections.skipped.repaired}). The handlers of the tracking processors are
 *     idempotent: Elasticsearch documents carry the global index as an external version, so a late event never
 *     overwrites a newer document and a second delivery is a no-op.</li>
 *     <li>Neither: the transaction that drew the index is still open; looked at again next time.</li>
 * </ul>
 * Runs every {@code careledger.ledger.skip-reconcile-interval} (10 s) on its own thread, and on demand
 * ({@link #reconcile()}). Health indicator {@code skippedEvents}: DOWN while a committed skipped event has not been
 * delivered again; gauge {@code careledger.projections.skipped.unrepaired}.
 */
@Component("skippedEventsHealthIndicator")
public class SkippedEventReconciliation implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SkippedEventReconciliation.class);
    private static final int SAMPLE = 20;

    /** One pass: notes dropped as never committed, skipped events found, and repaired. */
    public record Pass(int neverCommitted, int found, int repaired) {
    }

    /** A skipped event (committed, in the ledger) not delivered again yet. */
    public record Unrepaired(String processor, long globalIndex) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final EventStorageEngine engine;
    private final TransactionManager transactions;
    private final LedgerStorageProperties properties;
    private final MeterRegistry meters;
    private volatile ScheduledExecutorService executor;

    public SkippedEventReconciliation(JdbcTemplate jdbc, ObjectProvider<EventProcessingConfiguration> processing,
                                      EventStorageEngine engine, TransactionManager transactions,
                                      LedgerStorageProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.processing = processing;
        this.engine = engine;
        this.transactions = transactions;
        this.properties = properties;
        this.meters = meters;
        Gauge.builder("careledger.projections.skipped.unrepaired", this, r -> r.unrepairedOrNaN())
                .description("committed events a tracking processor skipped and that were not delivered again yet")
                .register(meters);
    }

    /** Settles the noted indexes and delivers the skipped events again. */
    public synchronized Pass reconcile() {
        int dropped = jdbc.update("""
                DELETE FROM projection_skipped_event s
                 WHERE s.found_at IS NULL
                   AND s.global_index <= (SELECT coalesce(max(global_index), 0) FROM ledger_chain)
                   AND NOT EXISTS (SELECT 1 FROM domain_event_entry d WHERE d.global_index = s.global_index)""");
        List<Unrepaired> found = jdbc.query("""
                UPDATE projection_skipped_event s SET found_at = now()
                 WHERE s.found_at IS NULL
                   AND EXISTS (SELECT 1 FROM domain_event_entry d WHERE d.global_index = s.global_index)
                RETURNING processor, global_index""", (rs, i) -> new Unrepaired(rs.getString(1), rs.getLong(2)));
        for (Unrepaired u : found) {
            counter("careledger.projections.skipped.found", u.processor()).increment();
            log.warn("Processor {} skipped the event at global index {} (committed after the gap timeout): "
                    + "delivering it again", u.processor(), u.globalIndex());
        }
        int repaired = 0;
        for (Unrepaired u : unrepaired()) {
            if (redeliver(u)) {
                jdbc.update("UPDATE projection_skipped_event SET repaired_at = now() WHERE processor = ? "
                        + "AND global_index = ?", u.processor(), u.globalIndex());
                counter("careledger.projections.skipped.repaired", u.processor()).increment();
                repaired++;
            }
        }
        return new Pass(dropped, found.size(), repaired);
    }

    /** Committed skipped events not delivered again yet, in global index order. */
    public List<Unrepaired> unrepaired() {
        return jdbc.query("""
                SELECT s.processor, s.global_index FROM projection_skipped_event s
                  JOIN domain_event_entry d ON d.global_index = s.global_index
                 WHERE s.repaired_at IS NULL ORDER BY s.global_index, s.processor""",
                (rs, i) -> new Unrepaired(rs.getString(1), rs.getLong(2)));
    }

    /** Noted indexes whose transaction has neither committed nor been settled as rolled back. */
    public long awaiting() {
        Long n = jdbc.queryForObject("""
                SELECT count(*) FROM projection_skipped_event s
                 WHERE s.repaired_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM domain_event_entry d WHERE d.global_index = s.global_index)""",
                Long.class);
        return n == null ? 0 : n;
    }

    private boolean redeliver(Unrepaired u) {
        Optional<AbstractEventProcessor> processor = processing.getObject()
                .eventProcessor(u.processor(), AbstractEventProcessor.class);
        if (processor.isEmpty()) {
            // the processor is not configured here (e.g. search turned off): its events wait until it is
            return false;
        }
        TrackedEventMessage<?> message;
        try (Stream<? extends TrackedEventMessage<?>> events = engine.readEvents(
                GapAwareTrackingToken.newInstance(u.globalIndex() - 1, new TreeSet<>()), false)) {
            message = events.findFirst().filter(m -> m.trackingToken().position().orElse(-1) == u.globalIndex())
                    .orElse(null);
        }
        if (message == null) {
            return false;
        }
        EventHandlerInvoker invoker = processor.get().eventHandlerInvoker();
        UnitOfWork<EventMessage<?>> unit = DefaultUnitOfWork.startAndGet(message);
        unit.attachTransaction(transactions);
        ResultMessage<?> result = unit.executeWithResult(() -> {
            invoker.handle(message, Segment.ROOT_SEGMENT);
            return null;
        });
        if (result.isExceptional()) {
            log.warn("Processor {}: delivering the event at global index {} again failed ({}); retried next time",
                    u.processor(), u.globalIndex(), result.exceptionResult().getClass().getSimpleName());
            return false;
        }
        log.info("Processor {}: the skipped event at global index {} was delivered again", u.processor(),
                u.globalIndex());
        return true;
    }

    private Counter counter(String name, String processor) {
        return Counter.builder(name).tag("processor", processor)
                .description(name.endsWith("found") ? "committed events a tracking processor skipped (gap timeout)"
                        : "skipped events delivered again to their tracking processor")
                .register(meters);
    }

    private double unrepairedOrNaN() {
        try {
            return unrepaired().size();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public Health health() {
        List<Unrepaired> open = unrepaired();
        Health.Builder health = open.isEmpty() ? Health.up() : Health.down();
        health.withDetail("unrepaired", open.size()).withDetail("awaitingCommitOrRollback", awaiting());
        if (!open.isEmpty()) {
            health.withDetail("first", open.stream().limit(SAMPLE)
                    .map(u -> Map.of("processor", u.processor(), "globalIndex", u.globalIndex())).toList());
        }
        return health.build();
    }

    // ---- the background thread -------------------------------------------------------------------------

    @Override
    public void start() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skipped-event-reconciliation");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(100, properties.skipReconcileInterval().toMillis());
        ex.scheduleWithFixedDelay(() -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                // the database may be away (ADR 12): the next pass starts again from the table
                log.warn("Skipped event reconciliation deferred: {}", e.getClass().getSimpleName());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        executor = ex;
    }

    @Override
    public void stop() {
        ScheduledExecutorService ex = executor;
        executor = null;
        if (ex != null) {
            ex.shutdownNow();
            try {
                ex.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
