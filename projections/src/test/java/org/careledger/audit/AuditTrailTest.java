package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.record.AmendEntry;
import org.careledger.record.EntryContent;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.storage.LedgerDatabaseTest;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static java.time.temporal.ChronoUnit.HOURS;
import static java.time.temporal.ChronoUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.audit.AuditWorld.IG;

class AuditTrailTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditTrail trail;

    AuditWorld world;
    Instant era;
    OdsCode practice;
    Actor gp;

    @BeforeEach
    void setUp() {
        world = new AuditWorld(commands, eventStore, jdbc);
        era = AuditWorld.newEra();
        practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        gp = world.staff("Dr Ann Practitioner", Role.GP, practice, era);
    }

    @Test
    void accessesToAPatientArePagedByKeysetWithinThePeriodAndNameEntriesVersionsAndSections() {
        NhsNumber patient = world.patient(practice, "Audited", LocalDate.of(1970, 1, 1), era);
        EntryId note = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plus(1, MINUTES));
        EntryId letter = world.entry(patient, gp, Section.DOCUMENTS, Sensitivity.NORMAL, era.plus(2, MINUTES));
        for (int h = 1; h <= 5; h++) {
            world.read(patient, gp, Basis.REGISTERED, era.plus(h, HOURS),
                    List.of(new DisclosedEntry(note, 1), new DisclosedEntry(letter, 1)));
        }
        Actor stranger = Actor.staff(new org.careledger.shared.UserId(UUID.randomUUID()), Role.PHARMACIST,
                OdsCode.of("FA123"));
        world.refused(patient, stranger, era.plus(6, HOURS));
        world.awaitTrail(6, "patient = ?", patient.value());

        long queriedBefore = world.eventsOfType(AuditTrailQueried.class, patient.value());
        AuditPeriod day = new AuditPeriod(era, era.plus(1, java.time.temporal.ChronoUnit.DAYS));
        List<AuditRecord> all = pages(p -> trail.accessesToPatient(IG, patient, day, p), 2, 3);
        assertThat(all).extracting(AuditRecord::kind)
                .containsExactly("ACCESSED", "ACCESSED", "ACCESSED", "ACCESSED", "ACCESSED", "REFUSED");
        assertThat(all).extracting(AuditRecord::at).isSorted();
        AuditRecord first = all.get(0);
        assertThat(first.user()).isEqualTo(gp.user().value());
        assertThat(first.role()).isEqualTo("GP");
        assertThat(first.organisation()).isEqualTo(practice.value());
        assertThat(first.basis()).isEqualTo("REGISTERED");
        assertThat(first.channel()).isEqualTo("WEB");
        assertThat(first.purpose()).isEqualTo("DIRECT_CARE");
        assertThat(first.policyVersion()).isEqualTo("1");
        assertThat(first.receipt()).containsExactly("registration-" + patient);
        assertThat(first.withheld()).isEqualTo(1);
        assertThat(first.disclosed()).containsExactlyInAnyOrder(
                new AuditRecord.Disclosure(note, 1, Section.CONSULTATIONS),
                new AuditRecord.Disclosure(letter, 1, Section.DOCUMENTS));
        AuditRecord refusal = all.get(5);
        assertThat(refusal.refusalReason()).isEqualTo("NO_BASIS");
        assertThat(refusal.role()).isEqualTo("PHARMACIST");
        // one audited question per page asked
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isEqualTo(queriedBefore + 3);

        // the period bounds the answer: [2h, 4h) holds the reads at 2h and 3h
        AuditPage<AuditRecord> window = trail.accessesToPatient(IG, patient,
                new AuditPeriod(era.plus(2, HOURS), era.plus(4, HOURS)), AuditPage.Request.first(10));
        assertThat(window.items()).extracting(AuditRecord::at).containsExactly(era.plus(2, HOURS), era.plus(3, HOURS));
        assertThat(window.next()).isNull();
    }

    @Test
    void recordsOpenedByAUserAndOnWhatBasis() {
        List<NhsNumber> patients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            NhsNumber patient = world.patient(practice, "Opened", LocalDate.of(1980, 1, 1 + i), era);
            patients.add(patient);
            world.read(patient, gp, i == 2 ? Basis.GRANT : Basis.REGISTERED, era.plus(i + 1, HOURS), List.of());
        }
        world.awaitTrail(3, "user_id = ?", gp.user().value());

        AuditPeriod period = new AuditPeriod(era, era.plus(10, HOURS));
        List<AuditRecord> opened = pages(p -> trail.recordsOpenedBy(IG, gp.user(), period, p), 2, 2);
        assertThat(opened).extracting(AuditRecord::patient).containsExactlyElementsOf(
                patients.stream().map(NhsNumber::value).toList());
        assertThat(opened).extracting(AuditRecord::basis).containsExactly("REGISTERED", "REGISTERED", "GRANT");
        assertThat(opened.get(2).grant()).isNotNull();
        assertThat(world.eventsOfType(AuditTrailQueried.class, gp.user().toString())).isEqualTo(2);

        // IG can ask for one basis only, of a user's reads and of a patient's accesses
        assertThat(trail.recordsOpenedBy(IG, gp.user(), Basis.GRANT, period, AuditPage.Request.first(10)).items())
                .extracting(AuditRecord::patient).containsExactly(patients.get(2).value());
        assertThat(trail.recordsOpenedBy(IG, gp.user(), Basis.REGISTERED, period, AuditPage.Request.first(10)).items())
                .extracting(AuditRecord::patient).containsExactly(patients.get(0).value(), patients.get(1).value());
        assertThat(trail.accessesToPatient(IG, patients.get(2), Basis.REGISTERED, period, AuditPage.Request.first(10))
                .items()).isEmpty();
        assertThat(trail.accessesToPatient(IG, patients.get(2), Basis.GRANT, period, AuditPage.Request.first(10))
                .items()).hasSize(1);
    }

    @Test
    void whoHasEverSeenAnEntryAndWhichVersion() {
        NhsNumber patient = world.patient(practice, "Sensitive", LocalDate.of(1990, 5, 5), era);
        EntryId diagnosis = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plus(1, MINUTES));
        EntryId other = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plus(2, MINUTES));
        Actor nurse = world.staff("Nurse Bee", Role.PRACTICE_NURSE, practice, era);
        world.read(patient, gp, Basis.REGISTERED, era.plus(1, HOURS), List.of(new DisclosedEntry(diagnosis, 1)));
        world.read(patient, nurse, Basis.REGISTERED, era.plus(2, HOURS), List.of(new DisclosedEntry(other, 1)));
        commands.sendAndWait(new AmendEntry(patient, diagnosis, EntryContent.text("amended", LocalDate.of(2031, 1, 1)),
                "correction", gp, era.plus(3, HOURS)));
        world.read(patient, nurse, Basis.REGISTERED, era.plus(4, HOURS),
                List.of(new DisclosedEntry(diagnosis, 2), new DisclosedEntry(other, 1)));
        world.read(patient, gp, Basis.REGISTERED, era.plus(5, HOURS), List.of(new DisclosedEntry(diagnosis, 2)));
        world.awaitTrail(4, "patient = ? AND kind = 'ACCESSED'", patient.value());

        AuditPeriod period = new AuditPeriod(era, era.plus(1, java.time.temporal.ChronoUnit.DAYS));
        List<AuditRecord.EntryReading> readers = pages(p -> trail.readersOfEntry(IG, diagnosis, period, p), 2, 2);
        assertThat(readers).extracting(AuditRecord.EntryReading::user).containsExactly(
                gp.user().value(), nurse.user().value(), gp.user().value());
        assertThat(readers).extracting(AuditRecord.EntryReading::version).containsExactly(1, 2, 2);
        assertThat(readers).extracting(AuditRecord.EntryReading::basis).containsOnly("REGISTERED");

        AuditPage<AuditRecord.EntryReading> late = trail.readersOfEntry(IG, diagnosis,
                new AuditPeriod(era.plus(4, HOURS), era.plus(5, HOURS)), AuditPage.Request.first(5));
        assertThat(late.items()).extracting(AuditRecord.EntryReading::user).containsExactly(nurse.user().value());
    }

    @Test
    void emergencyAccessesListDeclarationsAndEmergencyReads() {
        OdsCode ooh = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUT_OF_HOURS, era);
        Actor doctor = world.staff("Dr Night Owl", Role.OOH_CLINICIAN, ooh, era);
        NhsNumber patient = world.patient(practice, "Emergency", LocalDate.of(1950, 2, 2), era);
        EmergencyAccessId emergency = new EmergencyAccessId(UUID.randomUUID());
        commands.sendAndWait(new DeclareEmergencyAccess(patient, emergency, "unconscious, allergies unknown", doctor,
                era.plus(1, HOURS)));
        world.append(new RecordAccessed(patient, Basis.EMERGENCY, null, emergency, Purpose.EMERGENCY_CARE,
                Channel.WEB, RecordView.CURRENT, "1", List.of(), List.of(), 0, doctor, era.plus(1, HOURS).plusSeconds(30)));
        world.read(patient, gp, Basis.REGISTERED, era.plus(2, HOURS), List.of());
        world.awaitTrail(3, "patient = ?", patient.value());

        List<AuditRecord> emergencies = pages(p -> trail.emergencyAccesses(IG,
                new AuditPeriod(era, era.plus(3, HOURS)), p), 1, 2);
        assertThat(emergencies).extracting(AuditRecord::kind).containsExactly("EMERGENCY_DECLARED", "ACCESSED");
        assertThat(emergencies).extracting(AuditRecord::emergency).containsOnly(emergency.value());
        assertThat(emergencies.get(0).emergencyUntil()).isEqualTo(era.plus(5, HOURS));
    }

    @Test
    void refusalsArePagedAndAlertsAreRaisedFromTheTrail() {
        NhsNumber patient = world.patient(practice, "Practitioner", LocalDate.of(1960, 3, 3), era);
        Actor snoop = Actor.staff(new org.careledger.shared.UserId(UUID.randomUUID()), Role.PHARMACIST,
                OdsCode.of("FB123"));
        for (int i = 1; i <= 3; i++) {
            world.refused(patient, snoop, era.plus(8, HOURS).plus(i, MINUTES)); // Monday morning
        }
        // Saturday 03:00 London: outside working hours; and the GP shares the patient's surname
        world.read(patient, gp, Basis.REGISTERED, era.plus(Duration.ofDays(5)).plus(3, HOURS), List.of());
        world.awaitTrail(4, "patient = ?", patient.value());

        List<AuditRecord> refusals = pages(p -> trail.refusals(IG, new AuditPeriod(era, era.plus(1,
                java.time.temporal.ChronoUnit.DAYS)), p), 1, 3);
        assertThat(refusals).hasSize(3).extracting(AuditRecord::user).containsOnly(snoop.user().value());

        List<AuditRecord.Alert> alerts = pages(p -> trail.alerts(IG, new AuditPeriod(era, era.plus(Duration.ofDays(7))),
                p), 10, 1);
        assertThat(alerts).extracting(AuditRecord.Alert::kind)
                .containsExactlyInAnyOrder("REPEATED_REFUSALS", "OUT_OF_HOURS", "SHARED_SURNAME");
        assertThat(alerts).filteredOn(a -> a.kind().equals("REPEATED_REFUSALS")).singleElement()
                .satisfies(a -> assertThat(a.user()).isEqualTo(snoop.user().value()));
    }

    @Test
    void aUserOpeningUnusuallyManyRecordsInADayRaisesOneAlert() {
        Actor busy = world.staff("Busy Bee", Role.GP, practice, era);
        for (int i = 0; i < 51; i++) {
            world.read(TestData.nhsNumber(), busy, Basis.REGISTERED, era.plus(9, HOURS).plusSeconds(i), List.of());
        }
        world.awaitTrail(51, "user_id = ?", busy.user().value());
        List<AuditRecord.Alert> alerts = trail.alerts(IG, new AuditPeriod(era, era.plus(1,
                java.time.temporal.ChronoUnit.DAYS)), AuditPage.Request.first(50)).items();
        assertThat(alerts).filteredOn(a -> a.kind().equals("MANY_RECORDS")).singleElement()
                .satisfies(a -> assertThat(a.user()).isEqualTo(busy.user().value()));
    }

    @Test
    void onlyIgOfficersQueryTheTrailAndBadPagesAreRefused() {
        NhsNumber patient = world.patient(practice, "Private", LocalDate.of(1970, 1, 1), era);
        AuditPeriod period = new AuditPeriod(era, era.plus(1, HOURS));
        assertThatThrownBy(() -> trail.accessesToPatient(gp, patient, period, AuditPage.Request.first(10)))
                .isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED));
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isZero();
        assertThatThrownBy(() -> AuditPage.Request.first(AuditPage.MAX_SIZE + 1)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> new AuditPeriod(era, era)).isInstanceOf(Refusal.class);
    }

    @Test
    void whenTheAuditEventCannotBeStoredTheQueryFails() throws Exception {
        NhsNumber patient = world.patient(practice, "Unaudited", LocalDate.of(1970, 1, 1), era);
        world.read(patient, gp, Basis.REGISTERED, era.plus(1, HOURS), List.of());
        world.awaitTrail(1, "patient = ?", patient.value());
        AuditPeriod period = new AuditPeriod(era, era.plus(2, HOURS));
        try (AutoCloseable failing = world.failAppendsOf(AuditTrailQueried.class, patient.value())) {
            assertThatThrownBy(() -> trail.accessesToPatient(IG, patient, period, AuditPage.Request.first(10)))
                    .hasStackTraceContaining("audit store unavailable");
        }
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isZero();
        assertThat(trail.accessesToPatient(IG, patient, period, AuditPage.Request.first(10)).items()).hasSize(1);
    }

    @Test
    void withoutElasticsearchTheSearchAnswersFromTheTrailWithAlertsAndIsAuditedFirst() throws Exception {
        NhsNumber patient = world.patient(practice, "Fallback", LocalDate.of(1970, 1, 1), era);
        EntryId note = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plus(1, MINUTES));
        world.read(patient, gp, Basis.REGISTERED, era.plus(9, HOURS), List.of(new DisclosedEntry(note, 1)));
        Actor stranger = Actor.staff(new org.careledger.shared.UserId(UUID.randomUUID()), Role.PHARMACIST,
                OdsCode.of("FA124"));
        for (int i = 0; i < 3; i++) {
            world.refused(patient, stranger, era.plus(10, HOURS).plusSeconds(i));
        }
        world.awaitTrail(4, "patient = ?", patient.value());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM ig_alert WHERE patient = ?", Long.class, patient.value()) == 1);
        String alert = jdbc.queryForObject("SELECT alert_id FROM ig_alert WHERE patient = ?", String.class,
                patient.value());
        world.append(new org.careledger.alert.AlertReviewed(alert, "asked the pharmacy", IG, era.plus(11, HOURS)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM ig_alert_review WHERE alert_id = ?", Long.class, alert) == 1);
        AuditPeriod day = new AuditPeriod(era, era.plus(1, java.time.temporal.ChronoUnit.DAYS));
        AuditSearch.Filter byPatient = new AuditSearch.Filter(null, null, null, patient, null, null, null, null,
                List.of());

        List<AuditSearch.Hit> all = pages(p -> trail.search(IG, byPatient, day, p), 2, 3);
        assertThat(all).extracting(AuditSearch.Hit::kind).containsExactly("ACCESSED", "REFUSED", "REFUSED",
                "REFUSED", "ALERT_RAISED", "ALERT_REVIEWED");
        assertThat(all.get(0).sections()).containsExactly("CONSULTATIONS");
        assertThat(all.get(4).alertKind()).isEqualTo("REPEATED_REFUSALS");
        assertThat(all.get(4).subject()).isEqualTo(all.get(3).id());
        assertThat(all.get(5).alert()).isEqualTo(alert);
        assertThat(all.get(5).user()).isEqualTo(IG.user().value());
        assertThat(trail.search(IG, new AuditSearch.Filter(null, null, null, patient, null, null, null, null,
                AuditSearch.Filter.terms("Consultations GP")), day, AuditPage.Request.first(10)).items())
                .extracting(AuditSearch.Hit::id).containsExactly(all.get(0).id());
        assertThat(trail.search(IG, new AuditSearch.Filter(stranger.user(), Role.PHARMACIST, OdsCode.of("FA124"),
                null, null, Purpose.DIRECT_CARE, Channel.WEB, AuditSearch.Kind.REFUSED, List.of()), day,
                AuditPage.Request.first(10)).items()).hasSize(3);
        // three pages and the text search named the patient; the stranger's search did not
        assertThat(world.eventsOfType(AuditTrailQueried.class, "patient=" + patient.value())).isEqualTo(4);

        assertThatThrownBy(() -> trail.search(gp, byPatient, day, AuditPage.Request.first(10)))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED));
        try (AutoCloseable failing = world.failAppendsOf(AuditTrailQueried.class, "patient=" + patient.value())) {
            assertThatThrownBy(() -> trail.search(IG, byPatient, day, AuditPage.Request.first(10)))
                    .hasStackTraceContaining("audit store unavailable");
        }
        assertThat(world.eventsOfType(AuditTrailQueried.class, "patient=" + patient.value())).isEqualTo(4);
    }

    /** Walks the pages of size {@code size}, checking how many pages there are, and returns every row. */
    private static <T> List<T> pages(Function<AuditPage.Request, AuditPage<T>> query, int size, int expectedPages) {
        List<T> rows = new ArrayList<>();
        AuditPage.Cursor cursor = null;
        int count = 0;
        do {
            AuditPage<T> page = query.apply(new AuditPage.Request(cursor, size));
            assertThat(page.items().size()).isLessThanOrEqualTo(size);
            rows.addAll(page.items());
            cursor = page.next();
            if (cursor != null) {
                assertThat(AuditPage.Cursor.decode(cursor.encode())).isEqualTo(cursor);
            }
            count++;
        } while (cursor != null);
        assertThat(count).as("pages").isEqualTo(expectedPages);
        return rows;
    }
}
