package org.careledger.ops;

import org.careledger.audit.elasticsearch.SearchConfiguration;
import org.careledger.audit.elasticsearch.SearchProcessors;
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

    /** What to rebuild: the PostgreSQL views (the default) or the Elasticsearch indices. */
    enum Target { views, elasticsearch }

    @Option(names = "--target", paramLabel = "<target>", defaultValue = "views",
            description = "views (default) or elasticsearch (needs --" + SearchConfiguration.URL + "=...).")
    Target target;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    public ReplayCommand() {
    }

    @Override
    public Integer call() {
        String[] springArgs = CareLedgerCli.springArguments(spec, unmatched);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (target == Target.elasticsearch) {
            if (java.util.Arrays.stream(springArgs).noneMatch(a -> a.startsWith("--" + SearchConfiguration.URL + "="))) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "replay --target elasticsearch needs --" + SearchConfiguration.URL + "=<url>");
            }
            return replayElasticsearch(springArgs, out);
        }
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

    /**
     * Re-indexes the ledger into Elasticsearch: both search processors start again from the first event and this
     * waits until they have caught up. Harmless while the server runs (every document is versioned by global index),
     * but a running server holds the processors' token claims: stop it first, or this waits for the claims.
     */
    private Integer replayElasticsearch(String[] springArgs, PrintWriter out) {
        try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(springArgs)) {
            SearchProcessors processors = ledger.getBean(SearchProcessors.class);
            long started = System.nanoTime();
            processors.replay();
            org.awaitility.Awaitility.await().forever().pollInterval(java.time.Duration.ofMillis(500))
                    .until(processors::caughtUp);
            out.println(String.format(Locale.ROOT, "elasticsearch re-indexed from the ledger in %.1f s",
                    (System.nanoTime() - started) / 1e9));
            return CareLedgerCli.OK;
        }
    }
}
