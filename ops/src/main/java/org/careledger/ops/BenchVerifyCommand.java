package org.careledger.ops;

import org.careledger.demo.DemoLoader;
import org.careledger.integrity.LedgerChainer;
import org.careledger.integrity.LedgerCheckpoints;
import org.careledger.integrity.LedgerVerification;
import org.careledger.ops.bench.LoadBenchmark;
import org.careledger.ops.bench.Profile;
import org.careledger.ops.bench.RunInfo;
import org.careledger.ops.bench.VerifyBenchmark;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger bench-verify}: {@code verify}'s speed (events/s recomputed and compared with the chain) against a
 * plain streamed SELECT of the same columns with no hashing, alternating in the same run, with CPU time (JVM and
 * database server). Fills the ledger it runs on with copies of demo events up to {@code --events} first (the
 * chainer chains them), so point it at a scratch database (the default embedded one under ./data/bench-verify).
 */
@Command(name = "bench-verify", mixinStandardHelpOptions = true,
        header = "Benchmark verify against a plain SELECT.",
        description = "Benchmark verify (events/s) against a plain streamed SELECT of the same columns "
                + "(fills the ledger it runs on with copies of demo events first).")
final class BenchVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
            description = "Events the ledger should hold, 1000 to 100000000 (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--patients", paramLabel = "N", defaultValue = "40",
            description = "Demo patients whose events are copied (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Alternations of baseline and verify, 1 to 20 (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--profile", description = "Record the verify rounds with JDK Flight Recorder; print top frames.")
    boolean profile;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (events < 1000 || events > 100_000_000) {
            throw new ParameterException(spec.commandLine(), "--events must be 1000 to 100000000, not " + events);
        }
        if (rounds < 1 || rounds > 20) {
            throw new ParameterException(spec.commandLine(), "--rounds must be 1 to 20, not " + rounds);
        }
        if (patients < 1 || patients > 1000) {
            throw new ParameterException(spec.commandLine(), "--patients must be 1 to 1000, not " + patients);
        }
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=")
                || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-verify");
        }
        args.add("--careledger.demo.enabled=false");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            DataSource dataSource = ledger.getBean(DataSource.class);
            VerifyBenchmark bench = new VerifyBenchmark(dataSource);
            out.println(RunInfo.jvm());
            out.println("PostgreSQL: " + RunInfo.database(dataSource));
            DemoLoader loader = new DemoLoader(ledger.getBean(Registers.class),
                    ledger.getBean(org.careledger.bulk.BulkWriter.class));
            if (!loader.loaded()) {
                DemoLoader.Result loaded = loader.load(patients, 42, 2, DemoLoader.Progress.NONE);
                out.println(String.format(Locale.ROOT, "setup: demo region (seed 42, %d patients) loaded through the "
                        + "bulk path: %d commands", loaded.patients(), loaded.commands()));
            }
            long started = System.nanoTime();
            long added = bench.fill(events, 100_000);
            LedgerChainer chainer = ledger.getBean(LedgerChainer.class);
            chainer.chainAvailable();
            out.println(String.format(Locale.ROOT, "setup: %d event copies added, chained in %.1f s; ledger: %d events",
                    added, (System.nanoTime() - started) / 1e9, bench.events()));
            // a checkpoint at the head, as the hourly ones leave it: verify then also recomputes the Merkle root
            // over every leaf, and checks the signature
            LedgerCheckpoints checkpoints = ledger.getBean(LedgerCheckpoints.class);
            if (checkpoints.all().stream().noneMatch(c -> c.upToIndex() == chainer.head())) {
                checkpoints.make().ifPresent(c -> out.println("setup: signed checkpoint " + c.id() + " of "
                        + c.treeSize() + " events"));
            }
            out.println("| round | events | plain SELECT s | SELECT events/s | verify s | verify events/s "
                    + "| ratio verify/SELECT | CPU s SELECT (JVM + server) | CPU s verify (JVM + server) |");
            out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            out.flush();
            LoadBenchmark cpu = new LoadBenchmark(dataSource);
            LedgerVerification verification = ledger.getBean(LedgerVerification.class);
            Profile jfr = profile ? Profile.start() : null;
            double worst = Double.MAX_VALUE;
            try {
                for (int round = 1; round <= rounds; round++) {
                    LoadBenchmark.Mark selectStart = cpu.mark();
                    VerifyBenchmark.Read read = bench.plainSelect();
                    LoadBenchmark.Cost selectCost = cpu.since(selectStart);
                    LoadBenchmark.Mark verifyStart = cpu.mark();
                    LedgerVerification.Result verified = verification.verify();
                    LoadBenchmark.Cost verifyCost = cpu.since(verifyStart);
                    if (!verified.verified()) {
                        out.println("verify: NOT VERIFIED at " + verified.problem().orElseThrow());
                        return CareLedgerCli.FAILED;
                    }
                    out.println(String.format(Locale.ROOT, "| %d | %d | %.2f | %.0f | %.2f | %.0f | %.2f "
                                    + "| %.1f + %.1f | %.1f + %.1f |", round, verified.events(),
                            read.took().toMillis() / 1000.0, read.rowsPerSecond(),
                            verified.elapsed().toMillis() / 1000.0, verified.eventsPerSecond(),
                            verified.eventsPerSecond() / read.rowsPerSecond(),
                            selectCost.jvmCpuSeconds(), selectCost.serverCpuSeconds(),
                            verifyCost.jvmCpuSeconds(), verifyCost.serverCpuSeconds()));
                    out.flush();
                    worst = Math.min(worst, verified.eventsPerSecond());
                }
            } finally {
                if (jfr != null) {
                    jfr.topFrames(20).forEach(out::println);
                    jfr.close();
                }
            }
            out.println(String.format(Locale.ROOT, "goal: verify >= 100,000 events/s; slowest round %.0f events/s (%s)",
                    worst, worst >= 100_000 ? "met" : "NOT met"));
            out.println(RunInfo.memory());
        }
        return CareLedgerCli.OK;
    }
}
