package org.careledger.directory;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.shared.Actor;
import org.careledger.shared.InMemoryRegisters;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.careledger.shared.Refusals.expectRefused;

class StaffMemberTest {

    static final UserId NURSE = UserId.of("00000000-0000-0000-0000-000000000007");
    static final OdsCode PRACTICE = OdsCode.of("A81001");
    static final OdsCode COMMUNITY_TRUST = OdsCode.of("RY1");
    static final OdsCode UNKNOWN_ORGANISATION = OdsCode.of("B99999");
    static final OdsCode REGION = OdsCode.of("QWO");
    static final TeamId DISTRICT_NURSING_TEAM = TeamId.of("7e57d004-2b97-0e7a-b45f-5387367791cd");
    static final TeamId PRACTICE_TEAM = TeamId.of("7e57d004-2b97-0e7a-b45f-000000000001");
    static final TeamId UNKNOWN_TEAM = TeamId.of("00000000-0000-0000-0000-00000000dead");
    static final Instant EARLIER = Instant.parse("2025-01-06T09:00:00Z");
    static final Instant AT = Instant.parse("2025-03-04T14:30:00Z");
    static final Actor ADMINISTRATOR = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000009"), Role.ADMINISTRATOR, REGION);
    static final Actor GP = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000002"), Role.GP, PRACTICE);

    static final StaffMemberRegistered NURSE_REGISTERED = new StaffMemberRegistered(NURSE, "Nia Nurse", ADMINISTRATOR, EARLIER);
    static final RoleAssigned DISTRICT_NURSE_AT_TRUST =
            new RoleAssigned(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, EARLIER);
    static final RoleAssignmentEnded DISTRICT_NURSE_AT_TRUST_ENDED =
            new RoleAssignmentEnded(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "moved on", ADMINISTRATOR, EARLIER.plusSeconds(60));
    static final TeamJoined JOINED_DISTRICT_NURSING_TEAM = new TeamJoined(NURSE, DISTRICT_NURSING_TEAM, COMMUNITY_TRUST, ADMINISTRATOR, EARLIER);

    FixtureConfiguration<StaffMember> fixture;

    @BeforeEach
    void aPracticeAndACommunityTrustEachWithATeam() {
        fixture = new AggregateTestFixture<>(StaffMember.class);
        fixture.registerInjectableResource(InMemoryRegisters.empty()
                .withOrganisation(PRACTICE, OrganisationType.GP_PRACTICE)
                .withOrganisation(COMMUNITY_TRUST, OrganisationType.COMMUNITY_HEALTH)
                .withTeam(DISTRICT_NURSING_TEAM, COMMUNITY_TRUST)
                .withTeam(PRACTICE_TEAM, PRACTICE));
    }

    @Nested
    class RegisterAStaffMember {

        @Test
        void an_administrator_registers_a_staff_member() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterStaffMember(NURSE, " Nia Nurse ", ADMINISTRATOR, AT))
                    .expectEvents(new StaffMemberRegistered(NURSE, "Nia Nurse", ADMINISTRATOR, AT));
        }

        @Test
        void registering_a_staff_member_twice_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED)
                    .when(new RegisterStaffMember(NURSE, "Nia Nurse", ADMINISTRATOR, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void only_an_administrator_registers_staff() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterStaffMember(NURSE, "Nia Nurse", GP, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void a_staff_member_needs_a_display_name() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterStaffMember(NURSE, "", ADMINISTRATOR, AT)), Kind.INVALID_INPUT);
        }
    }

    @Nested
    class AssignAndEndRoles {

        @Test
        void an_administrator_assigns_a_role_at_an_organisation() {
            fixture.given(NURSE_REGISTERED)
                    .when(new AssignRole(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT))
                    .expectEvents(new RoleAssigned(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void a_second_role_or_the_same_role_elsewhere_is_assigned() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new AssignRole(NURSE, Role.DISTRICT_NURSE, PRACTICE, ADMINISTRATOR, AT))
                    .expectEvents(new RoleAssigned(NURSE, Role.DISTRICT_NURSE, PRACTICE, ADMINISTRATOR, AT));
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new AssignRole(NURSE, Role.SPECIALIST, COMMUNITY_TRUST, ADMINISTRATOR, AT))
                    .expectEvents(new RoleAssigned(NURSE, Role.SPECIALIST, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void an_ended_role_can_be_assigned_again() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, DISTRICT_NURSE_AT_TRUST_ENDED)
                    .when(new AssignRole(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT))
                    .expectEvents(new RoleAssigned(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void assigning_the_patient_role_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED)
                    .when(new AssignRole(NURSE, Role.PATIENT, PRACTICE, ADMINISTRATOR, AT)), Kind.INVALID_INPUT);
        }

        @Test
        void assigning_at_an_unknown_organisation_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED)
                    .when(new AssignRole(NURSE, Role.GP, UNKNOWN_ORGANISATION, ADMINISTRATOR, AT)), Kind.UNKNOWN_ORGANISATION);
        }

        @Test
        void assigning_the_same_role_at_the_same_organisation_twice_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new AssignRole(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void assigning_to_an_unregistered_staff_member_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new AssignRole(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, AT)),
                    Kind.UNKNOWN_STAFF_MEMBER);
        }

        @Test
        void only_an_administrator_assigns_roles() {
            expectRefused(fixture.given(NURSE_REGISTERED)
                    .when(new AssignRole(NURSE, Role.GP, PRACTICE, GP, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void an_administrator_ends_a_role_assignment_with_a_reason() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, " left the trust ", ADMINISTRATOR, AT))
                    .expectEvents(new RoleAssignmentEnded(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "left the trust",
                            ADMINISTRATOR, AT));
        }

        @Test
        void ending_an_assignment_that_does_not_exist_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, PRACTICE, "why", ADMINISTRATOR, AT)),
                    Kind.CONFLICTING_STATE);
        }

        @Test
        void ending_an_assignment_already_ended_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, DISTRICT_NURSE_AT_TRUST_ENDED)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "why", ADMINISTRATOR, AT)),
                    Kind.CONFLICTING_STATE);
        }

        @Test
        void ending_an_assignment_without_a_reason_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, " ", ADMINISTRATOR, AT)),
                    Kind.REASON_REQUIRED);
        }
    }

    @Nested
    class JoinAndLeaveTeams {

        @Test
        void a_member_with_a_role_at_the_teams_organisation_joins_it() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new JoinTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT))
                    .expectEvents(new TeamJoined(NURSE, DISTRICT_NURSING_TEAM, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void joining_an_unknown_team_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new JoinTeam(NURSE, UNKNOWN_TEAM, ADMINISTRATOR, AT)), Kind.UNKNOWN_TEAM);
        }

        @Test
        void joining_a_team_of_an_organisation_where_the_member_holds_no_role_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new JoinTeam(NURSE, PRACTICE_TEAM, ADMINISTRATOR, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void joining_after_the_role_there_ended_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, DISTRICT_NURSE_AT_TRUST_ENDED)
                    .when(new JoinTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void joining_a_team_twice_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, JOINED_DISTRICT_NURSING_TEAM)
                    .when(new JoinTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void an_unregistered_staff_member_joins_no_team() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new JoinTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT)), Kind.UNKNOWN_STAFF_MEMBER);
        }

        @Test
        void only_an_administrator_manages_teams() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new JoinTeam(NURSE, DISTRICT_NURSING_TEAM, GP, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void a_member_leaves_a_team() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, JOINED_DISTRICT_NURSING_TEAM)
                    .when(new LeaveTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT))
                    .expectEvents(new TeamLeft(NURSE, DISTRICT_NURSING_TEAM, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void ending_the_last_role_at_an_organisation_leaves_its_teams() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST, JOINED_DISTRICT_NURSING_TEAM)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "moved on", ADMINISTRATOR, AT))
                    .expectEvents(
                            new RoleAssignmentEnded(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "moved on", ADMINISTRATOR, AT),
                            new TeamLeft(NURSE, DISTRICT_NURSING_TEAM, COMMUNITY_TRUST, ADMINISTRATOR, AT));
        }

        @Test
        void ending_one_of_two_roles_at_an_organisation_keeps_its_teams() {
            fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST,
                            new RoleAssigned(NURSE, Role.PRACTICE_NURSE, COMMUNITY_TRUST, ADMINISTRATOR, EARLIER),
                            JOINED_DISTRICT_NURSING_TEAM)
                    .when(new EndRoleAssignment(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "moved on", ADMINISTRATOR, AT))
                    .expectEvents(
                            new RoleAssignmentEnded(NURSE, Role.DISTRICT_NURSE, COMMUNITY_TRUST, "moved on", ADMINISTRATOR, AT));
        }

        @Test
        void leaving_a_team_one_is_not_in_is_refused() {
            expectRefused(fixture.given(NURSE_REGISTERED, DISTRICT_NURSE_AT_TRUST)
                    .when(new LeaveTeam(NURSE, DISTRICT_NURSING_TEAM, ADMINISTRATOR, AT)), Kind.CONFLICTING_STATE);
        }
    }
}
