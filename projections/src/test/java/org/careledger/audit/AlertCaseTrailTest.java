package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.ReportUnrecognisedAccess;
import org.careledger.alert.AlertOutcome;
import org.careledger.alert.CloseAlert;
import org.careledger.alert.ReviewAlert;
import org.careledger.audit.trail.AlertStatus;
import org.careledger.audit.trail.AuditGenerations;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.audit.trail.PatientAccessHistory;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.storage.LedgerDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.time.temporal.ChronoUnit.HOURS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.careledger.audit.AuditWorld.IG;

/**
 * IG reviews and closes an alert: the trail files each as a new append-only row, the alert's status follows
 * (OPEN, UNDER_REVIEW, CLOSED with outcome), IG filters by it, and the patient who reported the access sees where
 * the case stands and, once closed, its outcome.
 */
class AlertCaseTrailTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditTrail trail;
    @Autowired
    PatientAccessHistory history;
    @Autowired
    AuditGenerations generations;

    @Test
    void aReportedAccessIsReviewedAndClosedAsNewRowsAndTheOutcomeComesBackToThePatient() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        Actor gp = world.staff("Dr Who Looked", Role.GP, practice, era);
        NhsNumber patient = world.patient(practice, "Reporter", LocalDate.of(1980, 2, 2), era);
        Actor self = Actor.patient(new UserId(UUID.randomUUID()));
        world.read(patient, gp, Basis.REGISTERED, era.plus(9, HOURS), List.of());
        world.awaitTrail(1, "patient = ?", patient.value());
        String access = jdbc.queryForObject("SELECT event_id FROM audit_event WHERE patient = ?", String.class,
                patient.value());

        commands.sendAndWait(new ReportUnrecognisedAccess(patient, access, "Never met them", self,
                era.plus(10, HOURS)));
        AuditPeriod period = new AuditPeriod(era, era.plus(Duration.ofDays(1)));
        await().atMost(Duration.ofSeconds(60)).until(() -> !alertsOfPatient(null, period, patient).isEmpty());
        AuditRecord.Alert raised = alertsOfPatient(null, period, patient).get(0);
        assertThat(raised.kind()).isEqualTo("UNRECOGNISED_ACCESS");
        assertThat(raised.status()).isEqualTo(AlertStatus.OPEN);
        assertThat(raised.outcome()).isNull();
        assertThat(line(self, patient, period, access).reportStatus()).isEqualTo(AlertStatus.OPEN);

        String alert = raised.alertId();
        commands.sendAndWait(new ReviewAlert(alert, "Asked the practice", IG, era.plus(11, HOURS)));
        await().atMost(Duration.ofSeconds(60)).until(() -> trail.alertStatus(alert)
                .equals(Optional.of(AlertStatus.UNDER_REVIEW)));
        assertThat(alertsOfPatient(AlertStatus.UNDER_REVIEW, period, patient)).hasSize(1);
        assertThat(alertsOfPatient(AlertStatus.OPEN, period, patient)).isEmpty();
        assertThat(line(self, patient, period, access).reportStatus()).isEqualTo(AlertStatus.UNDER_REVIEW);

        commands.sendAndWait(new CloseAlert(alert, AlertOutcome.INAPPROPRIATE_ACCESS, "No care role", IG,
                era.plus(12, HOURS)));
        await().atMost(Duration.ofSeconds(60)).until(() -> trail.alertStatus(alert)
                .equals(Optional.of(AlertStatus.CLOSED)));
        AuditRecord.Alert closed = alertsOfPatient(AlertStatus.CLOSED, period, patient).get(0);
        assertThat(closed.outcome()).isEqualTo("INAPPROPRIATE_ACCESS");
        assertThat(closed.closedAt()).isEqualTo(era.plus(12, HOURS));
        assertThat(alertsOfPatient(AlertStatus.UNDER_REVIEW, period, patient)).isEmpty();
        PatientAccessHistory.Access line = line(self, patient, period, access);
        assertThat(line.reported()).isTrue();
        assertThat(line.reportStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(line.reportOutcome()).isEqualTo("INAPPROPRIATE_ACCESS");

        AuditRecord.AlertCase kase = trail.alertCase(IG, alert, period).orElseThrow();
        assertThat(kase.actions()).extracting(AuditRecord.AlertAction::action).containsExactly("REVIEWED", "CLOSED");
        assertThat(kase.actions()).extracting(AuditRecord.AlertAction::note)
                .containsExactly("Asked the practice", "No care role");
        assertThat(trail.alertCase(IG, "MANY_RECORDS:nobody:2025-01-01", period)).isEmpty();
        assertThat(trail.alertStatus("MANY_RECORDS:nobody:2025-01-01")).isEmpty();

        // a closed case is final in the ledger ...
        assertThatThrownBy(() -> commands.sendAndWait(new CloseAlert(alert, AlertOutcome.NO_CONCERN, "again", IG,
                era.plus(13, HOURS)))).isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.ALERT_ALREADY_CLOSED));
        // ... and the case rows, like every audit row, are never changed in place
        String schema = generations.active().schema();
        assertThatThrownBy(() -> jdbc.update("UPDATE %s.ig_alert_review SET outcome = 'NO_CONCERN' WHERE alert_id = ?"
                .formatted(schema), alert)).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM ig_alert_review WHERE alert_id = ?", alert))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("UPDATE ig_alert SET detail = 'x' WHERE alert_id = ?", alert))
                .rootCause().hasMessageContaining("append-only");
    }

    @Test
    void onlyIgOfficersAskForAlertsOrACase() {
        Actor gp = Actor.staff(new UserId(UUID.randomUUID()), Role.GP, OdsCode.of("A81001"));
        AuditPeriod period = new AuditPeriod(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-02T00:00:00Z"));
        assertThatThrownBy(() -> trail.alerts(gp, AlertStatus.OPEN, period, AuditPage.Request.first(10)))
                .isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> trail.alertCase(gp, "MANY_RECORDS:x:2025-01-01", period)).isInstanceOf(Refusal.class);
    }

    private List<AuditRecord.Alert> alertsOfPatient(AlertStatus status, AuditPeriod period, NhsNumber patient) {
        return trail.alerts(IG, status, period, AuditPage.Request.first(AuditPage.MAX_SIZE)).items().stream()
                .filter(a -> patient.value().equals(a.patient())).toList();
    }

    private PatientAccessHistory.Access line(Actor self, NhsNumber patient, AuditPeriod period, String access) {
        return history.of(self, patient, period, AuditPage.Request.first(50)).items().stream()
                .filter(a -> a.eventId().equals(access)).findFirst().orElseThrow();
    }
}
