package org.careledger.storage;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.LedgerCore;
import org.careledger.directory.OrganisationRegistered;
import org.careledger.record.EntryRecorded;
import org.careledger.record.PatientRegistered;
import org.careledger.record.RegistrationTransferred;
import org.careledger.record.TransferRegistration;
import org.careledger.registers.JdbcRegisters;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger survives a restart: events written through commands in one application context are read back intact
 * and in order by a second context on the same PostgreSQL data directory, and the aggregate (restored from a
 * snapshot plus the events after it) still guards its state.
 */
class LedgerRestartTest {

    private final Path dataDir = Path.of("target", "test-pg", "restart-" + UUID.randomUUID());

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(LedgerCore.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "careledger.embedded-db.data-dir=" + dataDir,
                        // snapshot early so that the second context restores PatientRecord from a snapshot
                        "careledger.ledger.snapshot-threshold=3")
                .run();
    }

    @Test
    void eventsWrittenBeforeARestartAreReadBackIntactAndInOrder() {
        OdsCode practice = OdsCode.of("C83001");
        OdsCode receiving = OdsCode.of("C83002");
        NhsNumber patient = TestData.nhsNumber();
        Actor gp = Fixtures.gpAt(practice);
        List<EntryId> entries = new ArrayList<>();

        try (ConfigurableApplicationContext first = start()) {
            CommandGateway commands = first.getBean(CommandGateway.class);
            commands.sendAndWait(Fixtures.gpPractice(practice, "Restart Surgery"));
            commands.sendAndWait(Fixtures.gpPractice(receiving, "Receiving Surgery"));
            commands.sendAndWait(Fixtures.registerPatient(patient, practice));
            for (int i = 0; i < 5; i++) {
                EntryId entry = new EntryId(UUID.randomUUID());
                entries.add(entry);
                commands.sendAndWait(Fixtures.consultationNote(patient, entry, gp, "synthetic note " + i));
            }
        }

        try (ConfigurableApplicationContext second = start()) {
            CommandGateway commands = second.getBean(CommandGateway.class);
            // snapshots are taken on a thread of their own (SnapshotWorker); stopping the first context waited for
            // them. The snapshot is the aggregate's fields as JSON, ids as plain strings
            String snapshot = second.getBean(JdbcTemplate.class).queryForObject("""
                    SELECT convert_from(payload, 'UTF8') FROM snapshot_event_entry
                     WHERE aggregate_identifier = ? ORDER BY sequence_number DESC LIMIT 1""",
                    String.class, patient.value());
            assertThat(snapshot).as("PatientRecord snapshot")
                    .contains("\"patient\":\"" + patient.value() + "\"")
                    .contains("\"registeredPractice\":\"" + practice.value() + "\"");
            // operations: the Prometheus registry is there (actuator exposes it as /actuator/prometheus)
            assertThat(second.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class).scrape())
                    .contains("hikaricp_connections");
            // the aggregate remembers its entries: recording one of them again is refused
            assertThatThrownBy(() -> commands.sendAndWait(
                    Fixtures.consultationNote(patient, entries.get(0), gp, "again")))
                    .isInstanceOf(Refusal.class)
                    .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.ALREADY_EXISTS));
            // the registers survived too, and the aggregate knows where the patient is registered
            assertThat(second.getBean(JdbcRegisters.class).registeredPractice(patient)).contains(practice);
            commands.sendAndWait(new TransferRegistration(patient, receiving, Fixtures.gpAt(receiving),
                    Instant.now()));
            assertThatThrownBy(() -> commands.sendAndWait(new TransferRegistration(patient, receiving,
                    Fixtures.gpAt(receiving), Instant.now())))
                    .isInstanceOf(Refusal.class)
                    .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.CONFLICTING_STATE));

            // readEvents(id) starts from the latest snapshot; from sequence 0 it is the whole history
            EventStore eventStore = second.getBean(EventStore.class);
            assertThat(eventStore.readEvents(patient.value()).asStream().findFirst().orElseThrow().getPayload())
                    .isInstanceOf(org.careledger.record.PatientRecord.class);
            List<? extends DomainEventMessage<?>> events =
                    eventStore.readEvents(patient.value(), 0).asStream().toList();
            assertThat(events).hasSize(7);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).getSequenceNumber()).isEqualTo(i);
                assertThat(events.get(i).getAggregateIdentifier()).isEqualTo(patient.value());
            }
            PatientRegistered registered = (PatientRegistered) events.get(0).getPayload();
            assertThat(registered.patient()).isEqualTo(patient);
            assertThat(registered.registeredPractice()).isEqualTo(practice);
            for (int i = 0; i < entries.size(); i++) {
                EntryRecorded recorded = (EntryRecorded) events.get(i + 1).getPayload();
                assertThat(recorded.entry()).isEqualTo(entries.get(i));
                assertThat(recorded.by()).isEqualTo(gp);
                assertThat(recorded.content().text()).isEqualTo("synthetic note " + i);
            }
            RegistrationTransferred transferred = (RegistrationTransferred) events.get(6).getPayload();
            assertThat(transferred.fromPractice()).isEqualTo(practice);
            assertThat(transferred.toPractice()).isEqualTo(receiving);

            List<? extends DomainEventMessage<?>> organisation =
                    eventStore.readEvents(practice.value(), 0).asStream().toList();
            assertThat(organisation).singleElement()
                    .satisfies(e -> assertThat(e.getPayload()).isInstanceOf(OrganisationRegistered.class));
        }
    }
}
