package org.careledger.audit.elasticsearch;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.LedgerCore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.audit.AuditWorld;
import org.careledger.audit.Channel;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.search.PatientSearch;
import org.careledger.audit.trail.AuditCounts;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.record.Address;
import org.careledger.record.Demographics;
import org.careledger.record.RegisterPatient;
import org.careledger.record.UpdateDemographics;
import org.careledger.search.node.ElasticsearchNode;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.storage.TestData;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.time.temporal.ChronoUnit.HOURS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Search with Elasticsearch configured, against a real node started from Maven Central jars (one per test JVM,
 * {@link ElasticsearchNode}) and the real ledger on embedded PostgreSQL: the relevance fixture (misspelt, transposed,
 * partial, hyphenated, former names, a postcode without its space), what a search may reveal, how it is audited,
 * and the audit trail's documents: versioned by global index, monthly indices, replayable.
 */
@ExtendWith(ElasticsearchNode.class)
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchSearchTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir",
                () -> Path.of("target", "test-pg", "search-" + UUID.randomUUID()).toString());
        registry.add(SearchConfiguration.URL, ElasticsearchNode::url);
    }

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PatientSearch search;
    @Autowired
    SearchIndices indices;
    @Autowired
    SearchProcessors processors;
    @Autowired
    MeterRegistry meters;
    @Autowired
    AuditTrail trail;

    AuditWorld world;
    Instant era;
    OdsCode practice;
    Actor gp;
    NhsNumber jonathanSmith;
    NhsNumber johnSmyth;
    NhsNumber joanSmith;
    NhsNumber jonSmithers;
    NhsNumber marySmithJones;
    NhsNumber annaLedger;
    NhsNumber peterOwen;

    @BeforeAll
    void region() {
        world = new AuditWorld(commands, eventStore, jdbc);
        era = AuditWorld.newEra();
        practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        gp = world.staff("Dr Finder", Role.GP, practice, era);
        jonathanSmith = patient("Jonathan", "Smith", "1970-05-01", "LS1 1AB");
        johnSmyth = patient("John", "Smyth", "1970-08-08", "LS6 2CD");
        joanSmith = patient("Joan", "Smith", "1985-05-01", "LS1 1AB");
        jonSmithers = patient("Jon", "Smithers", "1971-01-01", "YO1 7HH");
        marySmithJones = patient("Mary", "Smith-Jones", "1981-04-03", "M1 2AB");
        annaLedger = patient("Anna", "Former", "1990-02-02", "BD1 1AA");
        commands.sendAndWait(new UpdateDemographics(annaLedger, demographics("Anna", "Ledger", "1990-02-02",
                "HX1 1AA"), gp, era.plusSeconds(60)));
        peterOwen = patient("Peter", "Owen", "1955-12-24", "CF10 1AA");
        world.entry(peterOwen, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, era.plusSeconds(120));
        awaitIndexed();
    }

    @Test
    void misspeltTransposedPartialHyphenatedAndFormerNamesFindTheRightPatientInTheTopThree() {
        assertThat(top3("Jon Smyth 1970")).contains(johnSmyth, jonathanSmith).doesNotContain(joanSmith);
        assertThat(top3("Smtih Jonathan 1970")).first().isEqualTo(jonathanSmith);
        assertThat(top3("jonath smith 01/05/1970")).first().isEqualTo(jonathanSmith);
        assertThat(top3("smith jones m12ab")).first().isEqualTo(marySmithJones);
        assertThat(top3("Mary Smith-Jones 1981")).first().isEqualTo(marySmithJones);
        assertThat(top3("Smithers YO17HH")).first().isEqualTo(jonSmithers);
        assertThat(top3("Anna Former 1990")).first().isEqualTo(annaLedger);
        assertThat(top3("anna ledger bd11aa")).first().isEqualTo(annaLedger);
        assertThat(top3("Joan Smith LS1 1AB")).first().isEqualTo(joanSmith);
    }

    @Test
    void aSearchRevealsDemographicsOnlyNeedsMoreThanANameAndFindsNobodyWhenTheFactsDoNotMatch() {
        // a name that matches, with a birth year and a postcode that do not: nobody, not "someone with that name"
        assertThat(search.byDemographics(gp, Channel.WEB, "Peter Owen 1960 ZZ9 9ZZ")).isEmpty();
        assertThatThrownBy(() -> search.byDemographics(gp, Channel.WEB, "Smith"))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT));
        assertThatThrownBy(() -> search.byDemographics(Actor.patient(gp.user()), Channel.WEB, "Peter Owen 1955"))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED));

        assertThat(search.byDemographics(gp, Channel.WEB, "Peter Owen 1955"))
                .containsExactly(new PatientSearch.Match(peterOwen, LocalDate.of(1955, 12, 24), practice));
        // the index holds demographics only: no entry, no section, no clinical text anywhere in it
        Map<String, Object> source = source(SearchIndices.PATIENTS, peterOwen.value());
        assertThat(source.keySet()).allMatch(k -> Set.of("nhs_number", "given", "family", "former_names",
                "name_keys", "name_grams", "birth_date", "birth_year", "postcode", "postcode_outward",
                "former_postcodes", "registered_practice", "global_index").contains(k));
        assertThat(hits("careledger-*", "synthetic")).isZero();
    }

    @Test
    void everySearchIsAuditedByItsShapeNeverItsTerms() {
        search.byDemographics(gp, Channel.WEB, "Mary Smith-Jones 1981");
        search.byDemographics(gp, Channel.WEB, "smith jones m12ab");
        List<String> kinds = jdbc.queryForList("""
                SELECT search_kind FROM audit_event WHERE kind = 'SEARCHED' AND user_id = ?
                   AND ? = ANY(returned_patients) ORDER BY global_index""", String.class,
                gp.user().value(), marySmithJones.value());
        assertThat(kinds).contains(PatientSearched.SearchKind.NAME_AND_BIRTH.name(),
                PatientSearched.SearchKind.NAME_AND_POSTCODE.name());
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = ?
                   AND (upper(convert_from(payload, 'UTF8')) LIKE '%SMITH%'
                        OR upper(convert_from(payload, 'UTF8')) LIKE '%M12AB%')""",
                Long.class, PatientSearched.class.getName())).isZero();
        // and the searches reach the audit index, with their shape and who was returned
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            indices.refresh();
            assertThat(hits(SearchIndices.AUDIT_PREFIX + "*", "NAME_AND_POSTCODE")).isPositive();
        });
    }

    @Test
    void auditDocumentsGoToTheirMonthsIndexVersionedByGlobalIndexAndAReplayChangesNothing() {
        Instant at = Instant.parse("2031-03-17T10:00:00Z");
        world.read(peterOwen, gp, Basis.REGISTERED, at, List.of());
        world.refused(peterOwen, Actor.staff(gp.user(), Role.PHARMACIST, OdsCode.of("FB999")), at.plus(1, HOURS));
        String month = SearchIndices.auditIndex(at);
        assertThat(month).isEqualTo("careledger-audit-2031.03");
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            indices.refresh();
            assertThat(countOf(month, gp)).isEqualTo(2);
        });
        long accessIndex = jdbc.queryForObject("SELECT global_index FROM audit_event WHERE patient = ? AND kind = "
                + "'ACCESSED' AND occurred_at = ?", Long.class, peterOwen.value(), at.atOffset(java.time.ZoneOffset.UTC));
        String accessId = jdbc.queryForObject("SELECT event_id FROM audit_event WHERE global_index = ?",
                String.class, accessIndex);
        Map<String, Object> access = source(month, accessId);
        assertThat(access).containsEntry("kind", "ACCESSED").containsEntry("basis", "REGISTERED")
                .containsEntry("patient", peterOwen.value()).containsEntry("organisation", practice.value())
                .containsEntry("role", "GP").containsEntry("channel", "WEB").containsEntry("purpose", "DIRECT_CARE");

        // an older version of the same document (a late or replayed event) never overwrites it
        indices.bulk(List.of(new SearchIndices.Doc(month, accessId, accessIndex - 1, Map.of("kind", "STALE"))));
        indices.refresh();
        assertThat(source(month, accessId)).containsEntry("kind", "ACCESSED");

        // a document the index refuses (a field the strict mapping does not have) fails the batch, naming the
        // document and the kind of failure, never its content
        assertThatThrownBy(() -> indices.bulk(List.of(new SearchIndices.Doc(month, "refused-doc", 1,
                Map.of("kind", "ACCESSED", "not_a_field", "Quentin Content")))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused-doc").hasMessageContaining("strict_dynamic_mapping_exception")
                .hasMessageNotContaining("Quentin");

        // a replay from the start of the ledger writes every document again: nothing changes, nothing is added
        long before = count(SearchIndices.AUDIT_PREFIX + "*");
        processors.replay();
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(120)).until(processors::caughtUp);
        indices.refresh();
        assertThat(count(SearchIndices.AUDIT_PREFIX + "*")).isEqualTo(before);
        assertThat(source(month, accessId)).isEqualTo(access);
        assertThat(meters.get("careledger.search.lag").tag("processor", SearchConfiguration.AUDIT).gauge().value())
                .isZero();
    }

    @Test
    void countsPerUserDayOrganisationBasisAndEmergenciesFromTheIndexEqualTheTrailsAndOnlyIgMayAsk() {
        Instant monday = Instant.parse("2031-05-05T09:00:00Z");
        OdsCode clinic = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUTPATIENT_CLINIC, era);
        Actor counted = world.staff("Cora Counted", Role.GP, practice, era);
        Actor visitor = world.staff("Vic Visitor", Role.GP, clinic, era);
        for (int i = 0; i < 3; i++) {
            world.read(TestData.nhsNumber(), counted, Basis.REGISTERED, monday.plusSeconds(i), List.of());
        }
        world.read(TestData.nhsNumber(), counted, Basis.GRANT, monday.plus(24, HOURS), List.of());
        world.read(peterOwen, visitor, Basis.EMERGENCY, monday.plus(25, HOURS), List.of());
        AuditPeriod week = new AuditPeriod(monday.minus(1, HOURS), monday.plus(7 * 24, HOURS));
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            indices.refresh();
            // this test's readers only: other tests' eras may fall in the same month of the JVM's one node
            assertThat(countOf(SearchIndices.auditIndex(monday), counted, visitor)).isEqualTo(5);
        });
        java.time.ZoneId zone = java.time.ZoneId.of("Europe/London");
        for (AuditCounts.By by : AuditCounts.By.values()) {
            for (OdsCode org : java.util.Arrays.asList(null, practice)) {
                assertThat(trail.counts(AuditWorld.IG, by, org, week)).as(by + " " + org)
                        .isEqualTo(AuditCounts.fromTrail(jdbc, by, org == null ? null : org.value(), week, zone));
            }
        }
        assertThat(trail.counts(AuditWorld.IG, AuditCounts.By.USER_DAY, practice, week)).containsExactly(
                new AuditCounts.Bucket(counted.user().value().toString(), LocalDate.of(2031, 5, 5), 3),
                new AuditCounts.Bucket(counted.user().value().toString(), LocalDate.of(2031, 5, 6), 1));
        assertThat(trail.counts(AuditWorld.IG, AuditCounts.By.EMERGENCY_DAY, null, week)).containsExactly(
                new AuditCounts.Bucket("EMERGENCY", LocalDate.of(2031, 5, 6), 1));
        assertThatThrownBy(() -> trail.counts(gp, AuditCounts.By.BASIS, null, week))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_PERMITTED));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private List<NhsNumber> top3(String query) {
        return search.byDemographics(gp, Channel.WEB, query).stream().limit(3).map(PatientSearch.Match::patient)
                .toList();
    }

    private NhsNumber patient(String given, String family, String born, String postcode) {
        NhsNumber patient = TestData.nhsNumber();
        commands.sendAndWait(new RegisterPatient(patient, demographics(given, family, born, postcode), practice, gp,
                era));
        return patient;
    }

    private static Demographics demographics(String given, String family, String born, String postcode) {
        return new Demographics(given, family, LocalDate.parse(born), Demographics.Gender.UNKNOWN,
                new Address("1 Test Street", null, "Testtown", postcode));
    }

    private void awaitIndexed() {
        await().ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).atMost(Duration.ofSeconds(120)).until(() -> {
            indices.refresh();
            return processors.caughtUp() && count(SearchIndices.PATIENTS) >= 7;
        });
    }

    private long count(String index) {
        try {
            return indices.client().count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long countOf(String index, Actor... users) {
        List<co.elastic.clients.elasticsearch._types.FieldValue> ids = java.util.Arrays.stream(users)
                .map(u -> co.elastic.clients.elasticsearch._types.FieldValue.of(u.user().value().toString())).toList();
        try {
            return indices.client().count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)
                    .query(q -> q.terms(t -> t.field("user").terms(v -> v.value(ids))))).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long hits(String index, String text) {
        try {
            SearchResponse<Map> response = indices.client().search(s -> s.index(index).ignoreUnavailable(true)
                    .allowNoIndices(true).query(q -> q.queryString(qs -> qs.query(text))), Map.class);
            return response.hits().total().value();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> source(String index, String id) {
        try {
            return indices.client().get(g -> g.index(index).id(id), Map.class).source();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
