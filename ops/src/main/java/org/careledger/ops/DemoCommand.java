package org.careledger.ops;

import org.careledger.LedgerCore;
import org.careledger.demo.DemoLoader;
import org.careledger.demo.DemoRegion;
import org.careledger.shared.Registers;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger demo}: loads the demo region into the ledger through commands, unless it is already there.
 * Spring properties ({@code --spring.datasource.url=...}) pass through to the ledger.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Load the demo region into the ledger, unless it is there.",
        description = "Load the demo region (organisations, staff, patients and their records) into the ledger.")
final class DemoCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    private int patients = DemoRegion.DEFAULT_PATIENTS;
    private int threads = 4;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed; the same seed gives the same region (default: ${DEFAULT-VALUE}).")
    long seed = DemoRegion.DEFAULT_SEED;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Option(names = "--patients", paramLabel = "N", defaultValue = "2000",
            description = "Patients to generate, 0 to " + DemoRegion.MAX_PATIENTS + " (default: ${DEFAULT-VALUE}).")
    void patients(int value) {
        if (value < 0 || value > DemoRegion.MAX_PATIENTS) {
            throw new ParameterException(spec.commandLine(),
                    "--patients must be 0 to " + DemoRegion.MAX_PATIENTS + ", not " + value);
        }
        patients = value;
    }

    @Option(names = "--threads", paramLabel = "T", defaultValue = "4",
            description = "Patients loaded at once, 1 to 16 (default: ${DEFAULT-VALUE}).")
    void threads(int value) {
        if (value < 1 || value > 16) {
            throw new ParameterException(spec.commandLine(), "--threads must be 1 to 16, not " + value);
        }
        threads = value;
    }

    @Override
    public Integer call() {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConfigurableApplicationContext ledger = bootLedger(springArgs)) {
            DemoLoader loader = new DemoLoader(ledger.getBean(Registers.class),
                    ledger.getBean(org.careledger.bulk.BulkWriter.class));
            if (loader.loaded()) {
                out.println("demo region already loaded (organisation " + DemoRegion.FIRST_ORGANISATION
                        + " is registered): nothing to do");
                return CareLedgerCli.OK;
            }
            TextProgressBar bar = noProgress || patients == 0 ? null : new TextProgressBar(err, "patients");
            DemoRegion region = new DemoRegion(seed, patients, DemoRegion.startBefore(ledger.getBean(Clock.class).instant()));
            DemoLoader.Result result = loader.load(region, threads, bar == null ? DemoLoader.Progress.NONE : bar::update);
            if (bar != null) {
                bar.finish();
            }
            out.println(summary(result));
            return CareLedgerCli.OK;
        }
    }

    static String summary(DemoLoader.Result r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "loaded demo region (seed %d): %d patients, %d commands -> %d events in %.1f s (%.0f events/s)%n",
                r.seed(), r.patients(), r.commands(), r.commands(), r.elapsed().toMillis() / 1000.0,
                r.commandsPerSecond()));
        r.commandsByType().forEach((type, n) -> s.append(String.format(Locale.ROOT, "  %-24s %,10d%n", type, n)));
        return s.toString().stripTrailing();
    }

    /** The ledger without web: LedgerCore on the configured (or embedded) PostgreSQL, quiet logs. */
    static ConfigurableApplicationContext bootLedger(String... springArgs) {
        return new SpringApplicationBuilder(LedgerCore.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("logging.level.root=WARN", "logging.level.org.careledger=WARN",
                        // Axon's handler annotations and duplicate gauges: noise on every start, not the user's concern
                        "logging.level.org.springframework.core.annotation=ERROR",
                        "logging.level.io.micrometer.core.instrument.MeterRegistry=ERROR")
                .run(springArgs);
    }
}
