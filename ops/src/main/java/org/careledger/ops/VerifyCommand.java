package org.careledger.ops;

import org.careledger.integrity.CheckpointDocument;
import org.careledger.integrity.LedgerCheckpoints;
import org.careledger.integrity.LedgerChainer;
import org.careledger.integrity.LedgerVerification;
import org.careledger.storage.LedgerJson;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger verify}: recomputes the hash chain from the event table and compares it with the stored chain and
 * the signed checkpoints (ADR 21); exit 1 naming the first event that does not match. Optionally makes a signed
 * checkpoint afterwards and exports every checkpoint as JSON for a third party to keep.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Recompute the ledger's hash chain; exit 1 at a mismatch.")
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", description = "After a clean verification, sign a checkpoint of the chain.")
    boolean checkpoint;

    @Option(names = "--export", paramLabel = "FILE",
            description = "Write every checkpoint (JSON, with its public key and signature) to FILE.")
    Path export;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(springArgs)) {
            ledger.getBean(LedgerChainer.class).chainAvailable();
            LedgerVerification.Result r = ledger.getBean(LedgerVerification.class).verify();
            String summary = String.format(Locale.ROOT,
                    "%d events read up to global index %d, %d compared with the chain, %d checkpoints, in %.1f s "
                            + "(%.0f events/s)", r.events(), r.lastIndex(), r.chained(), r.checkpoints(),
                    r.elapsed().toMillis() / 1000.0, r.eventsPerSecond());
            if (r.problem().isPresent()) {
                err.println("verify: NOT VERIFIED at " + r.problem().get() + "; " + summary);
                return CareLedgerCli.FAILED;
            }
            out.println("verified: " + summary);
            LedgerCheckpoints checkpoints = ledger.getBean(LedgerCheckpoints.class);
            if (checkpoint) {
                checkpoints.make().ifPresent(c -> out.println("signed checkpoint " + c.id() + " up to global index "
                        + c.upToIndex() + " (" + c.treeSize() + " events), key " + c.keyId()));
            }
            if (export != null) {
                List<CheckpointDocument> all = checkpoints.all().stream().map(CheckpointDocument::of).toList();
                LedgerJson.mapper().writerWithDefaultPrettyPrinter().writeValue(export.toFile(), all);
                out.println("exported " + all.size() + " checkpoints to " + export);
            }
            return CareLedgerCli.OK;
        }
    }
}
