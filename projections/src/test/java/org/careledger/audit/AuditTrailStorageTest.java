package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.alert.AlertOutcome;
import org.careledger.alert.CloseAlert;
import org.careledger.alert.ReviewAlert;
import org.careledger.audit.trail.AuditGenerations;
import org.careledger.audit.trail.AuditTrailRebuild;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.storage.LedgerDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static java.time.temporal.ChronoUnit.HOURS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The audit tables refuse change, and a rebuild writes a fresh generation equal to the incrementally built one. */
class AuditTrailStorageTest extends LedgerDatabaseTest {

    private static final List<String> TABLES = List.of("audit_event", "audit_entry", "ig_alert",
            "audit_staff", "audit_patient_name", "ig_alert_review");

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditGenerations generations;
    @Autowired
    AuditTrailRebuild rebuild;

    @Test
    void auditRowsAreNeverUpdatedDeletedOrTruncated() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        NhsNumber patient = someAccesses(world);
        String schema = generations.active().schema();
        for (String table : TABLES) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM %s.%s".formatted(schema, table), Long.class))
                    .as(table).isPositive();
            assertThatThrownBy(() -> jdbc.update("UPDATE %s.%s SET global_index = global_index + 1"
                    .formatted(schema, table))).as(table).rootCause().hasMessageContaining("append-only");
            assertThatThrownBy(() -> jdbc.update("DELETE FROM %s.%s".formatted(schema, table)))
                    .as(table).rootCause().hasMessageContaining("append-only");
            assertThatThrownBy(() -> jdbc.execute("TRUNCATE %s.%s".formatted(schema, table)))
                    .as(table).rootCause().hasMessageContaining("append-only");
        }
        // and through the views the queries use
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_event SET role = 'GP' WHERE patient = ?", patient.value()))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_event SET disclosed_entries = NULL WHERE patient = ?",
                patient.value())).rootCause().hasMessageContaining("append-only");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE patient = ?", Long.class,
                patient.value())).isEqualTo(3);
    }

    @Test
    void aRebuildWritesAFreshGenerationEqualToTheIncrementalOneAndSwitchesAtomically() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        NhsNumber patient = someAccesses(world);
        // the trail is written with the events (ADR 10): nothing to wait for
        assertThat(count(generations.active().schema(), "audit_event", patient)).isEqualTo(3);
        AuditGenerations.Generation before = generations.active();

        AuditGenerations.Generation building = rebuild.start();
        assertThat(building.generation()).isGreaterThan(before.generation());
        assertThat(generations.active().generation()).isEqualTo(before.generation()); // old one still answers
        assertThatThrownBy(rebuild::start).isInstanceOf(IllegalStateException.class);
        // a command's first audited event learns its index and both writable generations in one round trip
        String anEvent = jdbc.queryForObject("SELECT event_identifier FROM domain_event_entry ORDER BY global_index "
                + "DESC LIMIT 1", String.class);
        AuditGenerations.IndexAndWritable both = generations.writableAndIndexOf(anEvent);
        assertThat(both.writable()).containsExactly(before.schema(), building.schema())
                .isEqualTo(generations.writable());
        assertThat(both.index()).isEqualTo(jdbc.queryForObject(
                "SELECT global_index FROM domain_event_entry WHERE event_identifier = ?", Long.class, anEvent));
        assertThat(generations.writableAndIndexOf("not-an-event").index()).isNull();
        // an access arriving during the rebuild lands in both generations
        Actor gp = Actor.staff(new org.careledger.shared.UserId(java.util.UUID.randomUUID()), Role.GP,
                OdsCode.of("A81001"));
        world.read(patient, gp, Basis.REGISTERED, AuditWorld.newEra(), List.of());

        await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM %s.audit_event WHERE patient = ?".formatted(building.schema()), Long.class,
                patient.value()) == 4);
        assertThat(count(before.schema(), "audit_event", patient)).isEqualTo(4);
        await().atMost(Duration.ofSeconds(120)).until(rebuild::finishIfCaughtUp);
        AuditGenerations.Generation after = generations.active();
        assertThat(after.generation()).isEqualTo(building.generation());
        assertThat(generations.all()).filteredOn(g -> g.generation() == before.generation()).singleElement()
                .satisfies(g -> assertThat(g.state()).isEqualTo("RETIRED"));

        for (String table : TABLES) {
            long rows = count(before.schema(), table);
            assertThat(count(after.schema(), table)).as(table).isEqualTo(rows);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM (SELECT * FROM %1$s.%3$s EXCEPT SELECT * FROM %2$s.%3$s) d"
                    .formatted(before.schema(), after.schema(), table), Long.class)).as(table).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM (SELECT * FROM %2$s.%3$s EXCEPT SELECT * FROM %1$s.%3$s) d"
                    .formatted(before.schema(), after.schema(), table), Long.class)).as(table).isZero();
        }
        // both generations have the index the alert rules' facts need (V84), and the facts' question uses it: a
        // staff read's cost must not grow with the number of times the record has been read
        for (String schema : List.of(before.schema(), after.schema())) {
            assertThat(jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename = "
                    + "'audit_event'", String.class, schema)).as(schema).contains("audit_event_patient_reads");
            String plan = String.join("\n", jdbc.queryForList("""
                    EXPLAIN SELECT EXISTS (SELECT 1 FROM %s.audit_event WHERE patient = ? AND role = 'PATIENT'
                                             AND user_id = ? AND global_index < ?)""".formatted(schema), String.class,
                    patient.value(), java.util.UUID.randomUUID(), Long.MAX_VALUE));
            assertThat(plan).as(schema).contains("audit_event_patient_reads");
        }
        // the views now read the new generation
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event", Long.class))
                .isEqualTo(count(after.schema(), "audit_event"));
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM information_schema.view_table_usage
                 WHERE view_name = 'audit_event' AND table_schema = ?""", Long.class, after.schema())).isEqualTo(1);
    }

    private long count(String schema, String table, NhsNumber patient) {
        return jdbc.queryForObject("SELECT count(*) FROM %s.%s WHERE patient = ?".formatted(schema, table), Long.class,
                patient.value());
    }

    private long count(String schema, String table) {
        return jdbc.queryForObject("SELECT count(*) FROM %s.%s".formatted(schema, table), Long.class);
    }

    private NhsNumber someAccesses(AuditWorld world) {
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        Actor gp = world.staff("Dr Kept Record", Role.GP, practice, era);
        NhsNumber patient = world.patient(practice, "Record", LocalDate.of(1970, 1, 1), era);
        EntryId entry = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plusSeconds(60));
        world.read(patient, gp, Basis.REGISTERED, era.plus(1, HOURS), List.of(new DisclosedEntry(entry, 1)));
        world.read(patient, gp, Basis.REGISTERED, era.plus(2, HOURS), List.of(new DisclosedEntry(entry, 1)));
        world.refused(patient, Actor.staff(new org.careledger.shared.UserId(java.util.UUID.randomUUID()),
                Role.PHARMACIST, OdsCode.of("FC123")), era.plus(3, HOURS));
        world.awaitTrail(3, "patient = ?", patient.value());
        // an IG case: a review and a closure, each a row of ig_alert_review
        String alert = "MANY_RECORDS:" + gp.user() + ":" + LocalDate.ofInstant(era, java.time.ZoneOffset.UTC);
        commands.sendAndWait(new ReviewAlert(alert, "Checked the rota", AuditWorld.IG, era.plus(4, HOURS)));
        commands.sendAndWait(new CloseAlert(alert, AlertOutcome.NO_CONCERN, "On the rota", AuditWorld.IG,
                era.plus(5, HOURS)));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM ig_alert_review WHERE alert_id = ?", Long.class, alert) == 2);
        return patient;
    }
}
