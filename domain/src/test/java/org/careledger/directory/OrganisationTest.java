package org.careledger.directory;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.careledger.shared.Refusals.expectRefused;

class OrganisationTest {

    static final OdsCode PRACTICE = OdsCode.of("A81001");
    static final OdsCode REGION = OdsCode.of("QWO");
    static final TeamId DISTRICT_NURSING_TEAM = TeamId.of("7e57d004-2b97-0e7a-b45f-5387367791cd");
    static final Instant EARLIER = Instant.parse("2025-01-06T09:00:00Z");
    static final Instant AT = Instant.parse("2025-03-04T14:30:00Z");
    static final Actor ADMINISTRATOR = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000009"), Role.ADMINISTRATOR, REGION);
    static final Actor GP = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000002"), Role.GP, PRACTICE);

    static final OrganisationRegistered PRACTICE_REGISTERED =
            new OrganisationRegistered(PRACTICE, "High Street Surgery", OrganisationType.GP_PRACTICE, ADMINISTRATOR, EARLIER);

    FixtureConfiguration<Organisation> fixture;

    @BeforeEach
    void anEmptyDirectory() {
        fixture = new AggregateTestFixture<>(Organisation.class);
    }

    @Test
    void an_administrator_registers_an_organisation() {
        fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(PRACTICE, "  High Street Surgery ", OrganisationType.GP_PRACTICE, ADMINISTRATOR, AT))
                .expectEvents(new OrganisationRegistered(PRACTICE, "High Street Surgery", OrganisationType.GP_PRACTICE,
                        ADMINISTRATOR, AT));
    }

    @Test
    void only_an_administrator_registers_organisations() {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(PRACTICE, "High Street Surgery", OrganisationType.GP_PRACTICE, GP, AT)),
                Kind.NOT_PERMITTED);
    }

    @Test
    void registering_an_organisation_twice_is_refused() {
        expectRefused(fixture.given(PRACTICE_REGISTERED)
                .when(new RegisterOrganisation(PRACTICE, "Again", OrganisationType.GP_PRACTICE, ADMINISTRATOR, AT)),
                Kind.ALREADY_EXISTS);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"RX1, GP_PRACTICE", "FA123, GP_PRACTICE", "A81001, PHARMACY", "GA123, PHARMACY"})
    void an_ods_code_not_of_the_shape_issued_to_the_type_is_refused(String code, OrganisationType type) {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(OdsCode.of(code), "Somewhere", type, ADMINISTRATOR, AT)), Kind.INVALID_ODS_CODE);
    }

    @ParameterizedTest(name = "name of {0} characters")
    @CsvSource({"0", "201"})
    void a_name_is_1_to_200_characters(int length) {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(PRACTICE, "x".repeat(length), OrganisationType.GP_PRACTICE, ADMINISTRATOR, AT)),
                Kind.INVALID_INPUT);
    }

    @Test
    void a_name_of_200_characters_is_accepted() {
        fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(PRACTICE, "x".repeat(200), OrganisationType.GP_PRACTICE, ADMINISTRATOR, AT))
                .expectEvents(new OrganisationRegistered(PRACTICE, "x".repeat(200), OrganisationType.GP_PRACTICE, ADMINISTRATOR, AT));
    }

    @Test
    void an_organisation_needs_a_type() {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new RegisterOrganisation(PRACTICE, "Somewhere", null, ADMINISTRATOR, AT)), Kind.INVALID_INPUT);
    }

    @Test
    void an_administrator_forms_a_team() {
        fixture.given(PRACTICE_REGISTERED)
                .when(new FormTeam(PRACTICE, DISTRICT_NURSING_TEAM, " Treatment room ", ADMINISTRATOR, AT))
                .expectEvents(new TeamFormed(PRACTICE, DISTRICT_NURSING_TEAM, "Treatment room", ADMINISTRATOR, AT));
    }

    @Test
    void forming_a_team_twice_is_refused() {
        expectRefused(fixture.given(PRACTICE_REGISTERED,
                        new TeamFormed(PRACTICE, DISTRICT_NURSING_TEAM, "Treatment room", ADMINISTRATOR, EARLIER))
                .when(new FormTeam(PRACTICE, DISTRICT_NURSING_TEAM, "Treatment room", ADMINISTRATOR, AT)),
                Kind.ALREADY_EXISTS);
    }

    @Test
    void forming_a_team_at_an_unregistered_organisation_is_refused() {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new FormTeam(PRACTICE, DISTRICT_NURSING_TEAM, "Treatment room", ADMINISTRATOR, AT)),
                Kind.UNKNOWN_ORGANISATION);
    }

    @Test
    void only_an_administrator_forms_teams() {
        expectRefused(fixture.given(PRACTICE_REGISTERED)
                .when(new FormTeam(PRACTICE, DISTRICT_NURSING_TEAM, "Treatment room", GP, AT)), Kind.NOT_PERMITTED);
    }

    @Test
    void a_team_needs_a_name() {
        expectRefused(fixture.given(PRACTICE_REGISTERED)
                .when(new FormTeam(PRACTICE, DISTRICT_NURSING_TEAM, " ", ADMINISTRATOR, AT)), Kind.INVALID_INPUT);
    }
}
