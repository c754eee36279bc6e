package org.careledger.storage;

import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a patient record's snapshots are taken: one thread of its own, not the thread of the command that happened
 * to be the record's 250th write. Taking a snapshot reads the record's latest snapshot and the events after it and
 * writes the whole state again, so its cost grows with the record; a clinician's request should not wait for it
 * (measured: a quarter of a command's CPU on a 28,000-entry record was its snapshot). A snapshot is only a faster
 * way to load an aggregate: one taken late, or not at all, changes no decision.
 * <p>
 * Axon's snapshotter already schedules at most one snapshot per aggregate at a time. Before this worker has started
 * and after it has stopped, a snapshot is taken in the caller's thread, as before. On stop it finishes what it has
 * queued (at most {@link #DRAIN}) before the database connections close.
 */
public final class SnapshotWorker implements Executor, SmartLifecycle {

    /** How long stopping waits for the queued snapshots. */
    static final Duration DRAIN = Duration.ofSeconds(30);

    private volatile ThreadPoolExecutor pool;

    @Override
    public void execute(Runnable task) {
        ThreadPoolExecutor running = pool;
        if (running != null) {
            try {
                running.execute(task);
                return;
            } catch (RejectedExecutionException stopping) {
                // stopping: take it here instead
            }
        }
        task.run();
    }

    @Override
    public synchronized void start() {
        if (pool == null) {
            pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread thread = new Thread(r, "ledger-snapshotter");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    @Override
    public synchronized void stop() {
        ThreadPoolExecutor running = pool;
        if (running == null) {
            return;
        }
        pool = null;
        running.shutdown();
        try {
            running.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return pool != null;
    }

    /** Stops among the first (before the processors and the web server), so its snapshots still have a database. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 10;
    }
}
