package org.careledger.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.audit.trail.AuditReconciliation;
import org.careledger.integrity.IntegrityConfiguration;
import org.careledger.integrity.LedgerCheckpoints;
import org.careledger.integrity.LedgerVerification;
import org.careledger.integrity.SigningKey;
import org.careledger.storage.EmbeddedPostgresConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash: the real application (the jar's main class, in a child JVM on an embedded PostgreSQL with durable commits)
 * is killed with SIGKILL while writers register patients and record entries and readers open records; then started
 * again, and checked against the client's log of what it acknowledged:
 * <ul>
 *   <li>every acknowledged registration and entry is in the ledger exactly once;</li>
 *   <li>every record read answered 200 has its {@code RecordAccessed} event in the ledger and its row in the audit
 *   trail (at least as many as were answered per patient: a read committed just before the kill is audited but
 *   never answered);</li>
 *   <li>the views hold exactly what the ledger holds for these patients (the registers, the entries, the patient
 *   index), the audit trail has no gap and no extra row ({@code audit-check}'s {@link AuditReconciliation}) and the
 *   hash chain covers and verifies every event ({@code verify}'s {@link LedgerVerification}).</li>
 * </ul>
 * At the end the application is stopped and the real {@code careledger audit-check} and {@code careledger verify}
 * commands must pass on its data directory.
 * <p>
 * Kills: {@code -Dcareledger.crash.kills} (default 3, for CI; {@code ops/crash-test.sh} runs 100), seed
 * {@code -Dcareledger.crash.seed}. Figures go to {@code target/crash-report.txt}.
 */
class CrashUnderLoadTest {

    private static final int KILLS = Integer.getInteger("careledger.crash.kills", 3);
    private static final long SEED = Long.getLong("careledger.crash.seed", 20261202L);
    private static final int WRITERS = 3;
    private static final int READERS = 3;

    private final Path root = Path.of("target", "test-pg", "crash-" + UUID.randomUUID()).toAbsolutePath();
    private final Path dataDir = root.resolve("postgres");
    private final HttpClient http = HttpClient.newHttpClient();
    private Process child;
    private int port;

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroy();
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void killedWithSigkillUnderLoadItLosesNothingAcknowledgedAndConvergesAtEveryRestart() throws Exception {
        Files.createDirectories(root);
        Random random = new Random(SEED);
        LoadClient load = new LoadClient(root.resolve("client.log"), SEED);
        List<Double> readySeconds = new ArrayList<>();
        readySeconds.add(startApplication());
        int kills = 0;
        for (int k = 0; k < KILLS; k++) {
            long before = load.acknowledgedWrites() + load.answeredReads();
            load.start(URI.create("http://127.0.0.1:" + port), token(), WRITERS, READERS);
            // kill at a random moment once the load has made progress in this round
            long wanted = before + 20 + random.nextInt(200);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> load.acknowledgedWrites() + load.answeredReads() >= wanted);
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
            kills++;
            load.stop();
            readySeconds.add(startApplication());
            checkLedger(load, k);
        }
        assertThat(load.unexpected).as("answers other than 2xx or 503 problem+json").isEmpty();

        child.destroy(); // SIGTERM: the data directory is free for the commands
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String auditCheck = command("audit-check");
        String verify = command("verify");

        String figures = String.format(Locale.ROOT,
                "kills %d (seed %d, %d writers, %d readers): %s; time to ready after a kill: min %.1f s, median %.1f s, max %.1f s (first start %.1f s); lost: 0%n%s%n%s%n",
                kills, SEED, WRITERS, READERS, load.summary(),
                readySeconds.subList(1, readySeconds.size()).stream().mapToDouble(d -> d).min().orElse(0),
                median(readySeconds.subList(1, readySeconds.size())),
                readySeconds.subList(1, readySeconds.size()).stream().mapToDouble(d -> d).max().orElse(0),
                readySeconds.get(0), auditCheck.strip(), verify.strip());
        System.out.print(figures);
        Files.writeString(Path.of("target", "crash-report.txt"), figures, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(load.registered).as("the load registered patients").isNotEmpty();
        assertThat(load.entries).as("the load recorded entries").isNotEmpty();
        assertThat(load.answeredReads()).as("the load read records").isPositive();
    }

    /** The ledger, the views, the audit trail and the chain against the client's log, with the application up. */
    private void checkLedger(LoadClient load, int round) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort() + "/postgres", EmbeddedPostgresConfiguration.OWNER_ROLE,
                "");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String[] patients = load.attempted.toArray(String[]::new);
        String at = "after kill " + (round + 1) + ": ";

        Set<String> registered = load.assertLedgerHoldsWhatWasAcknowledged(jdbc, at);
        // the patient index is a tracking processor: it catches up after the restart
        await(at + "patient index").atMost(Duration.ofMinutes(1)).until(() ->
                set(jdbc, "SELECT nhs_number FROM patient_index WHERE nhs_number = ANY (?)", patients)
                        .equals(registered));

        // audit-check: the trail and the ledger agree, no gap, no extra row
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        AuditReconciliation.Result trailCheck = new AuditReconciliation(jdbc, transactions,
                new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class), Duration.ofMinutes(1)).check();
        assertThat(trailCheck.consistent()).as(at + "audit-check: %s", trailCheck).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) - count(DISTINCT event_id) FROM audit_event", Long.class))
                .as(at + "duplicate trail rows").isZero();

        // verify: the chainer catches up with every event, and the chain and checkpoints verify
        SigningKey key = SigningKey.loadOrGenerate(root.resolve("ledger-signing-key.pem"));
        IntegrityConfiguration.Keys keys = new IntegrityConfiguration.Keys(key, List.of(key.publicKey()));
        LedgerVerification verification = new LedgerVerification(dataSource,
                new LedgerCheckpoints(jdbc, transactions, keys, Clock.systemUTC()), keys);
        await(at + "the chain covers every event").atMost(Duration.ofMinutes(1)).until(() -> {
            LedgerVerification.Result r = verification.verify();
            assertThat(r.problem()).as(at + "verify").isEmpty();
            return r.chained() == r.events();
        });
    }

    private static Set<String> set(JdbcTemplate jdbc, String sql, String[] patients) {
        return LoadClient.set(jdbc, sql, patients);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    // ---- the application in a child JVM ----------------------------------------------------------------------

    private List<String> java(String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        Optional.ofNullable(System.getProperty("ot.epg.working-dir")).ifPresent(v -> command.add("-Dot.epg.working-dir=" + v));
        command.add("-DAXONIQ_UPDATE_CHECKER_DISABLED=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /** Starts the application (the jar's main class) and waits until it is ready; the seconds that took. */
    private double startApplication() throws IOException {
        if (port == 0) {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        }
        List<String> command = java("org.careledger.api.CareLedger");
        command.addAll(List.of("--server.port=" + port, "--careledger.embedded-db.data-dir=" + dataDir,
                // durable commits (the test build turns them off): an acknowledged write must survive the kill
                "--careledger.embedded-db.durable=true", "--careledger.dev-idp.enabled=true",
                "--careledger.demo.patients=1", "--careledger.demo.threads=1"));
        long started = System.nanoTime();
        child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("application.out").toFile())).start();
        Process starting = child;
        await("application ready (see " + root.resolve("application.out") + ")").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !starting.isAlive() || status("/actuator/health/readiness") == 200);
        assertThat(starting.isAlive()).as("application running (see %s)", root.resolve("application.out")).isTrue();
        return (System.nanoTime() - started) / 1e9;
    }

    /** Runs a command of the jar on the data directory (the application stopped); its output; asserts exit 0. */
    private String command(String name) throws IOException, InterruptedException {
        List<String> command = java("org.careledger.api.CareLedger");
        command.addAll(List.of(name, "--careledger.embedded-db.data-dir=" + dataDir));
        Path out = root.resolve(name + ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(name + ": " + output).isZero();
        return output.lines().filter(l -> l.startsWith("verified:") || l.startsWith("audit trail up to"))
                .findFirst().orElse(name + ": exit 0");
    }

    /** The embedded server's port, from its {@code postmaster.pid} (fourth line). */
    private int postgresPort() {
        try {
            return Integer.parseInt(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(3).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A real signed token of the first GP of the directory (the development identity provider). */
    private String token() throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString("careledger-script:demo-script-secret"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as=gp")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body()).get("access_token").asText();
    }
}
