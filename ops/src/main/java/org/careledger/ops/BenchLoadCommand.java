package org.careledger.ops;

import org.careledger.bulk.BulkWriter;
import org.careledger.demo.DemoLoader;
import org.careledger.demo.DemoRegion;
import org.careledger.integrity.LedgerChainer;
import org.careledger.ops.bench.LoadBenchmark;
import org.careledger.ops.bench.RebuildBenchmark;
import org.careledger.shared.Registers;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code careledger bench-load}: the bulk write path (ADR 16) loading the demo region into an empty ledger (every
 * view and the audit trail written in the same transactions) against a raw JDBC batch insert of the same event rows,
 * in the same run on the same database, and against raw JDBC batches of every row the load wrote (events, registers,
 * views, audit trail, chain); wall time and CPU time of each, database size, peak heap.
 */
@Command(name = "bench-load", mixinStandardHelpOptions = true,
        header = "Benchmark the bulk write path against raw INSERTs.",
        description = "Load the demo region into an empty ledger through the bulk write path, then insert the same "
                + "event rows by raw JDBC batches; print both.")
final class BenchLoadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--patients", paramLabel = "N", defaultValue = "2000",
            description = "Demo region patients, 1 to " + DemoRegion.MAX_PATIENTS + " (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--seed", paramLabel = "S", description = "Demo region seed (default: ${DEFAULT-VALUE}).")
    long seed = DemoRegion.DEFAULT_SEED;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "2",
            description = "Bulk writes at once, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--warmup-patients", paramLabel = "W", defaultValue = "2000",
            description = "Demo region patients loaded first through the same path and not measured, so the JIT "
                    + "compilers have done most of their work before the measured load; 0 measures a cold JVM "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmupPatients;

    @Option(names = "--baseline-rounds", defaultValue = "2",
            description = "Raw INSERT runs after the load, 1 to 10 (default: ${DEFAULT-VALUE}).")
    int baselineRounds;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (patients < 1 || patients > DemoRegion.MAX_PATIENTS) {
            throw new ParameterException(spec.commandLine(), "--patients must be 1 to " + DemoRegion.MAX_PATIENTS + ", not " + patients);
        }
        if (warmupPatients < 0 || warmupPatients > DemoRegion.MAX_PATIENTS - patients) {
            throw new ParameterException(spec.commandLine(), "--warmup-patients must be 0 to "
                    + (DemoRegion.MAX_PATIENTS - patients) + " with --patients " + patients + ", not " + warmupPatients);
        }
        if (threads < 1 || threads > 16) {
            throw new ParameterException(spec.commandLine(), "--threads must be 1 to 16, not " + threads);
        }
        if (baselineRounds < 1 || baselineRounds > 10) {
            throw new ParameterException(spec.commandLine(), "--baseline-rounds must be 1 to 10, not " + baselineRounds);
        }
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-load");
        }
        args.add("--careledger.demo.enabled=false");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        out.println("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, " + ManagementFactory.getRuntimeMXBean()
                .getInputArguments());
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            DataSource dataSource = ledger.getBean(DataSource.class);
            LoadBenchmark bench = new LoadBenchmark(dataSource);
            out.println("PostgreSQL: " + new RebuildBenchmark(dataSource, null).durabilitySettings());
            DemoLoader loader = new DemoLoader(ledger.getBean(Registers.class), ledger.getBean(BulkWriter.class));
            if (loader.loaded() || bench.databaseSizeAndEvents()[1] > 1) {
                throw new ParameterException(spec.commandLine(), "bench-load needs an empty ledger (this one holds "
                        + bench.databaseSizeAndEvents()[1] + " events): point it at a new data directory");
            }
            // with a warm-up, the region's first patients (and its directory) are loaded first and not measured:
            // the measured load starts when they are written, the processors have caught up and the chain is at
            // the head, and its baselines are the rows it added after that
            DemoRegion region = new DemoRegion(seed, warmupPatients + patients);
            Phase measured = new Phase();
            Runnable between = () -> {
                try {
                    if (warmupPatients > 0) {
                        BenchReadsCommand.awaitProcessors(ledger, out, 600);
                        ledger.getBean(LedgerChainer.class).chainAvailable();
                    }
                    measured.before = bench.rowCounts();
                    measured.lastGlobalIndex = bench.lastGlobalIndex();
                    measured.start = bench.mark();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("could not count the rows before the measured load", e);
                }
            };
            long warmupStarted = System.nanoTime();
            if (warmupPatients == 0) {
                between.run();
            }
            DemoLoader.Result loaded = loader.load(region, threads, DemoLoader.Progress.NONE, warmupPatients,
                    between);
            if (warmupPatients > 0) {
                out.println(String.format(Locale.ROOT, "warm-up: the directory and the region's first %d patients "
                        + "through the same path, not measured (%.1f s with the processors catching up)",
                        warmupPatients, (measured.start.nanos() - warmupStarted) / 1e9));
            }
            Map<String, Long> before = measured.before;
            LoadBenchmark.Mark start = measured.start;
            LoadBenchmark.Cost load = bench.since(start);
            BenchReadsCommand.awaitProcessors(ledger, out, 600);
            ledger.getBean(LedgerChainer.class).chainAvailable();
            LoadBenchmark.Cost caughtUp = bench.since(start);
            long[] sizeAndEvents = bench.databaseSizeAndEvents();
            long events = loaded.commands();
            out.println(String.format(Locale.ROOT, "subject: demo region (seed %d, %d patients%s) through the bulk "
                    + "path: %d events in %.1f s (%.0f events/s, %.0f patients/s, %d threads); CPU %.1f s JVM + %.1f s "
                    + "server; streaming processors caught up and the chain at the head at %.1f s", seed, patients,
                    warmupPatients > 0 ? " after the warm-up's " + warmupPatients : "",
                    events,
                    load.wall().toMillis() / 1000.0, events / seconds(load), patients / seconds(load), threads,
                    load.jvmCpuSeconds(), load.serverCpuSeconds(), caughtUp.wall().toMillis() / 1000.0));
            out.println(String.format(Locale.ROOT, "database: %.1f MB for %d events (%.0f bytes per event, views "
                    + "and audit trail included); peak heap %d MB", sizeAndEvents[0] / 1e6, sizeAndEvents[1],
                    (double) sizeAndEvents[0] / sizeAndEvents[1], peakHeapMb()));
            long rows = bench.loadRows(measured.lastGlobalIndex);
            int transactions = Math.max(1, (patients + 99) / 100);
            int batch = Math.max(1, (int) (events / transactions));
            out.println("| run | event rows | s | rows/s | CPU s (JVM + server) | ratio subject/raw events/s "
                    + "| ratio raw/subject CPU per event |");
            out.println("| --- | --- | --- | --- | --- | --- | --- |");
            out.println(String.format(Locale.ROOT, "| bulk path (subject) | %d | %.2f | %.0f | %.1f | | |", events,
                    seconds(load), events / seconds(load), load.cpuSeconds()));
            double worst = Double.MAX_VALUE;
            try {
                for (int round = 1; round <= baselineRounds; round++) {
                    LoadBenchmark.Cost raw = bench.rawInserts(batch);
                    double ratio = (events / seconds(load)) / (rows / seconds(raw));
                    double cpuRatio = (raw.cpuSeconds() / rows) / (load.cpuSeconds() / events);
                    worst = Math.min(worst, ratio);
                    out.println(String.format(Locale.ROOT, "| raw INSERT %d (batches of %d) | %d | %.2f | %.0f | %.1f "
                            + "| %.2f | %.2f |", round, batch, rows, seconds(raw), rows / seconds(raw),
                            raw.cpuSeconds(), ratio, cpuRatio));
                    out.flush();
                }
            } finally {
                bench.dropRawTable();
            }
            out.println(String.format(Locale.ROOT, "goal: bulk path events/s >= 50 %% of the raw batch INSERT's; "
                    + "worst %.0f %% (%s)", worst * 100, worst >= 0.5 ? "met" : "NOT met"));
            // the same-rows baseline holds every row in memory (the raw inserts must not read while timed): refuse
            // plainly when they would not fit, rather than fail with an OutOfMemoryError half-way
            long onDisk = bench.sameRowsBytes(before);
            long heap = Runtime.getRuntime().maxMemory();
            if (!sameRowsFit(onDisk, heap)) {
                out.println(String.format(Locale.ROOT, "same rows: not run: the rows the load wrote take about %d MB "
                        + "on disk, about %d MB in memory, more than half of this JVM's %d MB heap; run with a larger "
                        + "-Xmx or fewer --patients", onDisk / (1024 * 1024),
                        onDisk * SAME_ROWS_MEMORY_FACTOR / (1024 * 1024), heap / (1024 * 1024)));
            } else {
                long allRows = bench.loadSameRows(before);
                out.println(String.format(Locale.ROOT, "same rows: every row the load wrote (%d rows in %d "
                        + "tables: events, registers, views, audit trail, chain; %.1f rows per event), inserted by raw "
                        + "JDBC batches on one connection in %d transactions, each with its share of every table; the "
                        + "subject's time here is until the streaming processors caught up and the chain reached the "
                        + "head (%.2f s), since these rows include theirs",
                        allRows, bench.sameRowsTables(), (double) allRows / events, transactions, seconds(caughtUp)));
                out.println("| run | rows | s | events/s equivalent | CPU s (JVM + server) | ratio subject/raw "
                        + "| ratio raw/subject CPU |");
                out.println("| --- | --- | --- | --- | --- | --- | --- |");
                try {
                    for (int round = 1; round <= baselineRounds; round++) {
                        LoadBenchmark.Cost raw = bench.rawSameRows(transactions);
                        out.println(String.format(Locale.ROOT,
                                "| same rows %d | %d | %.2f | %.0f | %.1f | %.2f | %.2f |", round, allRows, seconds(raw), events / seconds(raw), raw.cpuSeconds(),
                                seconds(raw) / seconds(caughtUp), raw.cpuSeconds() / caughtUp.cpuSeconds()));
                        out.flush();
                    }
                } finally {
                    bench.dropSameRows();
                }
            }
        }
        return CareLedgerCli.OK;
    }

    /** Bytes in the JVM per byte on disk of the rows the same-rows baseline holds (Strings, arrays, boxes). */
    static final long SAME_ROWS_MEMORY_FACTOR = 3;

    /** True when rows taking {@code onDisk} bytes on disk fit in half of a {@code heap}-byte heap. */
    static boolean sameRowsFit(long onDisk, long heap) {
        return onDisk * SAME_ROWS_MEMORY_FACTOR <= heap / 2;
    }

    /** Where the measured load starts. */
    private static final class Phase {
        Map<String, Long> before;
        long lastGlobalIndex;
        LoadBenchmark.Mark start;
    }

    private static double seconds(LoadBenchmark.Cost cost) {
        return Math.max(1e-9, cost.wall().toNanos() / 1e9);
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                MemoryUsage usage = pool.getPeakUsage();
                peak += usage == null ? 0 : usage.getUsed();
            }
        }
        return peak / (1024 * 1024);
    }
}
