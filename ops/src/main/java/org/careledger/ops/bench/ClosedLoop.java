package org.careledger.ops.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed loop of client threads, each running one operation after another for a warm-up and a measured window.
 * Only operations that start and end inside the window count; their latencies go into one HdrHistogram (µs).
 * Every harness measures its subject and its baseline through this one loop, so they are measured alike.
 */
final class ClosedLoop {

    /** One client thread's work. */
    interface Worker {
        void once() throws Exception;

        default void close() throws Exception {
        }
    }

    @FunctionalInterface
    interface WorkerFactory {
        Worker create(int thread) throws Exception;
    }

    /** Called on the driving thread when the measured window opens and closes (e.g. to count background writes). */
    interface Window {
        Window NONE = new Window() {
        };

        default void opened() {
        }

        default void closed() {
        }
    }

    record Measured(long operations, double seconds, Histogram latencyMicros) {
    }

    private ClosedLoop() {
    }

    static Measured run(int threads, Duration warmUp, Duration measure, WorkerFactory workers, Window window)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            long measureFrom = start + warmUp.toNanos();
            long end = measureFrom + measure.toNanos();
            List<Future<Histogram>> futures = new ArrayList<>();
            AtomicLong operations = new AtomicLong();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    Worker worker = workers.create(thread);
                    Histogram histogram = new Histogram(60_000_000L, 3);
                    try {
                        while (true) {
                            long before = System.nanoTime();
                            if (before >= end) {
                                break;
                            }
                            worker.once();
                            long after = System.nanoTime();
                            if (before >= measureFrom && after <= end) {
                                histogram.recordValue(Math.max(1, (after - before) / 1000));
                                operations.incrementAndGet();
                            }
                        }
                    } finally {
                        worker.close();
                    }
                    return histogram;
                }));
            }
            waitUntil(measureFrom);
            window.opened();
            waitUntil(end);
            window.closed();
            Histogram all = new Histogram(60_000_000L, 3);
            for (Future<Histogram> f : futures) {
                all.add(f.get());
            }
            return new Measured(operations.get(), measure.toNanos() / 1e9, all);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void waitUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
