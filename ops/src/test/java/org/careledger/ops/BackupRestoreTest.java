package org.careledger.ops;

import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.audit.trail.AuditReconciliation;
import org.careledger.bulk.BulkWriter;
import org.careledger.demo.DemoLoader;
import org.careledger.demo.DemoRegion;
import org.careledger.directory.AssignRole;
import org.careledger.integrity.LedgerChainer;
import org.careledger.integrity.LedgerCheckpoints;
import org.careledger.integrity.LedgerVerification;
import org.careledger.record.RegisterPatient;
import org.careledger.reading.RecordReads;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;
import org.careledger.views.ViewRebuild;
import org.careledger.views.ViewTables;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup runbook of docs/operations.md ("Backup and restore"), exercised: a ledger on its own PostgreSQL server
 * (Debian's PostgreSQL 15, whose pg_dump and pg_restore match it; started by the test in a directory of its own),
 * loaded with demo patients through the bulk path and audited reads, a signed checkpoint; {@code pg_dump -Fc}, a
 * fresh database, {@code pg_restore}; then on the restored database the ledger verifies (chain and checkpoint), the
 * audit trail agrees with the ledger, and the views rebuilt from the restored events equal the original views row for
 * row.
 */
class BackupRestoreTest {

    /** Debian's PostgreSQL 15 binaries (package postgresql-15, installed by .ci/run); another major by property. */
    static final Path BIN = Path.of(System.getProperty("careledger.test.pg-bin", "/usr/lib/postgresql/15/bin"));
    static final int PATIENTS = 30;

    @Test
    void aDumpRestoredIntoAFreshDatabaseVerifiesAndRebuildsTheSameViews() throws Exception {
        Path home = Path.of("target", "test-pg", "backup-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(home);
        Path key = home.resolve("ledger-signing-key.pem");
        Path dump = home.resolve("careledger.dump");
        try (Server server = Server.start(home.resolve("data"))) {
            server.createDatabase("careledger");
            Map<String, List<String>> original;
            long events;
            long audited;
            try (ConfigurableApplicationContext ledger = DemoCommand.bootLedger(server.args("careledger", key))) {
                DemoRegion region = new DemoRegion(DemoRegion.DEFAULT_SEED, PATIENTS);
                new DemoLoader(ledger.getBean(Registers.class), ledger.getBean(BulkWriter.class))
                        .load(region, 2, DemoLoader.Progress.NONE);
                JdbcTemplate jdbc = ledger.getBean(JdbcTemplate.class);
                long trailBefore = jdbc.queryForObject("SELECT count(*) FROM audit_event", Long.class);
                long read = readEveryPatient(ledger, region);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event", Long.class) - trailBefore)
                        .isEqualTo(read);
                AuditReconciliation.Result trail = ledger.getBean(AuditReconciliation.class).check();
                assertThat(trail.consistent()).isTrue();
                audited = trail.ledgerEvents();
                ledger.getBean(LedgerChainer.class).chainAvailable();
                assertThat(ledger.getBean(LedgerChainer.class).unchained()).isZero();
                assertThat(ledger.getBean(LedgerCheckpoints.class).make()).isPresent();
                events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
                original = views(jdbc);
            }
            assertThat(original.get("view_patient")).hasSize(PATIENTS);

            // the runbook's commands
            server.run(BIN.resolve("pg_dump").toString(), "-h", "localhost", "-p", server.port(), "-U", "postgres",
                    "-Fc", "-f", dump.toString(), "careledger");
            server.createDatabase("restored");
            server.run(BIN.resolve("pg_restore").toString(), "-h", "localhost", "-p", server.port(), "-U",
                    "postgres", "--exit-on-error", "-d", "restored", dump.toString());

            try (ConfigurableApplicationContext restored = DemoCommand.bootLedger(server.args("restored", key))) {
                JdbcTemplate jdbc = restored.getBean(JdbcTemplate.class);
                assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo("restored");
                LedgerVerification.Result verified = restored.getBean(LedgerVerification.class).verify();
                assertThat(verified.problem()).isEmpty();
                assertThat(verified.events()).isEqualTo(events);
                assertThat(verified.chained()).isEqualTo(events);
                assertThat(verified.checkpoints()).isEqualTo(1);
                AuditReconciliation.Result trail = restored.getBean(AuditReconciliation.class).check();
                assertThat(trail.consistent()).isTrue();
                assertThat(trail.ledgerEvents()).isEqualTo(audited);

                ViewRebuild.Result rebuilt = restored.getBean(ViewRebuild.class).rebuild(ViewRebuild.Progress.NONE);
                assertThat(rebuilt.swapped()).isTrue();
                assertThat(rebuilt.events()).isEqualTo(events);
                Map<String, List<String>> after = views(jdbc);
                for (String table : ViewTables.TABLES) {
                    assertThat(after.get(table)).as(table).containsExactlyElementsOf(original.get(table));
                }
            }
        }
    }

    /** Every demo patient opened once by a GP of their practice (each read audited). */
    private static long readEveryPatient(ConfigurableApplicationContext ledger, DemoRegion region) {
        Map<String, AssignRole> gpByPractice = new HashMap<>();
        for (Object command : region.directory()) {
            if (command instanceof AssignRole assign && assign.role() == Role.GP) {
                gpByPractice.putIfAbsent(assign.organisation().value(), assign);
            }
        }
        RecordReads reads = ledger.getBean(RecordReads.class);
        long audited = 0;
        var patients = region.patients();
        while (patients.hasNext()) {
            RegisterPatient registration = (RegisterPatient) patients.next().commands().get(0);
            AssignRole gp = gpByPractice.get(registration.registeredPractice().value());
            Reader reader = Reader.staff(gp.user(), Role.GP, gp.organisation(), Set.of());
            assertThat(reads.open(reader, registration.patient(), Purpose.DIRECT_CARE, Channel.API)).isNotNull();
            audited++;
        }
        return audited;
    }

    /** Every row of every view table, as text, sorted. */
    private static Map<String, List<String>> views(JdbcTemplate jdbc) {
        Map<String, List<String>> rows = new HashMap<>();
        for (String table : ViewTables.TABLES) {
            rows.put(table, jdbc.queryForList("SELECT t::text FROM " + table + " t ORDER BY 1", String.class));
        }
        return rows;
    }

    /** A private PostgreSQL server of the Debian binaries, in a user namespace (it refuses to run as root). */
    record Server(Path data, int portNumber) implements AutoCloseable {

        static Server start(Path data) throws Exception {
            assertThat(BIN.resolve("pg_dump")).as("PostgreSQL client and server binaries (apt-get install "
                    + "postgresql-15)").exists();
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Server server = new Server(data, port);
            server.run("unshare", "-U", BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
            server.run("unshare", "-U", BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "120",
                    "-l", data.resolveSibling("postgres.log").toString(), "-o",
                    "-p " + port + " -k " + data.getParent() + " -c listen_addresses=localhost", "start");
            return server;
        }

        String port() {
            return Integer.toString(portNumber);
        }

        String url(String database) {
            return "jdbc:postgresql://localhost:" + portNumber + "/" + database;
        }

        String[] args(String database, Path key) {
            return new String[]{"--spring.datasource.url=" + url(database), "--spring.datasource.username=postgres",
                    "--careledger.demo.enabled=false", "--careledger.integrity.signing-key=" + key,
                    "--careledger.integrity.checkpoint-interval=0s"};
        }

        void createDatabase(String name) throws Exception {
            try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
        }

        void run(String... command) throws IOException, InterruptedException {
            Path log = data.resolveSibling("commands.log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
            assertThat(p.exitValue()).as(command[0] + " " + command[command.length - 1] + " (see " + log + ")")
                    .isZero();
        }

        @Override
        public void close() throws Exception {
            run("unshare", "-U", BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
                    "stop");
        }
    }
}
