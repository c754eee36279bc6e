package org.careledger.audit.trail;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * How far the audit trail is behind the ledger, measured where it can be (ADR 18). The trail's rows are written in
 * the appending transaction (ADR 10), so they cannot lag; what can:
 * <ul>
 *   <li>the per-day threshold alerts (MANY_RECORDS, REPEATED_REFUSALS), checked after commit on the single
 *       {@code audit-alerts} thread: each queued check is timed from its event's commit until it has run. The lag is
 *       the age of the oldest check not yet run (0 when none waits);</li>
 *   <li>any streaming (tracking or pooled) event processor: its distance from the head of the event table. Today
 *       every processor is subscribing (views, registers, patient index, audit trail), so this is 0; it is measured
 *       so that a processor added later cannot fall behind unseen.</li>
 * </ul>
 * Metrics on {@code /actuator/prometheus}: {@code careledger_audit_lag_seconds}, {@code careledger_audit_lag_pending},
 * {@code careledger_audit_lag_events} and the timer {@code careledger_audit_alerts_delay_seconds} (commit to check
 * done, with p50/p99). The health indicator {@code auditLag} is DOWN while the lag exceeds
 * {@code careledger.audit.lag.max} (default 60 s) or a processor is more than {@code careledger.audit.lag.max-events}
 * (default 1000) events behind.
 */
@Component("auditLagHealthIndicator")
public class AuditLag implements HealthIndicator {

    /** System.nanoTime() at commit of each queued check, oldest first (one FIFO thread runs them). */
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
    private final List<LongConsumer> observers = new CopyOnWriteArrayList<>();
    private final JdbcTemplate jdbc;
    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final Duration max;
    private final long maxEvents;
    private volatile Timer delay;

    public AuditLag(JdbcTemplate jdbc, ObjectProvider<EventProcessingConfiguration> processing,
                    ObjectProvider<MeterRegistry> meters,
                    @Value("${careledger.audit.lag.max:60s}") Duration max,
                    @Value("${careledger.audit.lag.max-events:1000}") long maxEvents) {
        this.jdbc = jdbc;
        this.processing = processing;
        this.max = max;
        this.maxEvents = maxEvents;
        meters.ifAvailable(registry -> {
            Gauge.builder("careledger.audit.lag", this, l -> l.oldestPending().toNanos() / 1e9)
                    .baseUnit("seconds")
                    .description("age of the oldest audit alert check waiting to run (0 when none waits)")
                    .register(registry);
            Gauge.builder("careledger.audit.lag.pending", this, l -> l.pending())
                    .description("audit alert checks queued after commit and not yet run").register(registry);
            Gauge.builder("careledger.audit.lag.events", this, l -> l.eventsBehind())
                    .description("events the slowest streaming processor is behind the ledger's head")
                    .register(registry);
            delay = Timer.builder("careledger.audit.alerts.delay")
                    .description("from an audit event's commit until its per-day alert check has run")
                    .publishPercentiles(0.5, 0.99).register(registry);
        });
    }

    /** A check was queued at the commit of its event: returns its stamp, to hand to {@link #ran}. */
    long queued() {
        long at = System.nanoTime();
        pending.add(at);
        return at;
    }

    /** The check queued at {@code stamp} has run (or failed, or will never run). */
    void ran(long stamp) {
        pending.remove(stamp);
        long nanos = System.nanoTime() - stamp;
        Timer timer = delay;
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
        for (LongConsumer observer : observers) {
            observer.accept(nanos);
        }
    }

    /** Called with each check's delay (commit to done) in nanoseconds; benchmarks use it for p99 and max. */
    public void observe(LongConsumer delayNanos) {
        observers.add(delayNanos);
    }

    public void stopObserving(LongConsumer delayNanos) {
        observers.remove(delayNanos);
    }

    /** Age of the oldest check waiting to run; zero when none waits. */
    public Duration oldestPending() {
        Long oldest = pending.peek();
        return oldest == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - oldest));
    }

    public int pending() {
        return pending.size();
    }

    /** Events the slowest streaming processor is behind the head of the event table (0 without such processors). */
    public long eventsBehind() {
        EventProcessingConfiguration config = processing.getIfAvailable();
        if (config == null) {
            return 0;
        }
        Long slowest = null;
        for (var processor : config.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming) {
                for (EventTrackerStatus s : streaming.processingStatus().values()) {
                    long at = s.getCurrentPosition().orElse(0);
                    slowest = slowest == null ? at : Math.min(slowest, at);
                }
            }
        }
        if (slowest == null) {
            return 0;
        }
        Long head = jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
        return Math.max(0, (head == null ? 0 : head) - slowest);
    }

    @Override
    public Health health() {
        Duration lag = oldestPending();
        long behind = eventsBehind();
        boolean up = lag.compareTo(max) <= 0 && behind <= maxEvents;
        return (up ? Health.up() : Health.down())
                .withDetail("alertChecksPending", pending())
                .withDetail("oldestPendingMillis", lag.toMillis())
                .withDetail("maxMillis", max.toMillis())
                .withDetail("streamingEventsBehind", behind)
                .withDetail("maxEventsBehind", maxEvents)
                .build();
    }
}
