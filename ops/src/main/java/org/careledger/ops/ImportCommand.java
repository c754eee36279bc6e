package org.careledger.ops;

import org.careledger.bulk.BulkWriter;
import org.careledger.migration.FhirImport;
import org.careledger.migration.ImportReport;
import org.careledger.migration.LedgerPatients;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Registers;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger import}: imports FHIR R4 Bundles and bulk NDJSON (files or directories, e.g. Synthea's output)
 * through the bulk write path (docs/migration.md). Progress on stderr (a bar on a terminal, plain lines otherwise),
 * the JSON summary on stdout. Exit 0 when every patient was imported or already present, 1 when any file or
 * patient was rejected (the summary names them), 2 on bad options. Spring properties pass through to the ledger.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Import FHIR R4 Bundles and NDJSON into the ledger.",
        description = "Import FHIR R4 Bundles and bulk NDJSON into the ledger.")
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Bundle (*.json) or NDJSON (*.ndjson) files, or directories of them.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--practice", paramLabel = "ODS",
            description = "Register every patient at this GP practice (default: the patient's ODS-coded generalPractitioner).")
    String practice;

    @Option(names = "--source", paramLabel = "URI", defaultValue = FhirImport.DEFAULT_SOURCE_SYSTEM,
            description = "URI naming the source system; entry ids and provenance derive from it (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--assign-nhs-numbers",
            description = "Give patients without an NHS number a deterministic 999-range test number.")
    boolean assignNhsNumbers;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "50",
            description = "Patients per bulk write, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--no-progress", description = "Do not report progress.")
    boolean noProgress;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new ParameterException(spec.commandLine(), "no such file or directory: " + p);
            }
        }
        OdsCode practiceCode;
        FhirImport.Options options;
        try {
            practiceCode = practice == null ? null : OdsCode.of(practice);
            options = new FhirImport.Options(source, practiceCode, assignNhsNumbers, batch);
        } catch (Refusal r) {
            throw new ParameterException(spec.commandLine(), r.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(springArgs)) {
            if (practiceCode != null && ledger.getBean(Registers.class).organisationType(practiceCode)
                    .filter(t -> t == OrganisationType.GP_PRACTICE).isEmpty()) {
                err.println("import: " + practiceCode + " is not a registered GP practice");
                return CareLedgerCli.BAD_INPUT;
            }
            FhirImport importer = new FhirImport(ledger.getBean(BulkWriter.class),
                    LedgerPatients.of(ledger.getBean(JdbcTemplate.class)), options, ledger.getBean(Clock.class));
            TextProgressBar bar = noProgress ? null : new TextProgressBar(err, "patients");
            boolean terminal = System.console() != null;
            long[] lastLine = {System.nanoTime()};
            FhirImport.Progress progress = bar == null ? FhirImport.Progress.NONE : terminal
                    ? (done, total, events) -> bar.update(done, total, events, "events")
                    : (done, total, events) -> {
                        long now = System.nanoTime();
                        if (now - lastLine[0] >= 5_000_000_000L || done == total) {
                            lastLine[0] = now;
                            err.println(String.format(Locale.ROOT, "import: %,d/%,d patients, %,d events, %s", done,
                                    total, events, bar.rates(done, total, events, "events")));
                        }
                    };
            ImportReport report = importer.run(inputs, progress);
            if (bar != null && terminal) {
                bar.finish();
            }
            out.println(report.toJsonText());
            return report.rejections().isEmpty() ? CareLedgerCli.OK : CareLedgerCli.FAILED;
        }
    }
}
