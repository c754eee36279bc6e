package org.careledger.audit.trail;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertReviewed;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordWriteRefused;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compares the audit trail with the ledger: every audit event in {@code domain_event_entry} must have its row in the
 * active generation's trail ({@code audit_event}; alert reviews in {@code ig_alert_review}; a patient's report of an
 * unrecognised access in {@code ig_alert}), and every trail row must name an event of the ledger. Both are read in
 * one REPEATABLE READ snapshot; since an audit event and its trail rows commit together (ADR 10), any difference is
 * a defect, never lag.
 * <p>
 * Exposed three ways: {@link #check()} (the {@code careledger audit-check} command, tests), the gauges
 * {@code careledger.audit.trail.missing} / {@code careledger.audit.trail.unexpected} and the health indicator
 * {@code auditTrail} (DOWN with the first missing event ids while they differ). Gauges and health reuse the last
 * result for {@code careledger.audit.reconcile-interval} (default 60 s): a check reads every audit event of the
 * ledger once.
 */
@Component("auditTrailHealthIndicator")
public class AuditReconciliation implements HealthIndicator {

    /** Ledger payload types whose events are rows of {@code audit_event}. */
    static final List<String> AUDIT_EVENT_TYPES = Stream.of(RecordAccessed.class, RecordAccessRefused.class,
            PatientSearched.class, RecordWriteRefused.class, ConsentViewed.class, AuditTrailQueried.class,
            EmergencyAccessDeclared.class, RecordPreviewed.class).map(Class::getName).toList();
    /** Ledger payload types whose events are rows of {@code ig_alert_review}. */
    static final List<String> ALERT_CASE_TYPES = Stream.of(AlertReviewed.class, AlertClosed.class)
            .map(Class::getName).toList();
    /** Ledger payload types whose events raise a row of {@code ig_alert} (keyed by the source event). */
    static final List<String> ALERT_SOURCE_TYPES = List.of(UnrecognisedAccessReported.class.getName());
    private static final int SAMPLE = 20;

    /**
     * One comparison.
     *
     * @param upTo          the ledger's highest global index in the snapshot compared
     * @param ledgerEvents  audit events in the ledger up to {@code upTo}
     * @param trailEvents   of those, how many the trail holds
     * @param unexpected    trail rows naming no event of the ledger
     * @param missingIds    the first missing event ids (at most 20)
     */
    public record Result(long upTo, long ledgerEvents, long trailEvents, long unexpected, List<String> missingIds,
                         Instant checkedAt) {
        public long missing() {
            return ledgerEvents - trailEvents;
        }

        public boolean consistent() {
            return missing() == 0 && unexpected == 0;
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;
    private final Duration interval;
    private final Clock clock;
    private volatile Result last;

    public AuditReconciliation(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                               ObjectProvider<MeterRegistry> meters,
                               @Value("${careledger.audit.reconcile-interval:60s}") Duration interval) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.interval = interval;
        this.clock = Clock.systemUTC();
        meters.ifAvailable(registry -> {
            Gauge.builder("careledger.audit.trail.missing", this, r -> r.recent().missing())
                    .description("audit events in the ledger that the audit trail does not hold").register(registry);
            Gauge.builder("careledger.audit.trail.unexpected", this, r -> r.recent().unexpected())
                    .description("audit trail rows naming no event of the ledger").register(registry);
        });
    }

    /** Compares the whole ledger with the active trail now. */
    public Result check() {
        Result result = check(-1, Long.MAX_VALUE);
        last = result;
        return result;
    }

    /**
     * Compares the ledger's audit events with global index in {@code (after, upTo]} with the active trail's rows of
     * that range (ops can narrow a check to a period of the ledger; tests to what they wrote).
     */
    public Result check(long after, long atMost) {
        return snapshot.execute(status -> {
            jdbc.update("SET LOCAL statement_timeout = '10min'");
            long upTo = Math.min(atMost, jdbc.queryForObject(
                    "SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class));
            String[] types = Stream.of(AUDIT_EVENT_TYPES, ALERT_CASE_TYPES, ALERT_SOURCE_TYPES)
                    .flatMap(List::stream).toArray(String[]::new);
            long ledger = jdbc.queryForObject("""
                    SELECT count(*) FROM domain_event_entry
                     WHERE global_index > ? AND global_index <= ? AND payload_type = ANY (?)""",
                    Long.class, after, upTo, types);
            String missing = """
                    FROM domain_event_entry d WHERE d.global_index > ? AND d.global_index <= ? AND (
                       (d.payload_type = ANY (?) AND NOT EXISTS (SELECT 1 FROM audit_event a
                                                                  WHERE a.event_id = d.event_identifier))
                    OR (d.payload_type = ANY (?) AND NOT EXISTS (SELECT 1 FROM ig_alert_review r
                                                                  WHERE r.event_id = d.event_identifier))
                    OR (d.payload_type = ANY (?) AND NOT EXISTS (SELECT 1 FROM ig_alert g
                                                                  WHERE g.source_event_id = d.event_identifier)))""";
            Object[] args = {after, upTo, AUDIT_EVENT_TYPES.toArray(String[]::new), ALERT_CASE_TYPES.toArray(String[]::new),
                    ALERT_SOURCE_TYPES.toArray(String[]::new)};
            long absent = jdbc.queryForObject("SELECT count(*) " + missing, Long.class, args);
            List<String> sample = absent == 0 ? List.of() : jdbc.queryForList(
                    "SELECT d.event_identifier " + missing + " ORDER BY d.global_index LIMIT " + SAMPLE, String.class,
                    args);
            long unexpected = jdbc.queryForObject("""
                    SELECT (SELECT count(*) FROM audit_event a WHERE a.global_index > ? AND a.global_index <= ?
                               AND NOT EXISTS (SELECT 1 FROM domain_event_entry d WHERE d.event_identifier = a.event_id))
                         + (SELECT count(*) FROM ig_alert_review r WHERE r.global_index > ? AND r.global_index <= ?
                               AND NOT EXISTS (SELECT 1 FROM domain_event_entry d WHERE d.event_identifier = r.event_id))""",
                    Long.class, after, upTo, after, upTo);
            return new Result(upTo, ledger, ledger - absent, unexpected, sample, clock.instant());
        });
    }

    /** The last result if younger than the reconcile interval, else a fresh check. */
    public synchronized Result recent() {
        Result known = last;
        if (known == null || known.checkedAt().plus(interval).isBefore(clock.instant())) {
            return check();
        }
        return known;
    }

    @Override
    public Health health() {
        Result r = recent();
        Health.Builder health = r.consistent() ? Health.up() : Health.down();
        health.withDetail("ledgerAuditEvents", r.ledgerEvents()).withDetail("trailEvents", r.trailEvents())
                .withDetail("missing", r.missing()).withDetail("unexpected", r.unexpected())
                .withDetail("upToGlobalIndex", r.upTo()).withDetail("checkedAt", r.checkedAt().toString());
        if (!r.missingIds().isEmpty()) {
            health.withDetail("firstMissingEventIds", r.missingIds());
        }
        return health.build();
    }
}
