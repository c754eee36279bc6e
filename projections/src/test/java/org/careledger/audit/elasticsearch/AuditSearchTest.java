package org.careledger.audit.elasticsearch;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.LedgerCore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertOutcome;
import org.careledger.alert.AlertReviewed;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.AuditWorld;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordView;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.audit.trail.AuditSearch.Filter;
import org.careledger.audit.trail.AuditSearch.Hit;
import org.careledger.audit.trail.AuditSearch.Kind;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.search.node.ElasticsearchNode;
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
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
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
import static org.awaitility.Awaitility.await;
import static org.careledger.audit.AuditWorld.IG;

/**
 * Full-text audit search from Elasticsearch (issue 11) against a real node and the real ledger: every kind of audit
 * row is indexed (accesses, exports, refusals, searches, emergencies, and alerts raised, reviewed and closed, a
 * per-day alert raised after commit among them), each filter and the free text select the same rows, in the same
 * pages, as PostgreSQL's answer, and only IG may ask, each question audited before it is answered.
 */
@ExtendWith(ElasticsearchNode.class)
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditSearchTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir",
                () -> Path.of("target", "test-pg", "audit-search-" + UUID.randomUUID()).toString());
        registry.add(SearchConfiguration.URL, ElasticsearchNode::url);
    }

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AuditTrail trail;
    @Autowired
    SearchIndices indices;

    AuditWorld world;
    Instant era;
    AuditPeriod day;
    OdsCode practice;
    Actor gp;
    Actor visitor;
    Actor stranger;
    NhsNumber patient;
    String emergencyAlert;

    @BeforeAll
    void trailOfADay() {
        world = new AuditWorld(commands, eventStore, jdbc);
        era = AuditWorld.newEra();
        day = new AuditPeriod(era, era.plus(1, java.time.temporal.ChronoUnit.DAYS));
        practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        OdsCode clinic = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUTPATIENT_CLINIC, era);
        gp = world.staff("Dr Searcher", Role.GP, practice, era);
        visitor = world.staff("Dr Visitor", Role.GP, clinic, era);
        stranger = Actor.staff(new UserId(UUID.randomUUID()), Role.PHARMACIST, OdsCode.of("FB998"));
        patient = world.patient(practice, "Searched", LocalDate.of(1970, 1, 1), era);
        EntryId note = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plus(1, MINUTES));

        world.read(patient, gp, Basis.REGISTERED, era.plus(9, HOURS), List.of(new DisclosedEntry(note, 1)));
        world.append(new RecordAccessed(patient, Basis.REGISTERED, null, null, Purpose.DIRECT_CARE,
                Channel.FHIR_EXPORT, RecordView.EXPORT, "1", List.of(), List.of(new DisclosedEntry(note, 1)), 0, gp,
                era.plus(10, HOURS)));
        EmergencyAccessId emergency = new EmergencyAccessId(UUID.randomUUID());
        world.append(new EmergencyAccessDeclared(patient, emergency, "unconscious in clinic",
                era.plus(14, HOURS), visitor, era.plus(11, HOURS)));
        world.append(new RecordAccessed(patient, Basis.EMERGENCY, null, emergency, Purpose.EMERGENCY_CARE,
                Channel.WEB, RecordView.CURRENT, "1", List.of(), List.of(), 1, visitor, era.plus(11, HOURS).plusSeconds(30)));
        for (int i = 0; i < 3; i++) {
            world.refused(patient, stranger, era.plus(12, HOURS).plusSeconds(i));
        }
        world.append(new PatientSearched(PatientSearched.SearchKind.NAME_AND_BIRTH, List.of(patient), Channel.WEB,
                gp, era.plus(13, HOURS)));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM ig_alert WHERE patient = ? AND kind IN ('EMERGENCY_ACCESS', 'REPEATED_REFUSALS')",
                Long.class, patient.value()) == 2);
        emergencyAlert = jdbc.queryForObject("SELECT alert_id FROM ig_alert WHERE patient = ? AND kind = "
                + "'EMERGENCY_ACCESS'", String.class, patient.value());
        world.append(new AlertReviewed(emergencyAlert, "called the clinic", IG, era.plus(14, HOURS)));
        world.append(new AlertClosed(emergencyAlert, AlertOutcome.APPROPRIATE_ACCESS_CONFIRMED, "on call", IG,
                era.plus(15, HOURS)));
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(120))
                .untilAsserted(() -> {
                    indices.refresh();
                    assertThat(all(new Filter(null, null, null, patient, null, null, null, null, List.of())))
                            .extracting(Hit::kind).contains("ALERT_CLOSED", "ALERT_REVIEWED")
                            .filteredOn("ALERT_RAISED"::equals).hasSize(2);
                });
    }

    @Test
    void everyAccessRefusalSearchExportEmergencyAndAlertIsInTheIndex() {
        List<Hit> hits = all(Filter.of());
        assertThat(hits).extracting(Hit::kind).containsExactly("ACCESSED", "ACCESSED", "EMERGENCY_DECLARED",
                "ALERT_RAISED", "ACCESSED", "REFUSED", "REFUSED", "REFUSED", "ALERT_RAISED", "SEARCHED",
                "ALERT_REVIEWED", "ALERT_CLOSED");
        Hit export = hits.get(1);
        assertThat(export.channel()).isEqualTo("FHIR_EXPORT");
        assertThat(export.view()).isEqualTo("EXPORT");
        assertThat(export.sections()).containsExactly("CONSULTATIONS");
        Hit raised = hits.get(3);
        assertThat(raised.id()).isEqualTo(emergencyAlert);
        assertThat(raised.alertKind()).isEqualTo("EMERGENCY_ACCESS");
        assertThat(raised.user()).isEqualTo(visitor.user().value());
        assertThat(raised.patient()).isEqualTo(patient.value());
        // placed just after the declaration that raised it
        assertThat(raised.globalIndex()).isEqualTo(hits.get(2).globalIndex());
        Hit perDay = hits.get(8);
        assertThat(perDay.alertKind()).isEqualTo("REPEATED_REFUSALS");
        assertThat(perDay.user()).isEqualTo(stranger.user().value());
        assertThat(perDay.subject()).isEqualTo(hits.get(7).id());
        Hit closed = hits.get(11);
        assertThat(closed.alert()).isEqualTo(emergencyAlert);
        assertThat(closed.alertKind()).isEqualTo("EMERGENCY_ACCESS");
        assertThat(closed.outcome()).isEqualTo("APPROPRIATE_ACCESS_CONFIRMED");
        assertThat(closed.user()).isEqualTo(IG.user().value());
        assertThat(closed.patient()).isEqualTo(patient.value());
        assertThat(hits.get(9).searchKind()).isEqualTo("NAME_AND_BIRTH");
    }

    @Test
    void eachFilterAndTheFreeTextGiveTheSameRowsAndPagesAsPostgres() {
        List<Filter> filters = List.of(Filter.of(),
                new Filter(null, null, null, patient, null, null, null, null, List.of()),
                new Filter(stranger.user(), null, null, null, null, null, null, null, List.of()),
                new Filter(null, Role.PHARMACIST, null, null, null, null, null, null, List.of()),
                new Filter(null, null, practice, null, null, null, null, null, List.of()),
                new Filter(null, null, null, null, Basis.EMERGENCY, null, null, null, List.of()),
                new Filter(null, null, null, null, null, Purpose.EMERGENCY_CARE, null, null, List.of()),
                new Filter(null, null, null, null, null, null, Channel.FHIR_EXPORT, null, List.of()),
                new Filter(null, null, null, null, null, null, null, Kind.ALERT_RAISED, List.of()),
                new Filter(null, null, null, null, null, null, null, null, Filter.terms("consultations")),
                new Filter(null, null, null, null, null, null, null, null, Filter.terms("EMERGENCY_ACCESS")),
                new Filter(null, null, null, null, null, null, null, null, Filter.terms("gp " + practice.value())),
                new Filter(null, null, null, null, null, null, null, null,
                        Filter.terms("appropriate_access_confirmed")),
                new Filter(null, Role.GP, null, patient, Basis.REGISTERED, null, Channel.WEB, Kind.ACCESSED,
                        Filter.terms("current")));
        for (Filter filter : filters) {
            List<Hit> fromIndex = all(filter);
            List<Hit> fromTrail = pages(p -> AuditSearch.fromTrail(jdbc, filter, day, p));
            assertThat(fromIndex).as(filter.describe()).isNotEmpty().isEqualTo(fromTrail);
        }
        assertThat(all(new Filter(null, null, null, null, null, null, null, null, Filter.terms("consultations"))))
                .extracting(Hit::kind).containsExactly("ACCESSED", "ACCESSED");
        assertThat(all(new Filter(null, null, null, null, Basis.EMERGENCY, null, null, null, List.of())))
                .extracting(Hit::kind).containsExactly("EMERGENCY_DECLARED", "ACCESSED");
        assertThat(all(new Filter(null, null, null, null, null, null, null, null, Filter.terms("gp no_such_code"))))
                .isEmpty();
    }

    @Test
    void onlyIgMaySearchEachQuestionIsAuditedFirstAndBadTextIsRefused() throws Exception {
        Filter byPatient = new Filter(null, null, null, patient, null, null, null, null, Filter.terms("refused"));
        assertThatThrownBy(() -> trail.search(gp, byPatient, day, AuditPage.Request.first(10)))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED));
        long before = world.eventsOfType(AuditTrailQueried.class, "patient=" + patient.value() + ";text=refused");
        assertThat(trail.search(IG, byPatient, day, AuditPage.Request.first(10)).items()).hasSize(3);
        assertThat(world.eventsOfType(AuditTrailQueried.class, "patient=" + patient.value() + ";text=refused"))
                .isEqualTo(before + 1);
        assertThat(world.eventsOfType(AuditTrailQueried.class, "AUDIT_SEARCH")).isPositive();
        try (AutoCloseable failing = world.failAppendsOf(AuditTrailQueried.class, "patient=" + patient.value())) {
            assertThatThrownBy(() -> trail.search(IG, byPatient, day, AuditPage.Request.first(10)))
                    .hasStackTraceContaining("audit store unavailable");
        }
        assertThatThrownBy(() -> Filter.terms("name:\"Smith\""))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT));
    }

    private List<Hit> all(Filter filter) {
        return pages(p -> trail.search(IG, filter, day, p));
    }

    /** Every row, walking pages of 2 (so page boundaries fall between an event and the alert it raised). */
    private static List<Hit> pages(Function<AuditPage.Request, AuditPage<Hit>> query) {
        List<Hit> rows = new ArrayList<>();
        AuditPage.Cursor cursor = null;
        do {
            AuditPage<Hit> page = query.apply(new AuditPage.Request(cursor, 2));
            rows.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return rows;
    }
}
