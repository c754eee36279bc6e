package org.careledger.demo;

import org.careledger.bulk.BulkWriter;
import org.careledger.shared.Command;
import org.careledger.shared.Registers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * Writes the demo region through the bulk write path ({@link BulkWriter}, ADR 16): the directory, then the patients
 * in batches, several batches at a time, each patient's commands in order and all or nothing. Only the
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

    /** Patients per bulk write: one transaction each, big enough to batch well, small enough to retry. */
    static final int PATIENTS_PER_WRITE = 100;

    private final Registers registers;
    private final BulkWriter bulk;

    public DemoLoader(Registers registers, BulkWriter bulk) {
        this.registers = Objects.requireNonNull(registers);
        this.bulk = Objects.requireNonNull(bulk);
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
        return load(region, threads, progress, 0, () -> {
        });
    }

    /**
     * Loads the given region unless it is there, in two parts: the directory and the first {@code firstPatients}
     * patients, then {@code between} (called on this thread once they are written), then the other patients. The
     * result counts the second part only: {@code bench-load} warms the JVM (its compilers) on the first part and
     * measures the second.
     */
    public Result load(DemoRegion region, int threads, Progress progress, int firstPatients, Runnable between) {
        int patients = region.patientCount();
        long seed = region.seed();
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1 to 64");
        }
        if (firstPatients < 0 || firstPatients > patients) {
            throw new IllegalArgumentException("the first part must be 0 to " + patients + " patients");
        }
        if (loaded()) {
            log.info("Demo region present (organisation {} registered): not loading", DemoRegion.FIRST_ORGANISATION);
            return new Result(true, seed, 0, 0, Map.of(), Duration.ZERO);
        }
        long started = System.nanoTime();
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        log.info("Loading demo region: seed {}, {} patients, {} threads", seed, patients, threads);
        List<Command> directory = region.directory().stream().map(Command.class::cast).toList();
        for (BulkWriter.Outcome outcome : bulk.writeDirectory(directory)) {
            if (!outcome.written()) {
                throw new DemoLoadException("demo load stopped at directory aggregate " + outcome.key() + ", command "
                        + outcome.refusedCommand() + ": " + outcome.reason(), null);
            }
        }
        for (Command command : directory) {
            counts.computeIfAbsent(command.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
        log.info("Demo directory loaded: {} commands", region.directory().size());
        Iterator<DemoRegion.PatientCommands> it = region.patients();
        if (firstPatients > 0) {
            writePatients(it, firstPatients, threads, counts, progress, patients, 0);
            between.run();
            started = System.nanoTime();
            counts.clear();
        }
        writePatients(it, patients - firstPatients, threads, counts, progress, patients, firstPatients);
        Map<String, Long> byType = new TreeMap<>();
        counts.forEach((type, n) -> byType.put(type, n.sum()));
        long total = byType.values().stream().mapToLong(Long::longValue).sum();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        log.info("Demo region loaded: {} patients, {} commands in {} ms", patients - firstPatients, total,
                elapsed.toMillis());
        return new Result(false, seed, patients - firstPatients, total, byType, elapsed);
    }

    /** Writes the iterator's next {@code count} patients, {@code threads} bulk writes at once; stops at a failure. */
    private void writePatients(Iterator<DemoRegion.PatientCommands> it, int count, int threads,
                               Map<String, LongAdder> counts, Progress progress, int total, int doneBefore) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger(doneBefore);
        Semaphore inFlight = new Semaphore(threads * 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "demo-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            int taken = 0;
            while (taken < count && it.hasNext() && failure.get() == null) {
                List<DemoRegion.PatientCommands> batch = new ArrayList<>(PATIENTS_PER_WRITE);
                while (taken < count && it.hasNext() && batch.size() < PATIENTS_PER_WRITE) {
                    batch.add(it.next());
                    taken++;
                }
                inFlight.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        if (failure.get() == null) {
                            write(batch, counts);
                            progress.patientsLoaded(done.addAndGet(batch.size()), total);
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
    }

    /** Writes a batch of patients through the bulk path; the demo is all or nothing, so any refusal stops it. */
    private void write(List<DemoRegion.PatientCommands> batch, Map<String, LongAdder> counts) {
        List<BulkWriter.PatientCommands> patients = new ArrayList<>(batch.size());
        for (DemoRegion.PatientCommands p : batch) {
            List<Command> commands = new ArrayList<>(p.commands().size());
            for (Object command : p.commands()) {
                commands.add((Command) command);
            }
            patients.add(new BulkWriter.PatientCommands("demo patient " + p.index(), p.patient(), commands));
        }
        for (BulkWriter.Outcome outcome : bulk.write(patients)) {
            if (!outcome.written()) {
                throw new DemoLoadException("demo load stopped at " + outcome.key() + " (" + outcome.patient()
                        + "), command " + outcome.refusedCommand() + ": " + outcome.reason(), null);
            }
        }
        for (DemoRegion.PatientCommands p : batch) {
            for (Object command : p.commands()) {
                counts.computeIfAbsent(command.getClass().getSimpleName(), k -> new LongAdder()).increment();
            }
        }
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
