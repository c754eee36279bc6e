package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.audit.search.PatientSearch;
import org.careledger.record.TransferRegistration;
import org.careledger.record.UpdateDemographics;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.storage.LedgerDatabaseTest;
import org.careledger.storage.TestData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatientSearchTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PatientSearch search;

    @Test
    void findsByNhsNumberAndBySurnameAndBirthDateAndAuditsEverySearchWithoutItsTerms() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        OdsCode other = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        Actor gp = world.staff("Dr Search Er", Role.GP, practice, era);
        LocalDate born = LocalDate.of(1961, 7, 14);
        String surname = "O'Brien-Zyx" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        NhsNumber patient = world.patient(practice, surname, born, era);

        assertThat(search.byNhsNumber(gp, Channel.WEB, patient))
                .containsExactly(new PatientSearch.Match(patient, born, practice));
        assertThat(search.bySurnameAndBirthDate(gp, Channel.WEB, surname.toLowerCase().replace("-", " "), born))
                .extracting(PatientSearch.Match::patient).containsExactly(patient);
        assertThat(search.bySurnameAndBirthDate(gp, Channel.WEB, surname, born.plusDays(1))).isEmpty();
        assertThat(world.eventsOfType(PatientSearched.class, patient.value())).isEqualTo(2);
        String term = surname.substring(8).toUpperCase();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = ?
                   AND (upper(convert_from(payload, 'UTF8')) LIKE ? OR convert_from(payload, 'UTF8') LIKE ?)""",
                Long.class, PatientSearched.class.getName(), "%" + term + "%", "%" + born + "%")).isZero();

        // the index follows the record in the same transaction: no waiting
        commands.sendAndWait(new TransferRegistration(patient, other, Actor.staff(new UserId(UUID.randomUUID()),
                Role.GP, other), era.plusSeconds(60)));
        String newName = "Renamed" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        commands.sendAndWait(new UpdateDemographics(patient, AuditWorld.demographics(newName, born),
                Actor.staff(new UserId(UUID.randomUUID()), Role.GP, other), era.plusSeconds(120)));
        assertThat(search.bySurnameAndBirthDate(gp, Channel.API, newName, born))
                .containsExactly(new PatientSearch.Match(patient, born, other));
        assertThat(search.bySurnameAndBirthDate(gp, Channel.API, surname, born)).isEmpty();

        // and the audit trail holds the searches, with the patients they returned
        world.awaitTrail(3, "kind = 'SEARCHED' AND ? = ANY (returned_patients)", patient.value());
        assertThat(jdbc.queryForList("""
                SELECT search_kind FROM audit_event WHERE kind = 'SEARCHED' AND ? = ANY (returned_patients)
                 ORDER BY global_index""", String.class, patient.value()))
                .containsExactly("NHS_NUMBER", "SURNAME_AND_BIRTH_DATE", "SURNAME_AND_BIRTH_DATE");
    }

    @Test
    void whenThePatientSearchedEventCannotBeStoredTheSearchFails() throws Exception {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        NhsNumber patient = world.patient(practice, "Unsearchable", LocalDate.of(1970, 1, 1), era);
        Actor gp = Actor.staff(new UserId(UUID.randomUUID()), Role.GP, practice);
        try (AutoCloseable failing = world.failAppendsOf(PatientSearched.class, patient.value())) {
            assertThatThrownBy(() -> search.byNhsNumber(gp, Channel.WEB, patient))
                    .hasStackTraceContaining("audit store unavailable");
        }
        assertThat(world.eventsOfType(PatientSearched.class, patient.value())).isZero();
        assertThat(search.byNhsNumber(gp, Channel.WEB, patient)).hasSize(1);
    }

    @Test
    void patientsDoNotSearchAndEmptySurnamesAreRefused() {
        Actor patient = Actor.patient(new UserId(UUID.randomUUID()));
        NhsNumber someone = TestData.nhsNumber();
        assertThatThrownBy(() -> search.byNhsNumber(patient, Channel.WEB, someone)).isInstanceOf(Refusal.class);
        Actor gp = Actor.staff(new UserId(UUID.randomUUID()), Role.GP, OdsCode.of("A81001"));
        assertThatThrownBy(() -> search.bySurnameAndBirthDate(gp, Channel.WEB, " - ", LocalDate.of(1970, 1, 1)))
                .isInstanceOf(Refusal.class);
        assertThat(search.byNhsNumber(gp, Channel.WEB, someone)).isEmpty();
    }

    @Test
    void withoutElasticsearchADemographicSearchFindsExactSurnamesWithTheYearOfBirthAndIsAuditedByItsShape() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant era = AuditWorld.newEra();
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, era);
        Actor gp = world.staff("Dr Demo Graphic", Role.GP, practice, era);
        String surname = "Qzx" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        LocalDate born = LocalDate.of(1972, 2, 29);
        NhsNumber patient = world.patient(practice, surname, born, era);

        assertThat(search.byDemographics(gp, Channel.WEB, "Test " + surname + " 1972"))
                .containsExactly(new PatientSearch.Match(patient, born, practice));
        assertThat(search.byDemographics(gp, Channel.WEB, surname + " 29/2/1972")).hasSize(1);
        assertThat(search.byDemographics(gp, Channel.WEB, surname + " 1973")).isEmpty();
        // fuzzy and postcode-only searches need the search service; a name alone is never a search
        assertThatThrownBy(() -> search.byDemographics(gp, Channel.WEB, surname + " LS1 1AB"))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT));
        assertThatThrownBy(() -> search.byDemographics(gp, Channel.WEB, surname))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT));
        assertThat(jdbc.queryForList("""
                SELECT search_kind FROM audit_event WHERE kind = 'SEARCHED' AND user_id = ? ORDER BY global_index""",
                String.class, gp.user().value())).containsExactly("NAME_AND_BIRTH", "NAME_AND_BIRTH", "NAME_AND_BIRTH");
        assertThat(world.eventsOfType(PatientSearched.class, surname.substring(3))).isZero();
    }
}
