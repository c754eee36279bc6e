package org.careledger.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Set;

/**
 * The operations command line: {@code careledger <command> [options]}. The application jar
 * ({@code org.careledger.api.CareLedger}) adds the {@code server} command and answers {@code --help},
 * {@code help <command>}, {@code --version} and unknown commands through it without starting anything.
 * Exit codes: 0 done (or nothing to do), 1 the command failed, 2 bad input. Errors are one line on stderr.
 */
@Command(name = "careledger", mixinStandardHelpOptions = true, version = "CareLedger 0.1.0",
        header = "CareLedger: one shared patient record for a health and social care region.",
        synopsisSubcommandLabel = "[COMMAND]",
        description = {"From the jar: java -jar careledger.jar [COMMAND] [OPTIONS].",
                "With no command it runs the server. Spring properties (--key=value) pass",
                "through to the server and to the commands that open the ledger."},
        subcommands = {HelpCommand.class, DemoCommand.class, ReplayCommand.class, BenchCommand.class,
                BenchReadsCommand.class, BenchRebuildCommand.class, BenchLoadCommand.class, BenchVerifyCommand.class,
                BenchSearchCommand.class,
                AuditCheckCommand.class, VerifyCommand.class, CheckProofCommand.class, ImportCommand.class})
public final class CareLedgerCli {

    /** The subcommands this CLI answers. */
    public static final Set<String> COMMANDS = Set.of("demo", "replay", "bench-commands", "bench-reads",
            "bench-rebuild", "bench-load", "bench-verify", "bench-search", "audit-check", "verify", "check-proof", "import");

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    public static boolean handles(String firstArgument) {
        return firstArgument != null && COMMANDS.contains(firstArgument);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The configured command line, writing to the given streams (tests capture them). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CareLedgerCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, args) -> {
            String command = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println(command + ": " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": failed: " + oneLine(ex));
            return FAILED;
        });
        return cli;
    }

    private static final Pattern SPRING_PROPERTY = Pattern.compile("--[a-zA-Z][\\w-]*(\\.[\\w\\[\\]-]+)+=.*");

    /**
     * The arguments a subcommand did not match, checked to be Spring properties ({@code --spring.datasource.url=...})
     * that pass through to the ledger; anything else is bad input.
     */
    public static String[] springArguments(CommandSpec spec, List<String> unmatched) {
        for (String arg : unmatched) {
            if (!SPRING_PROPERTY.matcher(arg).matches()) {
                throw new ParameterException(spec.commandLine(), "unknown option or argument: " + arg);
            }
        }
        return unmatched.toArray(String[]::new);
    }

    /** The command line as given ({@code careledger <command> <args>}), to print beside benchmark figures. */
    public static String asGiven(CommandSpec spec) {
        StringBuilder line = new StringBuilder("careledger");
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            line.append(' ').append(arg.matches("[\\w./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\n', ' ').replace('\r', ' ');
    }
}
