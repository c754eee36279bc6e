package org.careledger.ops;

import org.careledger.views.ViewRebuild;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code careledger replay}: rebuilds the sharing state and every role view from the ledger and swaps them in
 * atomically (ViewRebuild). Run it after activating a policy version. Spring properties
 * ({@code --spring.datasource.url=...}) pass through to the ledger.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Rebuild the sharing state and the role views from the ledger.",
        description = "Rebuild the sharing state and the role views from the ledger, then swap them in.")
public final class ReplayCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    public ReplayCommand() {
    }

    @Override
    public Integer call() {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(springArgs)) {
            TextProgressBar bar = noProgress ? null : new TextProgressBar(err, "events");
            ViewRebuild.Result result = ledger.getBean(ViewRebuild.class).rebuild(bar == null
                    ? ViewRebuild.Progress.NONE
                    : (done, total) -> bar.update(Math.toIntExact(Math.min(done, Integer.MAX_VALUE)),
                    Math.toIntExact(Math.min(Math.max(total, 1), Integer.MAX_VALUE))));
            if (bar != null) {
                bar.finish();
            }
            out.println(String.format(Locale.ROOT, "views rebuilt from %d events in %.1f s", result.applied(),
                    result.took().toMillis() / 1000.0));
            return CareLedgerCli.OK;
        }
    }
}
