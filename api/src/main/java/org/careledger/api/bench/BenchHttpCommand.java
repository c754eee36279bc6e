package org.careledger.api.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.api.CareLedgerApplication;
import org.careledger.api.Commands;
import org.careledger.ops.CareLedgerCli;
import org.careledger.ops.bench.Profile;
import org.careledger.ops.bench.RunInfo;
import org.careledger.reading.RecordReads;
import org.careledger.shared.NhsNumber;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/**
 * {@code careledger bench-http}: the server's HTTP paths against the same operations in process, in one JVM on one
 * database, alternated in blocks (see {@link HttpBenchmark}). Starts the whole web application on a free port
 * (embedded PostgreSQL under ./data/bench-http unless a database is given, the development identity provider and a
 * small demo directory), warms both paths up, then prints a Markdown table for docs/benchmarks.md with the ratios the
 * issue-10 goals name, the JVM and database settings, a JDK Flight Recorder profile of the HTTP blocks, and memory.
 */
@Command(name = "bench-http", mixinStandardHelpOptions = true,
        header = "Benchmark the HTTP API against the same operations in process.",
        description = "Benchmark recording an entry and opening a record over HTTP against the same calls in process, "
                + "and FHIR $everything, in one JVM (writes to the ledger it runs on).")
public final class BenchHttpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", split = ",", paramLabel = "C,C,...", defaultValue = "1,16",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "100",
            description = "Requests per client in each measured block (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "Alternations of the in-process and the HTTP block per row (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2000",
            description = "Unmeasured operations of each kind on each path first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--entries", paramLabel = "N", defaultValue = "200",
            description = "Entries in the record that is opened (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "After the measured rows, a JDK Flight Recorder profile of one more pass over HTTP (default: "
                    + "on). Never during the measured rows: the recording slows the HTTP path far more than the "
                    + "in-process calls and would skew the ratios.")
    boolean profile;

    @Unmatched
    List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (int c : clients) {
            if (c < 1 || c > 64) {
                throw new ParameterException(spec.commandLine(), "--clients must be 1 to 64 each, not " + c);
            }
        }
        if (requests < 1 || rounds < 1 || warmUp < 0 || entries < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--requests >= 1, --rounds >= 1, --warmup >= 0 and --entries >= 1");
        }
        int most = clients.stream().mapToInt(i -> i).max().orElse(1);
        List<String> args = new ArrayList<>(List.of(CareLedgerCli.springArguments(spec, springArgs)));
        defaultTo(args, "--server.port=", "0");
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url=")
                || a.startsWith("--careledger.embedded-db.data-dir="))) {
            args.add("--careledger.embedded-db.data-dir=./data/bench-http");
        }
        defaultTo(args, "--careledger.dev-idp.enabled=", "true");
        defaultTo(args, "--careledger.demo.patients=", "20");
        defaultTo(args, "--spring.datasource.hikari.maximum-pool-size=", Integer.toString(most * 2 + 4));
        defaultTo(args, "--server.tomcat.threads.max=", Integer.toString(Math.max(200, most * 2)));
        PrintWriter out = spec.commandLine().getOut();
        try (ConfigurableApplicationContext server = SpringApplication.run(CareLedgerApplication.class,
                args.toArray(String[]::new))) {
            int port = ((WebServerApplicationContext) server).getWebServer().getPort();
            HttpBenchmark bench = new HttpBenchmark(URI.create("http://127.0.0.1:" + port),
                    server.getBean(Commands.class), server.getBean(RecordReads.class),
                    server.getBean(ObjectMapper.class), 999_100_000L + new SecureRandom().nextInt(800_000));
            bench.signIn(Duration.ofMinutes(5));
            run(bench, server, out);
        }
        return CareLedgerCli.OK;
    }

    private static void defaultTo(List<String> args, String key, String value) {
        if (args.stream().noneMatch(a -> a.startsWith(key))) {
            args.add(key + value);
        }
    }

    private void run(HttpBenchmark bench, ConfigurableApplicationContext server, PrintWriter out) throws Exception {
        out.println("command: " + CareLedgerCli.asGiven(spec));
        out.println(RunInfo.jvm());
        out.println(RunInfo.database(server));
        int most = clients.stream().mapToInt(i -> i).max().orElse(1);
        NhsNumber big = bench.newPatient();
        HttpBenchmark.inProcess(List.of(bench.recordInProcess(big)), entries);
        List<NhsNumber> writers = new ArrayList<>();
        for (int i = 0; i < most; i++) {
            writers.add(bench.newPatient());
        }
        out.println("record opened: " + entries + " entries; writers: one patient per client; " + requests
                + " requests per client per block, " + rounds + " rounds, in-process and HTTP blocks alternated "
                + "(the first of each round alternates too); warm-up: " + warmUp + " of each operation on each path");
        out.flush();

        // warm-up: the JIT compiles both paths' hot code; neither is measured
        NhsNumber warm = bench.newPatient();
        HttpBenchmark.inProcess(List.of(bench.recordInProcess(warm)), warmUp);
        bench.overHttp(List.of(bench.recordOverHttp(warm)), Math.max(1, warmUp));
        HttpBenchmark.inProcess(List.of(bench.openInProcess(big)), warmUp);
        bench.overHttp(List.of(bench.openOverHttp(big)), Math.max(1, warmUp));
        bench.overHttp(List.of(bench.everythingOverHttp(big)), Math.max(1, warmUp / 4));
        bench.overHttp(List.of(bench.whoAmIOverHttp()), Math.max(1, warmUp));
        settle();

        out.println("| operation | clients | in process: ops/s | p50 ms | p95 ms | p99 ms | over HTTP: req/s | p50 ms "
                + "| p95 ms | p99 ms | KB on the wire | HTTP / in-process rate | HTTP / in-process p50 |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int c : clients) {
            compare(out, bench, "record an entry", c, i -> bench.recordInProcess(writers.get(i)),
                    i -> bench.recordOverHttp(writers.get(i)));
        }
        for (int c : clients) {
            compare(out, bench, "open a record (" + entries + " entries)", c, i -> bench.openInProcess(big),
                    i -> bench.openOverHttp(big));
        }
        for (int c : clients) {
            httpOnly(out, bench, "FHIR $everything (" + entries + " entries)", c, bench.everythingOverHttp(big));
        }
        // the floor: what a signed-in request costs over HTTP with no ledger work, measured the same way; an
        // operation's HTTP / in-process rate cannot pass in-process time / (in-process time + this)
        for (int c : clients) {
            httpOnly(out, bench, "`/api/whoami` (HTTP floor)", c, bench.whoAmIOverHttp());
        }

        // the profile is taken in a pass of its own, after the measured rows: the recording's stack traces of every
        // wait of 1 ms or more cost the HTTP path (deep stacks, many thread hand-offs) far more than the in-process
        // calls, and would skew the ratios above (measured: a recorded entry's server time 3.2 ms before the
        // recording started, 8.0 ms with it)
        if (profile) {
            try (Profile jfr = Profile.start()) {
                long from = System.currentTimeMillis();
                bench.overHttp(writers.subList(0, most).stream().map(bench::recordOverHttp).toList(), requests);
                bench.overHttp(Collections.nCopies(most, bench.openOverHttp(big)), requests);
                bench.overHttp(Collections.nCopies(most, bench.everythingOverHttp(big)), requests);
                jfr.window(from, System.currentTimeMillis());
                out.println("JFR profile of one more pass over HTTP (" + most
                        + " clients; record, open, $everything; not measured above):");
                jfr.topFrames(15).forEach(out::println);
            }
        }
        out.println(RunInfo.memory() + " (end of run)");
    }

    private void compare(PrintWriter out, HttpBenchmark bench, String label, int c,
                         IntFunction<HttpBenchmark.Operation> inProcess, IntFunction<HttpBenchmark.Call> overHttp)
            throws Exception {
        HttpBenchmark.Measured local = HttpBenchmark.Measured.empty();
        HttpBenchmark.Measured remote = HttpBenchmark.Measured.empty();
        for (int round = 1; round <= rounds; round++) {
            List<HttpBenchmark.Operation> localOps = new ArrayList<>();
            List<HttpBenchmark.Call> remoteOps = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                localOps.add(inProcess.apply(i));
                remoteOps.add(overHttp.apply(i));
            }
            boolean httpFirst = round % 2 == 0;
            if (httpFirst) {
                remote = remote.plus(bench.overHttp(remoteOps, requests));
            }
            local = local.plus(HttpBenchmark.inProcess(localOps, requests));
            if (!httpFirst) {
                remote = remote.plus(bench.overHttp(remoteOps, requests));
            }
        }
        out.println(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.1f "
                        + "| %.2f | %.2f |", label, c, local.perSecond(), local.millis(50), local.millis(95),
                local.millis(99), remote.perSecond(), remote.millis(50), remote.millis(95), remote.millis(99),
                remote.kilobytes(), remote.perSecond() / local.perSecond(), remote.millis(50) / local.millis(50)));
        out.flush();
    }

    private void httpOnly(PrintWriter out, HttpBenchmark bench, String label, int c, HttpBenchmark.Call call)
            throws Exception {
        HttpBenchmark.Measured all = HttpBenchmark.Measured.empty();
        for (int round = 1; round <= rounds; round++) {
            all = all.plus(bench.overHttp(Collections.nCopies(c, call), requests));
        }
        out.println(String.format(Locale.ROOT, "| %s | %d | | | | | %.0f | %.2f | %.2f | %.2f | %.1f | | |", label, c,
                all.perSecond(), all.millis(50), all.millis(95), all.millis(99), all.kilobytes()));
        out.flush();
    }

    /**
     * Waits (at most a minute) until this JVM's CPU use over a second falls under a quarter of a core: the work the
     * warm-up left behind (the audit trail's alert checks, the ledger's chainer) would otherwise land on the first
     * measured block.
     */
    private static void settle() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < until) {
            long cpu = RunInfo.processCpuNanos();
            long wall = System.nanoTime();
            Thread.sleep(1000);
            double cores = (RunInfo.processCpuNanos() - cpu) / (double) (System.nanoTime() - wall);
            if (cpu < 0 || cores < 0.25) {
                return;
            }
        }
    }
}
