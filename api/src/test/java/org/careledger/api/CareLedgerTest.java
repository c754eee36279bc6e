package org.careledger.api;

import org.careledger.ops.CareLedgerCli;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's command line, in-process and without any Spring context: help, version and bad input are answered
 * without starting the server; no argument (or only Spring properties) starts it, as {@code server} does.
 */
class CareLedgerTest {

    private static final List<String> COMMANDS = List.of("help", "demo", "replay", "bench-commands", "bench-reads",
            "bench-rebuild", "bench-load", "bench-verify", "bench-search", "audit-check", "verify",
            "check-proof", "import", "server", "bench-http");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<String[]> serverStarts = new ArrayList<>();

    private int run(String... args) {
        return CareLedger.dispatch(args, new PrintWriter(out, true), new PrintWriter(err, true), serverStarts::add);
    }

    @Test
    void helpListsEveryCommandOnOneLineEachWithoutStartingAnything() {
        assertThat(run("--help")).isZero();
        assertThat(serverStarts).isEmpty();
        assertThat(err.toString()).isEmpty();
        String usage = out.toString();
        List<String> listed = usage.substring(usage.indexOf("Commands:")).lines().skip(1)
                .takeWhile(line -> !line.isBlank()).toList();
        assertThat(listed).hasSameSizeAs(COMMANDS);
        for (int i = 0; i < COMMANDS.size(); i++) {
            assertThat(listed.get(i)).as("one line per command, in order").matches("  " + COMMANDS.get(i) + " {2,}\\S.*");
        }
        assertThat(usage).contains("With no command it runs the server");
    }

    @Test
    void helpForOneCommandShowsItsOptionsWithoutStartingAnything() {
        assertThat(run("help", "demo")).isZero();
        assertThat(out.toString()).contains("Usage: careledger demo", "--patients", "--seed");
        assertThat(run("help", "server")).isZero();
        assertThat(out.toString()).contains("Usage: careledger server");
        assertThat(run("server", "--help")).isZero();
        assertThat(serverStarts).isEmpty();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void versionIsPrintedWithoutStartingAnything() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString().strip()).matches("CareLedger \\d+\\.\\d+\\.\\d+.*");
        assertThat(serverStarts).isEmpty();
    }

    @Test
    void anUnknownCommandIsOneLineOnStderrAndExitTwo() {
        assertThat(run("nonsense")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString()
                .startsWith("careledger: ").contains("nonsense");
        assertThat(out.toString()).isEmpty();
        assertThat(run("help", "nonsense")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(run("-x")).isEqualTo(CareLedgerCli.BAD_INPUT);
        assertThat(serverStarts).isEmpty();
    }

    @Test
    void noArgumentOrOnlySpringPropertiesRunTheServerWithThoseProperties() {
        assertThat(run()).isEqualTo(CareLedger.SERVING);
        assertThat(run("--server.port=18500", "--careledger.demo.patients=5")).isEqualTo(CareLedger.SERVING);
        assertThat(run("server", "--server.port=0")).isEqualTo(CareLedger.SERVING);
        assertThat(serverStarts).hasSize(3);
        assertThat(serverStarts.get(0)).isEmpty();
        assertThat(serverStarts.get(1)).containsExactly("--server.port=18500", "--careledger.demo.patients=5");
        assertThat(serverStarts.get(2)).containsExactly("--server.port=0");
    }
}
