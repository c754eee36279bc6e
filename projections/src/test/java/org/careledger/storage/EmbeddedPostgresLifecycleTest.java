package org.careledger.storage;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.LedgerCore;
import org.careledger.directory.OrganisationRegistered;
import org.careledger.shared.OdsCode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded server lives and dies with the application: it stops on SIGTERM; one left running by a JVM killed
 * with {@code kill -9} is stopped at the next start, which then sees the data; one that dies under a running
 * application is started again by the watchdog and the pool reconnects; a data directory whose owner still runs is
 * refused, and its server is left alone.
 */
class EmbeddedPostgresLifecycleTest {

    private final Path dataDir = Path.of("target", "test-pg", "lifecycle-" + UUID.randomUUID()).toAbsolutePath();

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(LedgerCore.class)
                .web(WebApplicationType.NONE)
                .properties("careledger.embedded-db.data-dir=" + dataDir)
                // durable commits (the test build turns them off): a commit acknowledged just before the server is
                // killed must be there after its restart
                .run("--careledger.embedded-db.durable=true");
    }

    /** The ledger core in a child JVM on {@link #dataDir}, once it has registered {@code practice}. */
    private Process startChild(OdsCode practice) throws IOException {
        Files.createDirectories(dataDir.getParent());
        Path ready = dataDir.resolveSibling(dataDir.getFileName() + ".ready");
        Files.deleteIfExists(ready);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx384m");
        for (String property : List.of("ot.epg.working-dir", "careledger.embedded-db.durable")) {
            Optional.ofNullable(System.getProperty(property)).ifPresent(v -> command.add("-D" + property + "=" + v));
        }
        command.add("-DAXONIQ_UPDATE_CHECKER_DISABLED=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LedgerCoreProcess.class.getName());
        command.add(dataDir.toString());
        command.add(practice.value());
        command.add(ready.toString());
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".out").toFile())
                .start();
        await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(ready) || !child.isAlive());
        assertThat(child.isAlive()).as("child JVM started (see %s.out)", dataDir).isTrue();
        return child;
    }

    private ProcessHandle postmaster() {
        return EmbeddedPostgresServer.postmaster(dataDir).orElseThrow();
    }

    @Test
    void aServerLeftByAKilledJvmIsStoppedAtTheNextStartWhichSeesTheData() throws Exception {
        OdsCode practice = OdsCode.of("K83001");
        Process child = startChild(practice);
        ProcessHandle orphan = postmaster();

        child.destroyForcibly().waitFor();
        assertThat(orphan.isAlive()).as("the server outlives a JVM killed with kill -9").isTrue();

        try (ConfigurableApplicationContext second = start()) {
            assertThat(orphan.isAlive()).isFalse();
            EmbeddedPostgresServer server = second.getBean(EmbeddedPostgresServer.class);
            assertThat(server.pid()).isNotEqualTo(orphan.pid());
            assertThat(second.getBean(EventStore.class).readEvents(practice.value(), 0).asStream().toList())
                    .singleElement()
                    .satisfies(e -> assertThat(e.getPayload()).isInstanceOf(OrganisationRegistered.class));
        }
    }

    @Test
    void sigtermStopsTheServer() throws Exception {
        Process child = startChild(OdsCode.of("K83002"));
        ProcessHandle server = postmaster();

        child.destroy();
        assertThat(child.waitFor()).as("exit status after SIGTERM").isEqualTo(143);
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aServerThatDiesIsStartedAgainAndThePoolReconnects() {
        OdsCode before = OdsCode.of("K83003");
        OdsCode after = OdsCode.of("K83004");
        try (ConfigurableApplicationContext context = start()) {
            CommandGateway commands = context.getBean(CommandGateway.class);
            commands.sendAndWait(Fixtures.gpPractice(before, "Before Surgery"));
            EmbeddedPostgresServer server = context.getBean(EmbeddedPostgresServer.class);
            ProcessHandle killed = postmaster();
            int port = server.port();

            killed.destroyForcibly();

            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            // a backend of the killed postmaster can still answer a pooled connection for a moment: wait for the
            // watchdog's new server, then for the data through it
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> server.pid() != killed.pid()
                    && jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                    Integer.class, before.value()) == 1);
            assertThat(server.pid()).isNotEqualTo(killed.pid());
            assertThat(server.port()).isEqualTo(port);
            commands.sendAndWait(Fixtures.gpPractice(after, "After Surgery"));
            assertThat(context.getBean(EventStore.class).readEvents(after.value(), 0).asStream().toList()).hasSize(1);
        }
    }

    @Test
    void theServerIsTheBuildsMajorVersionAndADataDirectoryOfAnotherIsRefusedInOneLine() throws IOException {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("SHOW server_version_num", Integer.class)
                    / 10_000).isEqualTo(EmbeddedPostgresServer.MAJOR_VERSION);
        }
        Files.writeString(dataDir.resolve("PG_VERSION"), "14\n");
        assertThatThrownBy(this::start)
                .rootCause()
                .hasMessageContaining("was made by PostgreSQL 14; this build runs PostgreSQL "
                        + EmbeddedPostgresServer.MAJOR_VERSION);
    }

    @Test
    void aDataDirectoryWhoseOwnerStillRunsIsRefusedAndItsServerLeftAlone() {
        try (ConfigurableApplicationContext owner = start()) {
            ProcessHandle server = postmaster();
            assertThatThrownBy(this::start)
                    .rootCause()
                    .hasMessageContaining("is in use by another running process");
            assertThat(server.isAlive()).isTrue();
            assertThat(owner.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
        }
    }

    @Test
    void theServerIsStartedWhileTheContextIsMadeAndTheBeanIsThatServer() {
        try (ConfigurableApplicationContext context = start()) {
            EmbeddedPostgresServer bean = context.getBean(EmbeddedPostgresServer.class);
            assertThat(context.getBean(EmbeddedPostgresEarlyStart.Started.class).gave(bean)).isTrue();
            assertThat(bean.dataDir()).isEqualTo(dataDir);
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
        }
        assertThat(EmbeddedPostgresServer.postmaster(dataDir)).isEmpty();
    }

    /** The embedded server's properties as the application binds them, for this test's data directory. */
    private EmbeddedDbProperties boundProperties() {
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        java.util.Map.of("careledger.embedded-db.data-dir", dataDir.toString())))
                .bindOrCreate("careledger.embedded-db", EmbeddedDbProperties.class);
    }

    /** A server started as the early start does, waiting to be claimed. */
    private static EmbeddedPostgresEarlyStart.Started startedEarly(EmbeddedDbProperties properties) throws IOException {
        return new EmbeddedPostgresEarlyStart.Started(properties,
                java.util.concurrent.CompletableFuture.completedFuture(EmbeddedPostgresServer.start(properties)));
    }

    @Test
    void aServerStartedEarlyWithOtherPropertiesIsStoppedAndNotGiven() throws IOException {
        EmbeddedDbProperties early = boundProperties();
        EmbeddedDbProperties wanted = new EmbeddedDbProperties(early.dataDir(), early.port(), early.workingDir(),
                early.startupWait(), !early.durable(), early.watchdogInterval());
        EmbeddedPostgresEarlyStart.Started started = startedEarly(early);
        ProcessHandle server = postmaster();
        assertThat(started.claim(wanted)).isNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        assertThat(started.claim(early)).as("claimed once only").isNull();
    }

    @Test
    void aServerStartedEarlyThatNobodyClaimsIsStoppedWithTheContext() throws IOException {
        EmbeddedDbProperties properties = boundProperties();
        EmbeddedPostgresEarlyStart.Started started = startedEarly(properties);
        ProcessHandle server = postmaster();
        started.destroy();
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isAlive());
        // a start that failed leaves nothing to stop, and its failure is the bean's to report
        EmbeddedPostgresEarlyStart.Started failed = new EmbeddedPostgresEarlyStart.Started(properties,
                java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no server (test)")));
        assertThatCode(failed::destroy).doesNotThrowAnyException();
        assertThatThrownBy(() -> new EmbeddedPostgresEarlyStart.Started(properties,
                java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no server (test)")))
                .claim(properties)).isInstanceOf(IllegalStateException.class).hasMessage("no server (test)");
    }
}
