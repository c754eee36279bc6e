package org.careledger.demo;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.shared.Registers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends the demo region's commands through the command gateway, as any client would: the directory in order, then
 * the patients, each patient's commands in order on one thread and several patients at a time. Only the
 * interleaving of different patients' events varies between runs; every aggregate's events are the same.
 * Used by the {@code demo} command and by the application's start-up. Logs name counts and ids, never content.
 */
public final class DemoLoader {

    private static final Logger log = LoggerFactory.getLogger(DemoLoader.class);

    /** Told after each patient is loaded. Called from loader threads. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {
        };

        void patientsLoaded(int done, int total);
    }

    /** What a load did. {@code commandsByType} counts commands by simple class name; each produced one event. */
    public record Result(boolean skipped, long seed, int patients, long commands, Map<String, Long> commandsByType,
                         Duration elapsed) {

        public double commandsPerSecond() {
            return elapsed.isZero() ? 0 : commands * 1000.0 / Math.max(1, elapsed.toMillis());
        }
    }

    /** A command the ledger refused or could not store; the message names the command type and ids only. */
    public static final class DemoLoadException extends RuntimeException {
        DemoLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CommandGateway gateway;
    private final Registers registers;

    public DemoLoader(CommandGateway gateway, Registers registers) {
        this.gateway = Objects.requireNonNull(gateway);
        this.registers = Objects.requireNonNull(registers);
    }

    /** True when the ledger already holds the demo region (its first organisation is registered). */
    public boolean loaded() {
        return registers.organisationType(DemoRegion.FIRST_ORGANISATION).isPresent();
    }

    /**
     * Loads the region unless it is already there.
     *
     * @param threads how many patients are loaded at once (1 for strictly sequential)
     */
    public Result load(int patients, long seed, int threads, Progress progress) {
        return load(new DemoRegion(seed, patients), threads, progress);
    }

    /** Loads the given region (e.g. one whose clock starts at {@link DemoRegion#startBefore}) unless it is there. */
    public Result load(DemoRegion region, int threads, Progress progress) {
        int patients = region.patientCount();
        long seed = region.seed();
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1 to 64");
        }
        if (loaded()) {
            log.info("Demo region present (organisation {} registered): not loading", DemoRegion.FIRST_ORGANISATION);
            return new Result(true, seed, 0, 0, Map.of(), Duration.ZERO);
        }
        long started = System.nanoTime();
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        log.info("Loading demo region: seed {}, {} patients, {} threads", seed, patients, threads);
        for (Object command : region.directory()) {
            send(command, null, counts);
        }
        log.info("Demo directory loaded: {} commands", region.directory().size());

        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        Semaphore inFlight = new Semaphore(threads * 4);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "demo-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            Iterator<DemoRegion.PatientCommands> it = region.patients();
            while (it.hasNext() && failure.get() == null) {
                DemoRegion.PatientCommands patient = it.next();
                inFlight.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        if (failure.get() == null) {
                            for (Object command : patient.commands()) {
                                send(command, patient, counts);
                            }
                            progress.patientsLoaded(done.incrementAndGet(), patients);
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } finally {
            pool.shutdown();
            awaitQuietly(pool);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        Map<String, Long> byType = new TreeMap<>();
        counts.forEach((type, n) -> byType.put(type, n.sum()));
        long total = byType.values().stream().mapToLong(Long::longValue).sum();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        log.info("Demo region loaded: {} patients, {} commands in {} ms", patients, total, elapsed.toMillis());
        return new Result(false, seed, patients, total, byType, elapsed);
    }

    private void send(Object command, DemoRegion.PatientCommands patient, Map<String, LongAdder> counts) {
        try {
            gateway.sendAndWait(command);
        } catch (RuntimeException e) {
            String where = patient == null ? "directory" : "patient " + patient.patient();
            throw new DemoLoadException("demo load stopped at " + command.getClass().getSimpleName() + " for "
                    + where + ": " + e.getMessage(), e);
        }
        counts.computeIfAbsent(command.getClass().getSimpleName(), k -> new LongAdder()).increment();
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                log.info("Waiting for demo loader threads");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
