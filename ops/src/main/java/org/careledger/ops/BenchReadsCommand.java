package org.careledger.ops;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.careledger.audit.trail.AuditLag;
import org.careledger.ops.bench.Processors;
import org.careledger.ops.bench.Profile;
import org.careledger.ops.bench.RunInfo;
import org.careledger.ops.bench.ReadBenchmark;
import org.careledger.reading.RecordReads;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger bench-reads}: open-record latency (RecordReads.open: read + decide + audit append) at several
 * reader counts while writers keep writing other patients, against a raw JDBC SELECT of the same rows at the same
 * concurrency, in the same run. Prints a Markdown table for docs/benchmarks.md. Writes its practice, GP and
 * patients into the ledger it runs on: point it at a scratch database (the default embedded one under
 * ./data/bench-reads).
 */
@Command(name = "bench-reads", mixinStandardHelpOptions = true,
        header = "Benchmark audited record opens against raw SELECTs.",
        description = "Benchmark audited record opens against raw SELECTs of the same rows, under writes "
                + "(writes to the ledger it runs on).")
final class BenchReadsCommand implements Callable<Integer> {

    static final int MAX_READERS = 200;

    @Spec
    CommandSpec spec;

    @Option(names = "--readers", split = ",", paramLabel = "R,R,...", defaultValue = "1,16,60",
            description = "Concurrent reader counts, 1 to " + MAX_READERS + " each (default: ${DEFAULT-VALUE}).")
    List<Integer> readers;

    @Option(names = "--patients", paramLabel = "N", defaultValue = "100",
            description = "Patients read, 1 to 100000 (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--entries", paramLabel = "E", defaultValue = "200",
            description = "Entries per patient read, 1 to 5000 (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--writers", paramLabel = "W", defaultValue = "2",
            description = "Writer threads on other patients, 0 to 8 (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--write-rate", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "Writes per second all writers aim at together, 0 to 10000 (default: ${DEFAULT-VALUE}).")
    double writeRate;

    @Option(names = "--setup-threads", paramLabel = "T", defaultValue = "4",
            description = "Patients set up at once, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int setupThreads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5", description = "Warm-up per phase (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "20", description = "Measured time per phase (default: ${DEFAULT-VALUE}).")
    int measureSeconds;

    @Option(names = "--rounds", defaultValue = "2", description = "Alternations of baseline and opens per reader count (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--await-processors", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait after set-up for the streaming processors (audit trail) to catch up, 0 for none "
                    + "(default: ${DEFAULT-VALUE}).")
    int awaitSeconds;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "both",
            description = "open (arrival-rate ladder), closed (reader-count stress column) or both (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--rates", split = ",", paramLabel = "PER_SECOND,...", defaultValue = "10,20,40,80,160",
            description = "Open loop: arrival rates (opens per second, Poisson), ascending; a workload stops climbing "
                    + "after the first rate its p99 exceeds 50 ms (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--small-patients", paramLabel = "N", defaultValue = "200",
            description = "Open loop: patients of realistic size (5 to 50 entries) beside the --patients large ones, "
                    + "0 to 100000 (default: ${DEFAULT-VALUE}).")
    int smallPatients;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "64",
            description = "Open loop: client threads, i.e. opens in flight at most, 1 to " + MAX_READERS
                    + " (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Record a JDK Flight Recorder profile of the subject and print its top frames (default: on).")
    boolean profile;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (int r : readers) {
            if (r < 1 || r > MAX_READERS) {
                throw new ParameterException(spec.commandLine(), "--readers must be 1 to " + MAX_READERS + " each, not " + r);
            }
        }
        if (patients < 1 || patients > 100_000 || entries < 1 || entries > 5_000) {
            throw new ParameterException(spec.commandLine(), "--patients must be 1 to 100000 and --entries 1 to 5000");
        }
        if (writers < 0 || writers > 8 || !(writeRate >= 0 && writeRate <= 10_000)) {
            throw new ParameterException(spec.commandLine(), "--writers must be 0 to 8 and --write-rate 0 to 10000");
        }
        if (setupThreads < 1 || setupThreads > 16) {
            throw new ParameterException(spec.commandLine(), "--setup-threads must be 1 to 16, not " + setupThreads);
        }
        if (awaitSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--await-processors must be 0 or more, not " + awaitSeconds);
        }
        if (warmUpSeconds < 0 || measureSeconds < 1 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--warmup >= 0, --measure >= 1, --rounds >= 1");
        }
        if (!List.of("open", "closed", "both").contains(mode)) {
            throw new ParameterException(spec.commandLine(), "--mode must be open, closed or both, not " + mode);
        }
        if (smallPatients < 0 || smallPatients > 100_000 || maxInFlight < 1 || maxInFlight > MAX_READERS) {
            throw new ParameterException(spec.commandLine(), "--small-patients must be 0 to 100000 and --max-in-flight 1 to "
                    + MAX_READERS);
        }
        for (int i = 0; i < rates.size(); i++) {
            if (!(rates.get(i) > 0 && rates.get(i) <= 100_000) || i > 0 && rates.get(i) <= rates.get(i - 1)) {
                throw new ParameterException(spec.commandLine(), "--rates must be ascending, each above 0 and at most 100000");
            }
        }
        boolean open = !mode.equals("closed");
        boolean closed = !mode.equals("open");
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-reads");
        }
        int maxReaders = readers.stream().mapToInt(i -> i).max().orElse(1);
        // one connection per reader (or open in flight) and per writer, the setup threads, and a few for the alert
        // checks and the baseline's set-up
        args.add("--spring.datasource.hikari.maximum-pool-size="
                + (Math.max(Math.max(maxReaders, open ? maxInFlight : 0), setupThreads) + writers + 6));
        args.add("--careledger.demo.enabled=false");
        // the audit trail's long batches under read load are reported once, as its lag after the table, not as a
        // stack trace a second in the middle of it
        args.add("--logging.level.axon-janitor=ERROR");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            DataSource dataSource = ledger.getBean(DataSource.class);
            ReadBenchmark bench = new ReadBenchmark(ledger.getBean(CommandGateway.class), dataSource,
                    ledger.getBean(RecordReads.class), Clock.systemUTC());
            out.println(RunInfo.jvm());
            out.println(RunInfo.database(dataSource));
            ReadBenchmark.Setup setup = bench.setUp(patients, entries, open ? smallPatients : 0, writers, setupThreads);
            out.println(String.format(Locale.ROOT,
                    "setup: %d patients x %d entries (+ %d of 5-50 entries, + writers' patients) through %d commands in "
                            + "%.1f s (%.0f commands/s, %d threads)", setup.patients(), setup.entriesPerPatient(),
                    open ? smallPatients : 0, setup.commands(), setup.took().toMillis() / 1000.0,
                    setup.commandsPerSecond(), setupThreads));
            awaitProcessors(ledger, out, awaitSeconds);
            int rows = bench.checkRowsPerRead();
            out.println(String.format(Locale.ROOT, "each closed-loop read: %d role-view rows (GP at the registered "
                    + "practice); writers: %d aiming at %.0f writes/s in total on other patients", rows, writers, writeRate));
            if (open) {
                out.println(bench.openLoopMix());
            }
            out.println(RunInfo.memory() + " (after set-up)");
            out.flush();
            Duration warmUp = Duration.ofSeconds(warmUpSeconds);
            Duration measure = Duration.ofSeconds(measureSeconds);
            Profile jfr = profile ? Profile.start() : null;
            try (ReadBenchmark.Writers writing = bench.startWriters(writers, writeRate)) {
                if (open) {
                    openLoop(bench, writing, ledger.getBean(AuditLag.class), jfr, warmUp, measure, out);
                }
                if (closed) {
                    closedLoop(bench, writing, jfr, warmUp, measure, maxReaders, out);
                }
            } finally {
                if (jfr != null) {
                    jfr.topFrames(15).forEach(out::println);
                    jfr.close();
                }
            }
            out.println(String.format(Locale.ROOT, "audit trail: the slowest streaming processor is %d events behind the "
                    + "ledger's head after the run; %d alert checks waiting", Processors.behind(
                    ledger.getBean(EventProcessingConfiguration.class), dataSource),
                    ledger.getBean(AuditLag.class).pending()));
            out.println(RunInfo.memory() + " (end of run)");
        }
        return CareLedgerCli.OK;
    }

    private static final double P99_GOAL_MILLIS = 50;

    /**
     * The open loop: at each rate of the ladder, the baseline then the subject, same arrivals process; the highest
     * rate at which each kept p99 <= 50 ms over the measured window, and their ratio.
     */
    private void openLoop(ReadBenchmark bench, ReadBenchmark.Writers writing, AuditLag lag, Profile jfr,
                          Duration warmUp, Duration measure, PrintWriter out) throws Exception {
        out.println();
        out.println(String.format(Locale.ROOT, "open loop: Poisson arrivals, %d s warm-up + %d s measured per rate, "
                + "at most %d in flight; latency from scheduled arrival to answer", warmUp.toSeconds(),
                measure.toSeconds(), maxInFlight));
        out.println("| rate/s | workload | achieved/s | p50 ms | p95 ms | p99 ms | max ms | JVM CPU ms/op | DB CPU ms/op "
                + "| audit lag p99 ms | audit lag max ms | writes/s |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        double bestRaw = 0;
        double bestOpen = 0;
        boolean rawDone = false;
        boolean openDone = false;
        ReadBenchmark.OpenResult firstRaw = null;
        ReadBenchmark.OpenResult firstOpen = null;
        for (double rate : rates) {
            if (!rawDone) {
                ReadBenchmark.OpenResult raw = bench.openLoopBaseline(rate, warmUp, measure, maxInFlight, writing);
                printOpen(out, rate, raw, false);
                firstRaw = firstRaw == null ? raw : firstRaw;
                if (raw.p99() <= P99_GOAL_MILLIS) {
                    bestRaw = rate;
                } else {
                    rawDone = true;
                }
            }
            if (!openDone) {
                ReadBenchmark.OpenResult o = bench.openLoopOpens(rate, warmUp, measure, maxInFlight, writing, lag, jfr);
                printOpen(out, rate, o, true);
                firstOpen = firstOpen == null ? o : firstOpen;
                if (o.p99() <= P99_GOAL_MILLIS) {
                    bestOpen = rate;
                } else {
                    openDone = true;
                }
            }
            if (rawDone && openDone) {
                break;
            }
        }
        out.println(String.format(Locale.ROOT, "open loop: highest rate with p99 <= 50 ms: raw %s/s, opens %s/s, "
                + "ratio %s (goal >= 0.50: %s)", rateText(bestRaw, rawDone), rateText(bestOpen, openDone),
                bestRaw == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", bestOpen / bestRaw),
                bestRaw == 0 || !rawDone ? "undecided (raw not saturated on this ladder)"
                        : bestOpen / bestRaw >= 0.5 ? "met" : "NOT met"));
        if (firstRaw != null && firstOpen != null) {
            out.println(String.format(Locale.ROOT, "open loop at the lowest rate (%.0f/s): p50 open %.2f ms vs raw %.2f ms "
                    + "= %.1fx (goal <= 2x: %s)", rates.get(0), firstOpen.p50(), firstRaw.p50(),
                    firstOpen.p50() / firstRaw.p50(), firstOpen.p50() <= 2 * firstRaw.p50() ? "met" : "NOT met"));
        }
        out.flush();
    }

    private static String rateText(double best, boolean saturated) {
        return best == 0 ? "none of the ladder" : String.format(Locale.ROOT, "%.0f%s", best, saturated ? "" : "+");
    }

    private static void printOpen(PrintWriter out, double rate, ReadBenchmark.OpenResult r, boolean audited) {
        out.println(String.format(Locale.ROOT, "| %.0f | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %.1f |",
                rate, r.workload(), r.achievedPerSecond(), r.p50(), r.p95(), r.p99(), r.max(), r.cpuMillisPerOp(),
                r.serverCpuMillisPerOp(),
                audited ? String.format(Locale.ROOT, "%.1f", r.auditLagP99Millis()) : "-",
                audited ? String.format(Locale.ROOT, "%.1f", r.auditLagMaxMillis()) : "-",
                r.writesPerSecond()));
        out.flush();
    }

    /** The closed loop (stress column): readers with no think time, baseline and subject alternating. */
    private void closedLoop(ReadBenchmark bench, ReadBenchmark.Writers writing, Profile jfr, Duration warmUp,
                            Duration measure, int maxReaders, PrintWriter out) throws Exception {
        out.println();
        out.println("closed loop (stress column): GP opens of 200-entry records, readers with no think time");
        out.println("| readers | round | raw SELECT/s | raw p50 ms | raw p99 ms | opens/s | open p50 ms | open p99 ms "
                + "| p99 open/raw | throughput open/raw | writes/s achieved |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        double p99AtMost = Double.NaN;
        for (int r : readers) {
            for (int round = 1; round <= rounds; round++) {
                ReadBenchmark.Result raw = bench.rawSelects(r, warmUp, measure, writing);
                long from = System.currentTimeMillis();
                ReadBenchmark.Result open = bench.opens(r, warmUp, measure, writing);
                if (jfr != null) {
                    jfr.window(from, System.currentTimeMillis());
                }
                out.println(String.format(Locale.ROOT,
                        "| %d | %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.1f | %.2f | %.1f |",
                        r, round, raw.perSecond(), raw.p50Millis(), raw.p99Millis(), open.perSecond(),
                        open.p50Millis(), open.p99Millis(), open.p99Millis() / raw.p99Millis(),
                        open.perSecond() / raw.perSecond(),
                        (raw.writes() + open.writes()) / (raw.seconds() + open.seconds())));
                out.flush();
                if (r == maxReaders) {
                    p99AtMost = Double.isNaN(p99AtMost) ? open.p99Millis() : Math.max(p99AtMost, open.p99Millis());
                }
            }
        }
        out.println(String.format(Locale.ROOT, "closed loop: open p99 at %d readers: worst %.2f ms (the old goal of "
                + "<= 50 ms at 60 readers: %s)", maxReaders, p99AtMost,
                maxReaders != 60 ? "not run at 60 readers" : p99AtMost <= 50 ? "met" : "NOT met"));
        out.flush();
    }

    /** Lets the streaming processors (audit trail, patient index) work off the set-up's backlog before measuring. */
    static void awaitProcessors(ConfigurableApplicationContext ledger, PrintWriter out, int seconds) throws Exception {
        if (seconds == 0) {
            out.println("streaming processors: not waited for (--await-processors 0)");
            return;
        }
        long started = System.nanoTime();
        boolean caughtUp = Processors.awaitCaughtUp(ledger.getBean(EventProcessingConfiguration.class),
                ledger.getBean(DataSource.class), Duration.ofSeconds(seconds));
        out.println(String.format(Locale.ROOT, "streaming processors %s after %.1f s", caughtUp
                ? "caught up with the set-up" : "STILL BEHIND (measuring anyway)", (System.nanoTime() - started) / 1e9));
        out.flush();
    }
}
