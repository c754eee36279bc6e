package org.careledger.integrity;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Extends the hash chain ({@code ledger_chain}) over the events of {@code domain_event_entry} in global index order,
 * whatever appended them (commands, audited reads, the bulk path through Axon's storage engine): it reads the table,
 * not one call site (ADR 21).
 * <p>
 * Gaps. A global index is drawn from the sequence when a row is inserted and becomes visible when its transaction
 * commits, so the chainer may see index n+1 before n. It never chains past a gap until the gap is settled: it notes
 * the database time T at which it saw the row after the gap, and waits until no client session of this database has
 * a transaction that began before T. Any transaction that drew an index in the gap drew it before the later row was
 * drawn, hence began before T; once all such transactions have ended, the missing indexes were committed (and are
 * read) or rolled back (and never appear). A late commit is therefore chained in its place, never skipped, however
 * long it took. (Sessions of other database roles are not visible to the application's role; only the application's
 * role appends.)
 * <p>
 * One chainer at a time per database (a transaction-level advisory lock), on one background thread, which also makes
 * the periodic checkpoints ({@link LedgerCheckpoints}).
 */
@Component
public class LedgerChainer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LedgerChainer.class);
    /** Advisory lock key: "chain" in ASCII. */
    static final long LOCK = 0x636861696eL;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final LedgerCheckpoints checkpoints;
    private final IntegrityProperties properties;
    private volatile ScheduledExecutorService executor;
    private final AtomicInteger deferrals = new AtomicInteger();
    private Pending pending;

    /** A gap (after, visible) in global indexes, first seen at the database time {@code seenAt}. */
    private record Pending(long after, long visible, Timestamp seenAt) {
    }

    private record Head(long index, long position, byte[] hash) {
        static final Head GENESIS = new Head(0, -1, EventDigest.GENESIS);
    }

    public LedgerChainer(JdbcTemplate jdbc, PlatformTransactionManager transactions, LedgerCheckpoints checkpoints,
                         IntegrityProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.checkpoints = checkpoints;
        this.properties = properties;
        Gauge.builder("careledger.integrity.chain.unchained", this, LedgerChainer::unchainedOrZero)
                .description("events in the ledger above the chain's head").register(meters);
    }

    /**
     * Chains what can be chained now, batch after batch, until it reaches the ledger's head or an unsettled gap.
     *
     * @return how many events were chained
     */
    public synchronized long chainAvailable() {
        long total = 0;
        int chained;
        do {
            chained = chainBatch();
            total += chained;
        } while (chained == properties.chainBatch());
        return total;
    }

    /**
     * Runs {@code work} while the chain waits (ADR 38): the chainer's scheduled turns are skipped until it returns,
     * and then the chainer catches up with everything appended meanwhile, on its own thread, at once. For a short
     * bulk load that is waited for (the start-up demo), whose events the chainer would otherwise hash, with C1
     * only and no SHA-256 intrinsic (ADR 37), on the same two cores. Direct calls of {@link #chainAvailable()} are
     * not deferred. Deferrals nest.
     */
    public <T> T deferredDuring(Supplier<T> work) {
        deferrals.incrementAndGet();
        try {
            return work.get();
        } finally {
            if (deferrals.decrementAndGet() == 0) {
                ScheduledExecutorService ex = executor;
                if (ex != null && !ex.isShutdown()) {
                    ex.execute(() -> quietly("chain", this::catchUp));
                }
            }
        }
    }

    private void catchUp() {
        long started = System.nanoTime();
        long chained = chainAvailable();
        log.info("Ledger chain caught up after a deferral: {} events chained in {} s", chained,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    }

    /** The highest chained global index (0 when nothing is chained). */
    public long head() {
        Long head = jdbc.queryForObject("SELECT max(global_index) FROM ledger_chain", Long.class);
        return head == null ? 0 : head;
    }

    /** Events in the ledger not yet chained. */
    public long unchained() {
        Long n = jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry
                 WHERE global_index > coalesce((SELECT max(global_index) FROM ledger_chain), 0)""", Long.class);
        return n == null ? 0 : n;
    }

    private double unchainedOrZero() {
        try {
            return unchained();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private int chainBatch() {
        boolean settled = pending != null && settled(pending.seenAt());
        Integer chained = tx.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
                return 0;
            }
            Head head = jdbc.query("SELECT global_index, position, hash FROM ledger_chain ORDER BY global_index DESC LIMIT 1",
                    rs -> rs.next() ? new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)) : Head.GENESIS);
            List<Object[]> links = new ArrayList<>();
            long[] gap = new long[2];
            EventDigest digest = new EventDigest();
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("SELECT " + EventDigest.COLUMNS
                        + " FROM domain_event_entry WHERE global_index > ? ORDER BY global_index LIMIT ?");
                binary(ps);
                ps.setLong(1, head.index());
                ps.setInt(2, properties.chainBatch());
                return ps;
            }, rs -> {
                long previous = head.index();
                long position = head.position();
                byte[] hash = head.hash();
                while (rs.next()) {
                    long index = rs.getLong(1);
                    if (index != previous + 1) {
                        boolean settledHere = settled && pending.after() == previous && pending.visible() == index;
                        if (!settledHere) {
                            gap[0] = previous;
                            gap[1] = index;
                            break;
                        }
                        log.info("Global indexes {} to {} were never committed (rolled back): the chain links {} to {}",
                                previous + 1, index - 1, previous, index);
                    }
                    hash = digest.link(hash, rs);
                    position++;
                    links.add(new Object[]{index, rs.getString(2), previous == 0 ? null : previous, position,
                            digest.leaf(), hash});
                    previous = index;
                }
                return null;
            });
            if (gap[1] != 0) {
                if (pending == null || pending.after() != gap[0] || pending.visible() != gap[1]) {
                    pending = new Pending(gap[0], gap[1],
                            jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class));
                }
            } else {
                pending = null;
            }
            if (!links.isEmpty()) {
                jdbc.batchUpdate("""
                        INSERT INTO ledger_chain (global_index, event_identifier, previous_index, position, leaf, hash)
                        VALUES (?, ?, ?, ?, ?, ?)""", links);
            }
            return links.size();
        });
        return chained == null ? 0 : chained;
    }

    /** Whether every client transaction of this database that began before {@code seenAt} has ended. */
    private boolean settled(Timestamp seenAt) {
        // outside any transaction: pg_stat_activity is a snapshot per transaction
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity
                                    WHERE datname = current_database() AND backend_type = 'client backend'
                                      AND pid <> pg_backend_pid() AND xact_start < ?)""", Boolean.class, seenAt));
    }

    /** Binary transfer from the first execution: bytea arrives as bytes, not hex text. */
    static void binary(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
        }
    }

    // ---- the background thread -------------------------------------------------------------------------

    @Override
    public void start() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-chainer");
            t.setDaemon(true);
            return t;
        });
        long chainMillis = Math.max(10, properties.chainInterval().toMillis());
        ex.scheduleWithFixedDelay(() -> quietly("chain", () -> {
            if (deferrals.get() == 0) {
                chainAvailable();
            }
        }), chainMillis, chainMillis, TimeUnit.MILLISECONDS);
        long checkpointMillis = properties.checkpointInterval().toMillis();
        if (checkpointMillis > 0) {
            ex.scheduleWithFixedDelay(() -> quietly("checkpoint", () -> checkpoints.makeIfAdvanced()), checkpointMillis,
                    checkpointMillis, TimeUnit.MILLISECONDS);
        }
        executor = ex;
    }

    private static void quietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // the database may be away (ADR 12): the next run continues where this one stopped
            log.warn("Ledger {} deferred: {}", what, e.getClass().getSimpleName());
        }
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
