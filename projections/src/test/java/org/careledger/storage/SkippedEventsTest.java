package org.careledger.storage;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.LedgerCore;
import org.careledger.access.AccessDecision;
import org.careledger.audit.AuditWorld;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.elasticsearch.SearchConfiguration;
import org.careledger.audit.elasticsearch.SearchIndices;
import org.careledger.audit.elasticsearch.SearchProcessors;
import org.careledger.integrity.LedgerChainer;
import org.careledger.integrity.LedgerVerification;
import org.careledger.record.RegisterPatient;
import org.careledger.search.node.ElasticsearchNode;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gap skip (issue 13, ADR 22, AxonFramework issue 4829), against a real Elasticsearch node and the ledger on embedded
 * PostgreSQL. One append (a patient's registration and an audited read of that patient, in one transaction) is held
 * open; a second append opened after it commits only after the gap timeout, so the storage engine, reading its old
 * event, gives up every gap below it, the held append's among them (the mechanism of the Axon issue). The held
 * append commits after that: the subscribing
 * projections (registers, views, patient index, audit trail) have it by construction (ADR 7, ADR 10), the chainer
 * chains it in its place, and the tracking processors (the two search indexes) have skipped it, until the
 * reconciliation finds and delivers it again; health is DOWN in between.
 */
@ExtendWith(ElasticsearchNode.class)
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "careledger.ledger.gap-timeout=10s",
        // the bounds AppendTransactionBounds demands below the gap timeout; the held append lifts its own
        "spring.datasource.hikari.connection-init-sql=SELECT set_config('statement_timeout', '8s', false), "
                + "set_config('idle_in_transaction_session_timeout', '9s', false)",
        // passes are made by the test, so that the state before a repair can be seen
        "careledger.ledger.skip-reconcile-interval=1h",
        "careledger.integrity.chain-interval=50ms"})
class SkippedEventsTest {

    static final Duration GAP_TIMEOUT = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir",
                () -> Path.of("target", "test-pg", "skipped-" + UUID.randomUUID()).toString());
        registry.add(SearchConfiguration.URL, ElasticsearchNode::url);
    }

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    SearchProcessors search;
    @Autowired
    SearchIndices indices;
    @Autowired
    SkippedEventWatch watch;
    @Autowired
    SkippedEventReconciliation reconciliation;
    @Autowired
    LedgerChainer chainer;
    @Autowired
    LedgerVerification verification;
    @Autowired
    MeterRegistry meters;

    @Test
    void anAppendCommittedAfterTheGapTimeoutReachesEveryProjection() throws Exception {
        List<String> streaming = processing.eventProcessors().values().stream()
                .filter(p -> p instanceof StreamingEventProcessor).map(EventProcessor::getName).toList();
        // every tracking processor (the two search processors, and the tests' failure probe) reads through the watch
        assertThat(streaming).containsAll(SearchProcessors.GROUPS);
        assertThat(watch.watched()).containsAll(streaming);

        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        Actor gp = world.staff("Dr Late", Role.GP, practice, era);
        NhsNumber before = world.patient(practice, "Before", LocalDate.of(1960, 1, 1), era);
        await().atMost(Duration.ofSeconds(120)).until(search::caughtUp);

        NhsNumber held = org.careledger.storage.TestData.nhsNumber();
        CompletableFuture<Void> releaseHeld = new CompletableFuture<>();
        CompletableFuture<RecordAccessed> appended = new CompletableFuture<>();
        CompletableFuture<Void> committed = hold(releaseHeld, () -> {
            commands.sendAndWait(new RegisterPatient(held, AuditWorld.demographics("Held", LocalDate.of(1970, 2, 2)),
                    practice, gp, era.plusSeconds(60)));
            appended.complete(world.read(held, gp, AccessDecision.Basis.REGISTERED, era.plusSeconds(61), List.of()));
        });
        RecordAccessed heldRead = appended.get(60, TimeUnit.SECONDS);
        // a second long append, opened after the first
        NhsNumber late = org.careledger.storage.TestData.nhsNumber();
        CompletableFuture<Void> releaseLate = new CompletableFuture<>();
        CompletableFuture<Instant> lateAppended = new CompletableFuture<>();
        CompletableFuture<Void> lateCommitted = hold(releaseLate, () -> {
            lateAppended.complete(Instant.now());
            commands.sendAndWait(new RegisterPatient(late, AuditWorld.demographics("Late", LocalDate.of(1975, 5, 5)),
                    practice, gp, era.plusSeconds(90)));
        });
        Instant lateAt = lateAppended.get(60, TimeUnit.SECONDS);
        // later appends commit at once: the processors receive them and keep the open indexes as gaps
        NhsNumber after = world.patient(practice, "After", LocalDate.of(1980, 3, 3), era.plusSeconds(120));
        RecordAccessed afterRead = world.read(after, gp, AccessDecision.Basis.REGISTERED, era.plusSeconds(121),
                List.of());
        assertThat(heldIndexes(held)).isEmpty();
        await().atMost(Duration.ofSeconds(120)).until(search::caughtUp);

        // the second append commits after the gap timeout: reading its (old) event, the storage engine gives up every
        // gap below it, the first append's among them
        await().atMost(GAP_TIMEOUT.multipliedBy(3)).until(() -> Instant.now().isAfter(lateAt.plus(GAP_TIMEOUT)
                .plusSeconds(1)));
        releaseLate.complete(null);
        lateCommitted.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> search.caughtUp() && SearchProcessors.GROUPS.stream()
                .allMatch(group -> jdbc.queryForObject("SELECT count(*) FROM projection_skipped_event WHERE "
                        + "processor = ? AND found_at IS NULL", Long.class, group) >= 2));
        assertThat(committed).isNotDone();
        // each processor passed the held indexes without receiving them: noted, still uncommitted, nothing missing yet
        assertThat(reconciliation.awaiting()).isGreaterThanOrEqualTo(2);
        assertThat(reconciliation.health().getStatus()).isEqualTo(Status.UP);

        releaseHeld.complete(null);
        committed.get(60, TimeUnit.SECONDS);
        long[] indexes = heldIndexes(held);
        assertThat(indexes).hasSize(2);
        long last = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        assertThat(indexes[1]).isLessThan(last);

        // subscribing projections were written in the appending transaction: they have it
        assertThat(given("SELECT count(*) FROM view_patient WHERE nhs_number = '" + held.value() + "'")).isOne();
        assertThat(given("SELECT count(*) FROM patient WHERE nhs_number = '" + held.value() + "'")).isOne();
        assertThat(given("SELECT count(*) FROM audit_event WHERE event_id = '" + eventId(indexes[1]) + "'"))
                .isOne();
        // the chainer chains it in its place, and the ledger verifies
        await().atMost(Duration.ofSeconds(60)).until(() -> chainer.head() >= last);
        assertThat(given("SELECT count(*) FROM ledger_chain WHERE global_index IN (" + indexes[0] + ", "
                + indexes[1] + ")")).isEqualTo(2);
        assertThat(verification.verify().problem()).isEmpty();

        // the tracking processors are past it and never received it (the skip is real) ...
        appendAndAwaitIndexed(world, practice, gp, era);
        indices.refresh();
        assertThat(patientIndexed(after)).isTrue();
        assertThat(auditIndexed(afterRead, eventId(afterRead))).isTrue();
        assertThat(patientIndexed(held)).isFalse();
        assertThat(auditIndexed(heldRead, eventId(indexes[1]))).isFalse();
        // ... and health says so until the reconciliation has delivered it again
        assertThat(reconciliation.unrepaired()).extracting(SkippedEventReconciliation.Unrepaired::globalIndex)
                .contains(indexes[0], indexes[1]);
        assertThat(reconciliation.health().getStatus()).isEqualTo(Status.DOWN);

        SkippedEventReconciliation.Pass pass = reconciliation.reconcile();
        assertThat(pass.found()).isGreaterThanOrEqualTo(4);
        assertThat(pass.repaired()).isEqualTo(pass.found());
        assertThat(reconciliation.unrepaired()).isEmpty();
        assertThat(reconciliation.health().getStatus()).isEqualTo(Status.UP);
        for (String group : SearchProcessors.GROUPS) {
            assertThat(meters.get("careledger.projections.skipped.found").tag("processor", group).counter().count())
                    .isGreaterThanOrEqualTo(2);
            assertThat(meters.get("careledger.projections.skipped.repaired").tag("processor", group).counter()
                    .count()).isGreaterThanOrEqualTo(2);
        }
        indices.refresh();
        assertThat(patientIndexed(held)).isTrue();
        assertThat(auditIndexed(heldRead, eventId(indexes[1]))).isTrue();
        assertThat(patientIndexed(before)).isTrue();

        // a second pass finds nothing new, and delivering again is idempotent
        assertThat(reconciliation.reconcile()).isEqualTo(new SkippedEventReconciliation.Pass(0, 0, 0));
    }

    /** Runs {@code append} in a transaction of its own on another thread, committed when {@code release} completes. */
    private CompletableFuture<Void> hold(CompletableFuture<Void> release, Runnable append) {
        return CompletableFuture.runAsync(() -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
            // a transaction that outlives the bounds (a long run of statements, or bounds misconfigured)
            jdbc.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
            append.run();
            release.join();
        }));
    }

    /** Appends one more event after the repair point and waits until both processors are past it. */
    private void appendAndAwaitIndexed(AuditWorld world, OdsCode practice, Actor gp, Instant era) {
        world.patient(practice, "Later", LocalDate.of(1990, 4, 4), era.plusSeconds(180));
        await().atMost(Duration.ofSeconds(120)).until(search::caughtUp);
    }

    /** Global indexes of the events naming the patient (the held append's two: empty while it is open). */
    private long[] heldIndexes(NhsNumber held) {
        return jdbc.queryForList("""
                SELECT global_index FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ?
                 ORDER BY global_index""", Long.class, "%" + held.value() + "%").stream().mapToLong(Long::longValue)
                .toArray();
    }

    private long given(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    private String eventId(long globalIndex) {
        return jdbc.queryForObject("SELECT event_identifier FROM domain_event_entry WHERE global_index = ?",
                String.class, globalIndex);
    }

    private String eventId(RecordAccessed read) {
        return jdbc.queryForObject("""
                SELECT event_identifier FROM domain_event_entry WHERE payload_type = ?
                   AND convert_from(payload, 'UTF8') LIKE ? ORDER BY global_index DESC LIMIT 1""", String.class,
                RecordAccessed.class.getName(), "%" + read.patient().value() + "%");
    }

    private boolean patientIndexed(NhsNumber patient) throws Exception {
        return indices.client().exists(e -> e.index(SearchIndices.PATIENTS).id(patient.value())).value();
    }

    private boolean auditIndexed(RecordAccessed read, String eventId) throws Exception {
        return indices.client().exists(e -> e.index(SearchIndices.auditIndex(read.at())).id(eventId)).value();
    }
}
