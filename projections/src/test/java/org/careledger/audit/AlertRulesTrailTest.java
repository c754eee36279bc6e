package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.audit.trail.AuditTrailProjection;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.storage.LedgerDatabaseTest;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.HOURS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.careledger.audit.AuditWorld.IG;

/**
 * The alert rules issue 11 added, raised by the audit trail from real ledger events (the rules themselves are
 * table-tested in the domain's AlertRulesTest): staff opening their own record, a colleague's record, and a day far
 * above the user's own baseline; each with a scenario that must not raise it.
 */
class AlertRulesTrailTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditTrail trail;
    @Autowired
    AuditTrailProjection projection;

    AuditWorld world;
    Instant era;
    OdsCode practice;
    OdsCode clinic;

    @BeforeEach
    void setUp() {
        world = new AuditWorld(commands, eventStore, jdbc);
        era = AuditWorld.newEra();
        practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        clinic = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUTPATIENT_CLINIC, era);
    }

    @Test
    void staffOpeningTheirOwnRecordAndAColleaguesRecordRaiseAlertsButAStrangerAtAnotherOrganisationDoesNot() {
        Actor nurse = world.staff("Nia Nurse", Role.GP, practice, era);
        Actor colleague = world.staff("Cal Colleague", Role.GP, practice, era);
        Actor stranger = world.staff("Sam Stranger", Role.GP, clinic, era);
        NhsNumber nursesRecord = world.patient(practice, "Nurse", LocalDate.of(1980, 1, 1), era);
        Instant tuesday = era.plus(1, DAYS).plus(10, HOURS);

        // the nurse signs in as a patient and reads her own record: that links her user id to her NHS number
        world.read(nursesRecord, Actor.patient(nurse.user()), Basis.SELF, tuesday, List.of());
        world.read(nursesRecord, nurse, Basis.REGISTERED, tuesday.plusSeconds(60), List.of());
        world.read(nursesRecord, colleague, Basis.REGISTERED, tuesday.plusSeconds(120),
                List.of());
        world.read(nursesRecord, stranger, Basis.GRANT, tuesday.plusSeconds(180),
                List.of());
        world.awaitTrail(4, "patient = ?", nursesRecord.value());

        List<AuditRecord.Alert> alerts = alertsOn(tuesday);
        assertThat(alerts).filteredOn(a -> a.kind().equals("OWN_RECORD")).singleElement()
                .satisfies(a -> assertThat(a.user()).isEqualTo(nurse.user().value()));
        assertThat(alerts).filteredOn(a -> a.kind().equals("COLLEAGUE_RECORD")).singleElement()
                .satisfies(a -> assertThat(a.user()).isEqualTo(colleague.user().value()));
        assertThat(alerts).filteredOn(a -> a.user().equals(stranger.user().value())).isEmpty();
        // her own record carries her own surname too
        assertThat(alerts).filteredOn(a -> a.user().equals(nurse.user().value()))
                .extracting(AuditRecord.Alert::kind).containsExactlyInAnyOrder("OWN_RECORD", "SHARED_SURNAME");
    }

    @Test
    void aDayFarAboveTheUsersOwnBaselineRaisesOneAlertAndTheSameDayForANewUserDoesNot() {
        Actor regular = world.staff("Rea Regular", Role.GP, practice, era);
        Actor newcomer = world.staff("Nel Newcomer", Role.GP, practice, era);
        // five quiet working days: one patient a day (an average of 5/30 a day, so the minimum of 20 applies)
        for (int d = 0; d < 5; d++) {
            world.read(TestData.nhsNumber(), regular, Basis.REGISTERED, era.plus(d, DAYS).plus(9, HOURS), List.of());
        }
        Instant busyDay = era.plus(7, DAYS).plus(9, HOURS); // the Monday after
        for (int i = 0; i < 20; i++) {
            world.read(TestData.nhsNumber(), regular, Basis.REGISTERED, busyDay.plusSeconds(i), List.of());
            world.read(TestData.nhsNumber(), newcomer, Basis.REGISTERED, busyDay.plusSeconds(i), List.of());
        }
        world.awaitTrail(25, "user_id = ?", regular.user().value());
        world.awaitTrail(20, "user_id = ?", newcomer.user().value());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(alertsOn(busyDay)).filteredOn(a -> a.kind().equals("ABOVE_BASELINE")).singleElement()
                        .satisfies(a -> assertThat(a.user()).isEqualTo(regular.user().value())));
        projection.awaitAlertChecks();
        assertThat(alertsOn(busyDay)).filteredOn(a -> a.user().equals(newcomer.user().value())).isEmpty();
    }

    private List<AuditRecord.Alert> alertsOn(Instant day) {
        Instant from = day.truncatedTo(DAYS).minus(1, DAYS);
        return trail.alerts(IG, new AuditPeriod(from, from.plus(3, DAYS)), AuditPage.Request.first(100)).items()
                .stream().filter(a -> !a.kind().equals("OUT_OF_HOURS")).toList();
    }
}
