package org.careledger.ops.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An open loop: operations ARRIVE at a fixed mean rate (Poisson: exponential gaps), whatever the system's state, as
 * a region's clinicians open records independently of each other. Each arrival is handed to a pool of client threads
 * (as many as may be in flight at once); its latency runs from its scheduled arrival to its completion, so time spent
 * queueing behind a slow system counts (no coordinated omission). Only arrivals scheduled inside the measured window
 * count. If more than {@code maxInFlight} are outstanding the system is overloaded at this rate: further arrivals
 * still count, with the latency they get.
 */
final class OpenLoop {

    record Measured(double ratePerSecond, long arrivals, long completed, double seconds, Histogram latencyMicros,
                    long cpuNanos, long serverCpuNanos) {
        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return latencyMicros.getMaxValue() / 1000.0;
        }

        /** Process CPU time (all threads of this JVM) per completed operation, in ms. */
        double cpuMillisPerOp() {
            return completed == 0 ? Double.NaN : cpuNanos / 1e6 / completed;
        }

        /** CPU time of the database server's processes per completed operation, in ms (NaN if unknown). */
        double serverCpuMillisPerOp() {
            return completed == 0 || serverCpuNanos < 0 ? Double.NaN : serverCpuNanos / 1e6 / completed;
        }
    }

    /** Runs on one of the client threads; must be thread-safe. */
    @FunctionalInterface
    interface Operation {
        void once() throws Exception;
    }

    private OpenLoop() {
    }

    static Measured run(double ratePerSecond, Duration warmUp, Duration measure, int maxInFlight, Operation op,
                        java.util.function.LongSupplier serverCpu, ClosedLoop.Window window) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(maxInFlight);
        Histogram histogram = new Histogram(600_000_000L, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong arrivals = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long end = measureFrom + measure.toNanos();
        long cpuFrom = -1;
        long serverFrom = -1;
        boolean opened = false;
        try {
            long next = start;
            while (next < end && failure.get() == null) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (!opened && System.nanoTime() >= measureFrom) {
                    opened = true;
                    cpuFrom = RunInfo.processCpuNanos();
                    serverFrom = serverCpu.getAsLong();
                    window.opened();
                }
                long scheduled = next;
                boolean counted = scheduled >= measureFrom;
                if (counted) {
                    arrivals.incrementAndGet();
                }
                clients.execute(() -> {
                    try {
                        op.once();
                        long took = System.nanoTime() - scheduled;
                        if (counted) {
                            synchronized (histogram) {
                                histogram.recordValue(Math.min(histogram.getHighestTrackableValue(),
                                        Math.max(1, took / 1000)));
                            }
                            completed.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                double gap = -Math.log(1.0 - ThreadLocalRandom.current().nextDouble()) / ratePerSecond;
                next += (long) (gap * 1e9);
            }
            if (!opened) {
                cpuFrom = RunInfo.processCpuNanos();
                serverFrom = serverCpu.getAsLong();
                window.opened();
            }
            clients.shutdown();
            // the window's arrivals finish (their latency is what they got), bounded: an overloaded rate can take long
            clients.awaitTermination(Math.max(30, measure.toSeconds()), TimeUnit.SECONDS);
            long cpu = RunInfo.processCpuNanos() - cpuFrom;
            long serverTo = serverCpu.getAsLong();
            window.closed();
            if (failure.get() != null) {
                throw new IllegalStateException("an operation failed: " + failure.get(), failure.get());
            }
            return new Measured(ratePerSecond, arrivals.get(), completed.get(), measure.toNanos() / 1e9, histogram,
                    cpu, serverFrom < 0 || serverTo < 0 ? -1 : serverTo - serverFrom);
        } finally {
            clients.shutdownNow();
        }
    }
}
