package org.careledger.ops;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.careledger.ops.bench.Processors;
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
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-reads");
        }
        int maxReaders = readers.stream().mapToInt(i -> i).max().orElse(1);
        // one connection per reader and per writer, the setup threads, and a few for the tracking processors
        args.add("--spring.datasource.hikari.maximum-pool-size=" + (Math.max(maxReaders, setupThreads) + writers + 6));
        args.add("--careledger.demo.enabled=false");
        // the audit trail's long batches under read load are reported once, as its lag after the table, not as a
        // stack trace a second in the middle of it
        args.add("--logging.level.axon-janitor=ERROR");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            ReadBenchmark bench = new ReadBenchmark(ledger.getBean(CommandGateway.class),
                    ledger.getBean(DataSource.class), ledger.getBean(RecordReads.class), Clock.systemUTC());
            out.println("PostgreSQL: " + bench.durabilitySettings());
            ReadBenchmark.Setup setup = bench.setUp(patients, entries, writers, setupThreads);
            out.println(String.format(Locale.ROOT,
                    "setup: %d patients x %d entries (+ writers' patients) through %d commands in %.1f s (%.0f commands/s, %d threads)",
                    setup.patients(), setup.entriesPerPatient(), setup.commands(), setup.took().toMillis() / 1000.0,
                    setup.commandsPerSecond(), setupThreads));
            awaitProcessors(ledger, out, awaitSeconds);
            int rows = bench.checkRowsPerRead();
            out.println(String.format(Locale.ROOT, "each read: %d role-view rows (GP at the registered practice); "
                    + "writers: %d aiming at %.0f writes/s in total on other patients", rows, writers, writeRate));
            out.flush();
            Duration warmUp = Duration.ofSeconds(warmUpSeconds);
            Duration measure = Duration.ofSeconds(measureSeconds);
            double p99AtMost = Double.NaN;
            try (ReadBenchmark.Writers writing = bench.startWriters(writers, writeRate)) {
                out.println("| readers | round | raw SELECT/s | raw p50 ms | raw p99 ms | opens/s | open p50 ms | open p99 ms "
                        + "| p99 open/raw | throughput open/raw | writes/s achieved |");
                out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                for (int r : readers) {
                    for (int round = 1; round <= rounds; round++) {
                        ReadBenchmark.Result raw = bench.rawSelects(r, warmUp, measure, writing);
                        ReadBenchmark.Result open = bench.opens(r, warmUp, measure, writing);
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
            }
            out.println(String.format(Locale.ROOT, "audit trail: the slowest streaming processor is %d events behind the "
                    + "ledger's head after the run", Processors.behind(ledger.getBean(EventProcessingConfiguration.class),
                    ledger.getBean(DataSource.class))));
            out.println(String.format(Locale.ROOT, "goal: open p99 <= 50 ms at 60 readers; measured at %d readers: "
                    + "worst open p99 %.2f ms (%s)", maxReaders, p99AtMost,
                    maxReaders != 60 ? "not run at 60 readers" : p99AtMost <= 50 ? "met" : "NOT met"));
        }
        return CareLedgerCli.OK;
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
