package org.careledger.ops;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.ops.bench.CommandBenchmark;
import org.careledger.ops.bench.Profile;
import org.careledger.ops.bench.RunInfo;
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
 * {@code careledger bench-commands}: command throughput and latency (patient registration + entry recording) against
 * one raw JDBC transaction per command writing the same rows the command writes (event row, registers, sharing state,
 * entry, history and audit rows), at the same concurrency, in the same run, on the same database; with
 * the JVM and database settings and a JDK Flight Recorder profile of the commands. Prints a Markdown table for docs/benchmarks.md. Writes benchmark patients into the ledger it runs on:
 * point it at a scratch database (the default embedded one under ./data/bench).
 */
@Command(name = "bench-commands", mixinStandardHelpOptions = true,
        header = "Benchmark commands against raw transactions of the same rows.",
        description = "Benchmark command throughput/latency against raw JDBC transactions writing the same rows "
                + "(writes to the ledger it runs on).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", split = ",", paramLabel = "T,T,...", defaultValue = "1,4,16",
            description = "Client thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "5", description = "Warm-up per phase (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "20", description = "Measured time per phase (default: ${DEFAULT-VALUE}).")
    int measureSeconds;

    @Option(names = "--rounds", defaultValue = "2", description = "Alternations of baseline and ledger per thread count (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "After the measured rows, a JDK Flight Recorder profile of one more commands phase at the most "
                    + "threads (default: on). Never during the measured rows: the recording slows the commands more than "
                    + "the baseline's plain transactions and would skew the ratios.")
    boolean profile;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (int t : threads) {
            if (t < 1 || t > 64) {
                throw new ParameterException(spec.commandLine(), "--threads must be 1 to 64 each, not " + t);
            }
        }
        if (warmUpSeconds < 0 || measureSeconds < 1 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--warmup >= 0, --measure >= 1, --rounds >= 1");
        }
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench");
        }
        args.add("--spring.datasource.hikari.maximum-pool-size=" + (threads.stream().mapToInt(i -> i).max().orElse(1) * 2 + 2));
        args.add("--careledger.demo.enabled=false");
        PrintWriter out = spec.commandLine().getOut();
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            CommandBenchmark bench = new CommandBenchmark(ledger.getBean(CommandGateway.class),
                    ledger.getBean(DataSource.class), Clock.systemUTC());
            DataSource dataSource = ledger.getBean(DataSource.class);
            bench.prepare();
            bench.prepareSameRows();
            out.println("command: " + CareLedgerCli.asGiven(spec));
            out.println(RunInfo.jvm());
            out.println(RunInfo.database(dataSource));
            out.println(bench.sameRowsDescription());
            Duration warmUp = Duration.ofSeconds(warmUpSeconds);
            Duration measure = Duration.ofSeconds(measureSeconds);
            out.println("| threads | round | same-rows tx/s | tx p50 ms | tx p99 ms | commands/s | cmd p50 ms | cmd p99 ms "
                    + "| ratio commands/same-rows |");
            out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            try {
                for (int t : threads) {
                    for (int round = 1; round <= rounds; round++) {
                        CommandBenchmark.Result raw = bench.sameRows(t, warmUp, measure);
                        CommandBenchmark.Result cmd = bench.commands(t, warmUp, measure);
                        out.println(String.format(Locale.ROOT, "| %d | %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f |",
                                t, round, raw.perSecond(), raw.p50Millis(), raw.p99Millis(),
                                cmd.perSecond(), cmd.p50Millis(), cmd.p99Millis(), cmd.perSecond() / raw.perSecond()));
                        out.flush();
                    }
                }
                if (profile) {
                    int most = threads.stream().mapToInt(i -> i).max().orElse(1);
                    try (Profile jfr = Profile.start()) {
                        long from = System.currentTimeMillis();
                        bench.commands(most, Duration.ZERO, measure);
                        jfr.window(from, System.currentTimeMillis());
                        out.println("JFR profile of one more commands phase (" + most + " threads, not measured above):");
                        jfr.topFrames(15).forEach(out::println);
                    }
                }
            } finally {
                bench.dropSameRows();
            }
            out.println(RunInfo.memory() + " (end of run)");
        }
        return CareLedgerCli.OK;
    }
}
