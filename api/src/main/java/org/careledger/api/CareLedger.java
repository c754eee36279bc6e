package org.careledger.api;

import org.careledger.api.bench.BenchHttpCommand;
import org.careledger.ops.CareLedgerCli;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The one executable jar. With no argument, or with only Spring-style {@code --key=value} arguments, it runs the
 * server (the web application), as {@code server} does; {@code --help}, {@code help <command>}, {@code --version}
 * and the ops commands ({@code demo}, {@code replay}, benchmarks; and {@code bench-http}, which needs the web
 * application) go to the command line ({@link CareLedgerCli}),
 * which answers help, version and bad input (an unknown command: exit 2) without starting anything.
 */
public final class CareLedger {

    /** What {@link #dispatch} returns when it started the server (the JVM then keeps running). */
    public static final int SERVING = -1;

    private CareLedger() {
    }

    public static void main(String[] args) {
        // Axon's Spring Boot auto-configuration prints a ten-line advertisement for its hosted console at every start
        System.setProperty("disable-axoniq-console-message", System.getProperty("disable-axoniq-console-message", "true"));
        int code = dispatch(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                serverArgs -> SpringApplication.run(CareLedgerApplication.class, serverArgs));
        if (code != SERVING) {
            System.exit(code);
        }
    }

    /**
     * Runs the server through {@code server} when there is no command, else the command line; returns the exit code,
     * or {@link #SERVING} once {@code server} has been called with the Spring arguments.
     */
    static int dispatch(String[] args, PrintWriter out, PrintWriter err, Consumer<String[]> server) {
        String[] given = args.length == 0 || runsServer(args[0]) ? prepend("server", args) : args;
        ServerCommand serverCommand = new ServerCommand(server);
        CommandLine cli = CareLedgerCli.commandLine(out, err);
        cli.addSubcommand("server", serverCommand);
        cli.addSubcommand("bench-http", new BenchHttpCommand());
        cli.setOut(out); // again: picocli gives the streams only to the subcommands it already has
        cli.setErr(err);
        int code = cli.execute(given);
        return serverCommand.started ? SERVING : code;
    }

    /** A first argument that is a Spring property ({@code --server.port=8080}) or flag, not a command or option. */
    private static boolean runsServer(String first) {
        return first.startsWith("--") && !first.equals("--help") && !first.equals("--version");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            header = "Run the server (the default): API, sign-in, demo region.",
            description = {"What the jar does with no command. Spring properties pass through, e.g.",
                    "--server.port=8080, --careledger.embedded-db.data-dir=./data/postgres,",
                    "--careledger.demo.patients=2000, --spring.datasource.url=jdbc:postgresql://host/db."})
    static final class ServerCommand implements Callable<Integer> {

        private final Consumer<String[]> server;
        boolean started;

        @Unmatched
        List<String> springArguments = new ArrayList<>();

        ServerCommand(Consumer<String[]> server) {
            this.server = server;
        }

        @Override
        public Integer call() {
            server.accept(springArguments.toArray(String[]::new));
            started = true;
            return CareLedgerCli.OK;
        }
    }
}
