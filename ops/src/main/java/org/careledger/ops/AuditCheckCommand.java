package org.careledger.ops;

import org.careledger.audit.trail.AuditReconciliation;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code careledger audit-check}: compares the audit trail with the ledger (AuditReconciliation) and exits 1 if they
 * differ, naming the first missing event ids. Spring properties ({@code --spring.datasource.url=...}) pass through.
 */
@Command(name = "audit-check", mixinStandardHelpOptions = true,
        description = "Check the audit trail against the ledger; exit 1 on a gap.")
public final class AuditCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    public AuditCheckCommand() {
    }

    @Override
    public Integer call() {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(springArgs)) {
            AuditReconciliation.Result r = ledger.getBean(AuditReconciliation.class).check();
            String summary = "audit trail up to global index %d: %d audit events in the ledger, %d in the trail, %d missing, %d unexpected"
                    .formatted(r.upTo(), r.ledgerEvents(), r.trailEvents(), r.missing(), r.unexpected());
            if (r.consistent()) {
                out.println(summary);
                return CareLedgerCli.OK;
            }
            err.println(summary + (r.missingIds().isEmpty() ? "" : "; first missing: " + String.join(",", r.missingIds())));
            return CareLedgerCli.FAILED;
        }
    }
}
