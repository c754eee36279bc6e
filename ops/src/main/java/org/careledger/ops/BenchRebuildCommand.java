package org.careledger.ops;

import org.careledger.demo.DemoLoader;
import org.careledger.demo.DemoRegion;
import org.careledger.ops.bench.LoadBenchmark;
import org.careledger.ops.bench.RebuildBenchmark;
import org.careledger.shared.Registers;
import org.careledger.views.ViewRebuild;
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
 * {@code careledger bench-rebuild}: view rebuild speed (ViewRebuild: events/s replayed into the entries and
 * the sharing state, view rows/s produced) against a raw JDBC batch insert of the same rows into tables of the same
 * definitions, alternating in the same run. Loads the demo region first unless the ledger already holds it. Point it
 * at a scratch database (the default embedded one under ./data/bench-rebuild): the rebuild swaps the live views.
 */
@Command(name = "bench-rebuild", mixinStandardHelpOptions = true,
        header = "Benchmark the view rebuild against a raw batch INSERT.",
        description = "Benchmark the view rebuild against a raw batch INSERT of the same view rows "
                + "(loads the demo region into the ledger it runs on if absent).")
final class BenchRebuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--patients", paramLabel = "N", defaultValue = "2000",
            description = "Demo region patients to load when the ledger holds no demo region, 1 to "
                    + DemoRegion.MAX_PATIENTS + " (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--seed", paramLabel = "S", description = "Demo region seed (default: ${DEFAULT-VALUE}).")
    long seed = DemoRegion.DEFAULT_SEED;

    @Option(names = "--load-threads", paramLabel = "T", defaultValue = "4",
            description = "Patients loaded at once, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int loadThreads;

    @Option(names = "--rounds", defaultValue = "2", description = "Alternations of baseline and rebuild, 1 to 20 (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (patients < 1 || patients > DemoRegion.MAX_PATIENTS) {
            throw new ParameterException(spec.commandLine(), "--patients must be 1 to " + DemoRegion.MAX_PATIENTS + ", not " + patients);
        }
        if (loadThreads < 1 || loadThreads > 16) {
            throw new ParameterException(spec.commandLine(), "--load-threads must be 1 to 16, not " + loadThreads);
        }
        if (rounds < 1 || rounds > 20) {
            throw new ParameterException(spec.commandLine(), "--rounds must be 1 to 20, not " + rounds);
        }
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=") || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-rebuild");
        }
        args.add("--careledger.demo.enabled=false");
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + CareLedgerCli.asGiven(spec));
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(args.toArray(String[]::new))) {
            RebuildBenchmark bench = new RebuildBenchmark(ledger.getBean(DataSource.class), ledger.getBean(ViewRebuild.class));
            out.println("PostgreSQL: " + bench.durabilitySettings());
            DemoLoader loader = new DemoLoader(ledger.getBean(Registers.class),
                    ledger.getBean(org.careledger.bulk.BulkWriter.class));
            if (loader.loaded()) {
                out.println("demo region already in the ledger: not loading (--patients and --seed ignored)");
            } else {
                DemoLoader.Result loaded = loader.load(patients, seed, loadThreads, DemoLoader.Progress.NONE);
                out.println(String.format(Locale.ROOT, "setup: demo region (seed %d, %d patients) loaded: %d commands in %.1f s (%.0f/s, %d threads)",
                        seed, loaded.patients(), loaded.commands(), loaded.elapsed().toMillis() / 1000.0,
                        loaded.commandsPerSecond(), loadThreads));
            }
            BenchReadsCommand.awaitProcessors(ledger, out, 600);
            long loadedRows = bench.loadRows();
            out.println(String.format(Locale.ROOT, "ledger: %d events; live views: %d rows (loaded into memory for the baseline)",
                    bench.ledgerEvents(), loadedRows));
            out.println("| round | events replayed | view rows | rebuild s | rebuild events/s | rebuild rows/s "
                    + "| raw INSERT s | raw rows/s | ratio rebuild/raw rows/s | CPU s rebuild / raw (JVM + server) "
                    + "| ratio raw/rebuild CPU per row |");
            out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            LoadBenchmark cpu = new LoadBenchmark(ledger.getBean(DataSource.class));
            out.flush();
            double worst = Double.MAX_VALUE;
            List<String> stronger = new java.util.ArrayList<>();
            try {
                for (int round = 1; round <= rounds; round++) {
                    LoadBenchmark.Mark rawStart = cpu.mark();
                    RebuildBenchmark.Result raw = bench.rawInserts();
                    LoadBenchmark.Cost rawCost = cpu.since(rawStart);
                    LoadBenchmark.Mark rebuildStart = cpu.mark();
                    RebuildBenchmark.Result rebuilt = bench.rebuild();
                    LoadBenchmark.Cost rebuildCost = cpu.since(rebuildStart);
                    if (rebuilt.rows() != raw.rows()) {
                        out.println("note: the rebuild produced " + rebuilt.rows() + " rows, the baseline inserted "
                                + raw.rows() + " (the ledger changed during the run?)");
                    }
                    out.println(String.format(Locale.ROOT, "| %d | %d | %d | %.2f | %.0f | %.0f | %.2f | %.0f | %.2f "
                                    + "| %.1f / %.1f | %.2f |",
                            round, rebuilt.events(), rebuilt.rows(), rebuilt.took().toMillis() / 1000.0,
                            rebuilt.eventsPerSecond(), rebuilt.rowsPerSecond(), raw.took().toMillis() / 1000.0,
                            raw.rowsPerSecond(), rebuilt.rowsPerSecond() / raw.rowsPerSecond(),
                            rebuildCost.cpuSeconds(), rawCost.cpuSeconds(),
                            (rawCost.cpuSeconds() / raw.rows()) / (rebuildCost.cpuSeconds() / rebuilt.rows())));
                    out.flush();
                    worst = Math.min(worst, rebuilt.rowsPerSecond() / raw.rowsPerSecond());
                    LoadBenchmark.Mark multiStart = cpu.mark();
                    RebuildBenchmark.Result multi = bench.rawInserts(true);
                    LoadBenchmark.Cost multiCost = cpu.since(multiStart);
                    stronger.add(String.format(Locale.ROOT, "| %d | %d | %.2f | %.0f | %.2f | %.1f | %.2f |", round,
                            multi.rows(), multi.took().toMillis() / 1000.0, multi.rowsPerSecond(),
                            rebuilt.rowsPerSecond() / multi.rowsPerSecond(), multiCost.cpuSeconds(),
                            (multiCost.cpuSeconds() / multi.rows()) / (rebuildCost.cpuSeconds() / rebuilt.rows())));
                }
                out.println();
                out.println("stronger baseline, the same rows as multi-row INSERTs of "
                        + RebuildBenchmark.ROWS_PER_STATEMENT + " rows (after each round's rebuild):");
                out.println("| round | rows | raw multi-row s | rows/s | ratio rebuild/multi-row rows/s "
                        + "| CPU s (JVM + server) | ratio multi-row/rebuild CPU per row |");
                out.println("| --- | --- | --- | --- | --- | --- | --- |");
                stronger.forEach(out::println);
            } finally {
                bench.dropRawSchema();
            }
            out.println(String.format(Locale.ROOT, "goal: rebuild view rows/s >= 50 %% of the raw batch INSERT's; "
                    + "worst round %.0f %% (%s)", worst * 100, worst >= 0.5 ? "met" : "NOT met"));
        }
        return CareLedgerCli.OK;
    }
}
