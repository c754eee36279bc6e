package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.InMemoryRegisters;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.careledger.shared.Refusals.expectRefused;

class PatientAccessTest {

    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final NhsNumber UNREGISTERED = NhsNumber.of("9990000026");
    static final OdsCode PRACTICE = OdsCode.of("A81001");
    static final OdsCode COMMUNITY_TRUST = OdsCode.of("RY1");
    static final OdsCode COUNCIL = OdsCode.of("SC101");
    static final OdsCode UNKNOWN_ORGANISATION = OdsCode.of("B99999");
    static final TeamId DISTRICT_NURSING_TEAM = TeamId.of("7e57d004-2b97-0e7a-b45f-5387367791cd");
    static final TeamId UNKNOWN_TEAM = TeamId.of("00000000-0000-0000-0000-00000000dead");
    static final UserId DISTRICT_NURSE = UserId.of("00000000-0000-0000-0000-000000000007");
    static final UserId UNKNOWN_USER = UserId.of("00000000-0000-0000-0000-00000000beef");

    static final Instant EARLIER = Instant.parse("2025-03-03T10:15:00Z");
    static final Instant AT = Instant.parse("2025-03-04T14:30:00Z");

    static final Actor GP_AT_PRACTICE = staff("00000000-0000-0000-0000-000000000002", Role.GP, PRACTICE);
    static final Actor IG_OFFICER = staff("00000000-0000-0000-0000-000000000008", Role.IG_OFFICER, PRACTICE);
    static final Actor THE_PATIENT = Actor.patient(UserId.of("00000000-0000-0000-0000-0000000000aa"));

    static final GrantId REFERRAL_GRANT = GrantId.of("aaaaaaaa-0000-0000-0000-000000000001");
    static final GrantId SEALED_GRANT = GrantId.of("aaaaaaaa-0000-0000-0000-000000000002");
    static final GrantId UNKNOWN_GRANT = GrantId.of("aaaaaaaa-0000-0000-0000-0000000000ff");
    static final EmergencyAccessId EMERGENCY = EmergencyAccessId.of("eeeeeeee-0000-0000-0000-000000000001");
    static final EntryId SEALED_ENTRY = EntryId.of("11111111-1111-1111-1111-111111111111");
    static final GrantScope COMMUNITY_NURSING_SCOPE = GrantScope.of(Section.PROBLEMS, Section.MEDICATIONS,
            Section.COMMUNITY_NURSING);

    static final AccessGranted REFERRAL_TO_DISTRICT_NURSING_TEAM = new AccessGranted(PATIENT, REFERRAL_GRANT,
            Grantee.team(DISTRICT_NURSING_TEAM), GrantReason.REFERRAL, COMMUNITY_NURSING_SCOPE, EARLIER,
            EARLIER.plus(Duration.ofDays(30)), GP_AT_PRACTICE, EARLIER);
    static final AccessGrantRevoked REFERRAL_REVOKED = new AccessGrantRevoked(PATIENT, REFERRAL_GRANT, "discharged",
            GP_AT_PRACTICE, EARLIER.plusSeconds(3600));

    static Actor staff(String user, Role role, OdsCode organisation) {
        return Actor.staff(UserId.of(user), role, organisation);
    }

    FixtureConfiguration<PatientAccess> fixture;

    StubCareRelationships relationships;

    @BeforeEach
    void aRegisteredPatientAPracticeACommunityTrustWithADistrictNursingTeam() {
        fixture = new AggregateTestFixture<>(PatientAccess.class);
        relationships = StubCareRelationships.registeredForEveryone();
        fixture.registerInjectableResource(relationships);
        fixture.registerInjectableResource(PolicyInForce.fixed(RolePolicy.defaultPolicy()));
        fixture.registerInjectableResource(InMemoryRegisters.empty()
                .withPatient(PATIENT)
                .withOrganisation(PRACTICE, OrganisationType.GP_PRACTICE)
                .withOrganisation(COMMUNITY_TRUST, OrganisationType.COMMUNITY_HEALTH)
                .withOrganisation(COUNCIL, OrganisationType.SOCIAL_CARE)
                .withOrganisation(OdsCode.of("NLO01"), OrganisationType.OUT_OF_HOURS)
                .withTeam(DISTRICT_NURSING_TEAM, COMMUNITY_TRUST)
                .withStaffMember(DISTRICT_NURSE));
    }

    GrantAccess grant(Grantee grantee, GrantReason reason, Instant from, Instant until, Actor by) {
        return new GrantAccess(PATIENT, REFERRAL_GRANT, grantee, reason, COMMUNITY_NURSING_SCOPE, from, until, by, AT);
    }

    AccessGranted granted(Grantee grantee, GrantReason reason, Instant from, Instant until, Actor by) {
        return new AccessGranted(PATIENT, REFERRAL_GRANT, grantee, reason, COMMUNITY_NURSING_SCOPE, from, until, by, AT);
    }

    static final OdsCode OOH_SERVICE = OdsCode.of("NLO01");
    static final Actor GP_ELSEWHERE = staff("00000000-0000-0000-0000-0000000000b1", Role.GP, COMMUNITY_TRUST);
    static final Actor OOH_CLINICIAN = staff("00000000-0000-0000-0000-0000000000b2", Role.OOH_CLINICIAN, OOH_SERVICE);

    @Nested
    class AGrantorNeedsACareRelationship {

        @ParameterizedTest(name = "a grantor holding {0}")
        @EnumSource(value = AccessDecision.Basis.class, names = {"REGISTERED", "GRANT"})
        void a_grantor_registered_or_granted_may_grant(AccessDecision.Basis basis) {
            relationships.with(GP_ELSEWHERE, basis);
            Instant until = AT.plus(Duration.ofDays(30));
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, until, GP_ELSEWHERE))
                    .expectEvents(granted(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, until, GP_ELSEWHERE));
        }

        @Test
        void a_gp_with_no_relationship_to_the_patient_may_not_grant() {
            relationships.without(GP_ELSEWHERE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, AT.plusSeconds(60), GP_ELSEWHERE)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_emergency_is_no_basis_to_hand_out_access() {
            relationships.with(GP_ELSEWHERE, AccessDecision.Basis.EMERGENCY);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, AT.plusSeconds(60), GP_ELSEWHERE)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_relationship_is_checked_before_anything_else_about_the_grant() {
            // an unrelated grantor learns nothing about grantees or windows: the same answer as an unknown patient
            relationships.without(GP_ELSEWHERE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(UNKNOWN_USER), GrantReason.REFERRAL, AT, AT.minusSeconds(60), GP_ELSEWHERE)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_out_of_hours_clinician_opens_an_episode_for_their_own_service_without_a_prior_basis() {
            relationships.without(OOH_CLINICIAN);
            Instant until = AT.plus(Duration.ofHours(72));
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(OOH_SERVICE), GrantReason.OUT_OF_HOURS_EPISODE, AT, until, OOH_CLINICIAN))
                    .expectEvents(granted(Grantee.organisation(OOH_SERVICE), GrantReason.OUT_OF_HOURS_EPISODE, AT, until,
                            OOH_CLINICIAN));
        }

        @Test
        void the_out_of_hours_exception_covers_no_other_organisation() {
            relationships.without(OOH_CLINICIAN);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(COMMUNITY_TRUST), GrantReason.OUT_OF_HOURS_EPISODE, AT,
                            AT.plusSeconds(60), OOH_CLINICIAN)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_out_of_hours_exception_covers_no_other_grantee_kind() {
            relationships.without(OOH_CLINICIAN);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(OOH_CLINICIAN.user()), GrantReason.OUT_OF_HOURS_EPISODE, AT,
                            AT.plusSeconds(60), OOH_CLINICIAN)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_out_of_hours_exception_covers_no_other_reason() {
            relationships.without(OOH_CLINICIAN);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(OOH_SERVICE), GrantReason.REFERRAL, AT, AT.plusSeconds(60),
                            OOH_CLINICIAN)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_out_of_hours_exception_covers_no_other_role() {
            Actor gp = staff("00000000-0000-0000-0000-0000000000b3", Role.GP, OOH_SERVICE);
            relationships.without(gp);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(OOH_SERVICE), GrantReason.OUT_OF_HOURS_EPISODE, AT,
                            AT.plusSeconds(60), gp)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_unrelated_gp_may_not_unseal() {
            relationships.without(GP_ELSEWHERE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new GrantSealedEntryAccess(PATIENT, SEALED_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "why", AT, AT.plusSeconds(60), GP_ELSEWHERE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_emergency_is_no_basis_to_unseal() {
            relationships.with(GP_ELSEWHERE, AccessDecision.Basis.EMERGENCY);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new GrantSealedEntryAccess(PATIENT, SEALED_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "why", AT, AT.plusSeconds(60), GP_ELSEWHERE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_unrelated_gp_may_not_revoke() {
            relationships.without(GP_ELSEWHERE);
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "why", GP_ELSEWHERE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_unrelated_gp_learns_nothing_about_grant_ids() {
            relationships.without(GP_ELSEWHERE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RevokeAccessGrant(PATIENT, UNKNOWN_GRANT, "why", GP_ELSEWHERE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_emergency_is_no_basis_to_revoke() {
            relationships.with(GP_ELSEWHERE, AccessDecision.Basis.EMERGENCY);
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "why", GP_ELSEWHERE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void a_grantee_may_revoke_on_their_grant_basis() {
            relationships.with(GP_ELSEWHERE, AccessDecision.Basis.GRANT);
            fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "discharged", GP_ELSEWHERE, AT))
                    .expectEvents(new AccessGrantRevoked(PATIENT, REFERRAL_GRANT, "discharged", GP_ELSEWHERE, AT));
        }

        @Test
        void an_ig_officer_revokes_without_a_relationship() {
            relationships.without(IG_OFFICER);
            fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "not justified", IG_OFFICER, AT))
                    .expectEvents(new AccessGrantRevoked(PATIENT, REFERRAL_GRANT, "not justified", IG_OFFICER, AT));
        }

        @Test
        void an_emergency_needs_no_relationship() {
            relationships.without(GP_ELSEWHERE);
            fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, "collapsed", GP_ELSEWHERE, AT))
                    .expectEvents(new EmergencyAccessDeclared(PATIENT, EMERGENCY, "collapsed",
                            AT.plus(Duration.ofHours(4)), GP_ELSEWHERE, AT));
        }
    }

    @Nested
    class GrantAccessToTheRecord {

        @Test
        void a_gp_refers_the_patient_to_a_district_nursing_team() {
            Instant until = AT.plus(Duration.ofDays(30));
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.team(DISTRICT_NURSING_TEAM), GrantReason.REFERRAL, AT, until, GP_AT_PRACTICE))
                    .expectEvents(granted(Grantee.team(DISTRICT_NURSING_TEAM), GrantReason.REFERRAL, AT, until, GP_AT_PRACTICE));
        }

        @Test
        void a_grant_to_a_named_user_starting_later() {
            Instant from = AT.plus(Duration.ofDays(1));
            Instant until = from.plus(Duration.ofDays(365));
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.CASELOAD, from, until, GP_AT_PRACTICE))
                    .expectEvents(granted(Grantee.user(DISTRICT_NURSE), GrantReason.CASELOAD, from, until, GP_AT_PRACTICE));
        }

        @Test
        void a_grant_to_an_organisation_that_started_before_now_and_is_still_running() {
            Instant from = AT.minus(Duration.ofHours(1));
            Instant until = AT.plus(Duration.ofHours(71));
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(COUNCIL), GrantReason.OUT_OF_HOURS_EPISODE, from, until, GP_AT_PRACTICE))
                    .expectEvents(granted(Grantee.organisation(COUNCIL), GrantReason.OUT_OF_HOURS_EPISODE, from, until,
                            GP_AT_PRACTICE));
        }

        @ParameterizedTest(name = "{0} for exactly {1}")
        @CsvSource({"REFERRAL, P180D", "CASELOAD, P365D", "SOCIAL_CARE_ALLOCATION, P365D", "OUT_OF_HOURS_EPISODE, PT72H",
                "OUTPATIENT_REFERRAL, P365D"})
        void a_grant_may_last_exactly_its_policy_maximum(GrantReason reason, Duration maximum) {
            fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), reason, AT, AT.plus(maximum), GP_AT_PRACTICE))
                    .expectEvents(granted(Grantee.user(DISTRICT_NURSE), reason, AT, AT.plus(maximum), GP_AT_PRACTICE));
        }

        @ParameterizedTest(name = "{0} for a second over {1}")
        @CsvSource({"REFERRAL, P180D", "CASELOAD, P365D", "SOCIAL_CARE_ALLOCATION, P365D", "OUT_OF_HOURS_EPISODE, PT72H",
                "OUTPATIENT_REFERRAL, P365D"})
        void a_grant_longer_than_its_policy_maximum_is_refused(GrantReason reason, Duration maximum) {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), reason, AT, AT.plus(maximum).plusSeconds(1), GP_AT_PRACTICE)),
                    Kind.EXCEEDS_POLICY_MAXIMUM);
        }

        @Test
        void a_grant_that_ends_before_it_starts_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT.plus(Duration.ofDays(2)),
                            AT.plus(Duration.ofDays(1)), GP_AT_PRACTICE)), Kind.INVALID_VALIDITY_WINDOW);
        }

        @Test
        void a_grant_that_ends_as_it_starts_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT.plusSeconds(60),
                            AT.plusSeconds(60), GP_AT_PRACTICE)), Kind.INVALID_VALIDITY_WINDOW);
        }

        @Test
        void a_grant_that_already_ended_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT.minus(Duration.ofDays(10)),
                            AT.minus(Duration.ofDays(1)), GP_AT_PRACTICE)), Kind.INVALID_VALIDITY_WINDOW);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT.minus(Duration.ofDays(10)),
                            AT, GP_AT_PRACTICE)), Kind.INVALID_VALIDITY_WINDOW);
        }

        @Test
        void a_grant_without_a_window_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, null, AT.plusSeconds(60), GP_AT_PRACTICE)),
                    Kind.INVALID_INPUT);
        }

        @Test
        void a_grant_to_an_unknown_user_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(UNKNOWN_USER), GrantReason.REFERRAL, AT, AT.plusSeconds(60), GP_AT_PRACTICE)),
                    Kind.UNKNOWN_STAFF_MEMBER);
        }

        @Test
        void a_grant_to_an_unknown_team_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.team(UNKNOWN_TEAM), GrantReason.REFERRAL, AT, AT.plusSeconds(60), GP_AT_PRACTICE)),
                    Kind.UNKNOWN_TEAM);
        }

        @Test
        void a_grant_to_an_unknown_organisation_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.organisation(UNKNOWN_ORGANISATION), GrantReason.REFERRAL, AT, AT.plusSeconds(60),
                            GP_AT_PRACTICE)), Kind.UNKNOWN_ORGANISATION);
        }

        @ParameterizedTest
        @EnumSource(value = Role.class, names = {"IG_OFFICER", "ADMINISTRATOR"})
        void a_role_that_may_not_grant_is_refused(Role role) {
            Actor grantor = staff("00000000-0000-0000-0000-0000000000c1", role, PRACTICE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, AT.plusSeconds(60), grantor)),
                    Kind.NOT_PERMITTED);
        }

        @Test
        void a_patient_may_not_grant() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, AT.plusSeconds(60), THE_PATIENT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void a_grant_for_an_unregistered_patient_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new GrantAccess(UNREGISTERED, REFERRAL_GRANT, Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL,
                            COMMUNITY_NURSING_SCOPE, AT, AT.plusSeconds(60), GP_AT_PRACTICE, AT)), Kind.UNKNOWN_PATIENT);
        }

        @Test
        void a_grant_id_used_twice_is_refused() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.REFERRAL, AT, AT.plusSeconds(60), GP_AT_PRACTICE)),
                    Kind.ALREADY_EXISTS);
        }

        @Test
        void sealed_entries_are_not_disclosed_by_an_ordinary_grant() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(grant(Grantee.user(DISTRICT_NURSE), GrantReason.SEALED_ENTRY_DISCLOSURE, AT, AT.plusSeconds(60),
                            GP_AT_PRACTICE)), Kind.INVALID_INPUT);
        }
    }

    @Nested
    class GrantAccessToSealedEntries {

        GrantSealedEntryAccess unseal(Grantee grantee, List<EntryId> entries, String reason, Instant until) {
            return new GrantSealedEntryAccess(PATIENT, SEALED_GRANT, grantee, entries, reason, AT, until, GP_AT_PRACTICE, AT);
        }

        @Test
        void a_gp_unseals_an_entry_for_a_named_user() {
            Instant until = AT.plus(Duration.ofDays(90));
            fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.user(DISTRICT_NURSE), List.of(SEALED_ENTRY), " wound care needs it ", until))
                    .expectEvents(new SealedEntryAccessGranted(PATIENT, SEALED_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "wound care needs it", AT, until, GP_AT_PRACTICE, AT));
        }

        @Test
        void unsealing_for_a_whole_organisation_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.organisation(COMMUNITY_TRUST), List.of(SEALED_ENTRY), "why", AT.plusSeconds(60))),
                    Kind.INVALID_INPUT);
        }

        @Test
        void unsealing_no_entries_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.user(DISTRICT_NURSE), List.of(), "why", AT.plusSeconds(60))), Kind.INVALID_INPUT);
        }

        @Test
        void unsealing_without_a_reason_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.user(DISTRICT_NURSE), List.of(SEALED_ENTRY), "  ", AT.plusSeconds(60))),
                    Kind.REASON_REQUIRED);
        }

        @Test
        void unsealing_for_longer_than_the_policy_maximum_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.user(DISTRICT_NURSE), List.of(SEALED_ENTRY), "why",
                            AT.plus(Duration.ofDays(90)).plusSeconds(1))), Kind.EXCEEDS_POLICY_MAXIMUM);
        }

        @Test
        void unsealing_for_an_unknown_team_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(unseal(Grantee.team(UNKNOWN_TEAM), List.of(SEALED_ENTRY), "why", AT.plusSeconds(60))),
                    Kind.UNKNOWN_TEAM);
        }

        @Test
        void unsealing_by_an_ig_officer_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new GrantSealedEntryAccess(PATIENT, SEALED_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "why", AT, AT.plusSeconds(60), IG_OFFICER, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void a_sealed_entry_grant_reusing_a_grant_id_is_refused() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new GrantSealedEntryAccess(PATIENT, REFERRAL_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "why", AT, AT.plusSeconds(60), GP_AT_PRACTICE, AT)), Kind.ALREADY_EXISTS);
        }
    }

    @Nested
    class RevokeAGrant {

        @Test
        void the_grantor_role_revokes_a_grant_with_a_reason() {
            fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, " discharged from caseload ", GP_AT_PRACTICE, AT))
                    .expectEvents(new AccessGrantRevoked(PATIENT, REFERRAL_GRANT, "discharged from caseload", GP_AT_PRACTICE, AT));
        }

        @Test
        void an_ig_officer_may_revoke_a_grant() {
            fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "inappropriate", IG_OFFICER, AT))
                    .expectEvents(new AccessGrantRevoked(PATIENT, REFERRAL_GRANT, "inappropriate", IG_OFFICER, AT));
        }

        @Test
        void a_sealed_entry_grant_can_be_revoked() {
            fixture.given(new SealedEntryAccessGranted(PATIENT, SEALED_GRANT, Grantee.user(DISTRICT_NURSE),
                            List.of(SEALED_ENTRY), "why", EARLIER, AT.plusSeconds(3600), GP_AT_PRACTICE, EARLIER))
                    .when(new RevokeAccessGrant(PATIENT, SEALED_GRANT, "no longer needed", GP_AT_PRACTICE, AT))
                    .expectEvents(new AccessGrantRevoked(PATIENT, SEALED_GRANT, "no longer needed", GP_AT_PRACTICE, AT));
        }

        @Test
        void revoking_an_unknown_grant_is_refused() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, UNKNOWN_GRANT, "why", GP_AT_PRACTICE, AT)), Kind.UNKNOWN_GRANT);
        }

        @Test
        void revoking_on_a_record_with_no_grants_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "why", GP_AT_PRACTICE, AT)), Kind.UNKNOWN_GRANT);
        }

        @Test
        void revoking_twice_is_refused() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM, REFERRAL_REVOKED)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "again", GP_AT_PRACTICE, AT)),
                    Kind.GRANT_ALREADY_REVOKED);
        }

        @Test
        void a_patient_may_not_revoke_a_grant() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, "why", THE_PATIENT, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void revoking_without_a_reason_is_refused() {
            expectRefused(fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM)
                    .when(new RevokeAccessGrant(PATIENT, REFERRAL_GRANT, null, GP_AT_PRACTICE, AT)), Kind.REASON_REQUIRED);
        }
    }

    @Nested
    class DeclareAnEmergency {

        @ParameterizedTest(name = "{0}")
        @EnumSource(value = Role.class, names = {"GP", "PRACTICE_NURSE", "DISTRICT_NURSE", "MENTAL_HEALTH_PRACTITIONER",
                "PHARMACIST", "OOH_CLINICIAN", "SPECIALIST"})
        void a_clinical_role_breaks_glass_for_four_hours(Role role) {
            Actor clinician = staff("00000000-0000-0000-0000-0000000000c1", role, COMMUNITY_TRUST);
            fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, " unconscious in A&E ", clinician, AT))
                    .expectEvents(new EmergencyAccessDeclared(PATIENT, EMERGENCY, "unconscious in A&E",
                            Instant.parse("2025-03-04T18:30:00Z"), clinician, AT));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(value = Role.class, names = {"SOCIAL_WORKER", "PRACTICE_ADMIN", "IG_OFFICER", "ADMINISTRATOR"})
        void a_non_clinical_role_may_not_break_glass(Role role) {
            Actor actor = staff("00000000-0000-0000-0000-0000000000c1", role, PRACTICE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, "urgent", actor, AT)), Kind.EMERGENCY_NOT_PERMITTED);
        }

        @Test
        void a_patient_may_not_break_glass() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, "urgent", THE_PATIENT, AT)),
                    Kind.EMERGENCY_NOT_PERMITTED);
        }

        @ParameterizedTest(name = "reason \"{0}\"")
        @CsvSource(value = {"''", "'  '", "NULL"}, nullValues = "NULL")
        void breaking_glass_needs_a_written_reason(String reason) {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, reason, GP_AT_PRACTICE, AT)), Kind.REASON_REQUIRED);
        }

        @Test
        void breaking_glass_on_an_unregistered_patient_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new DeclareEmergencyAccess(UNREGISTERED, EMERGENCY, "urgent", GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_PATIENT);
        }

        @Test
        void an_emergency_id_used_twice_is_refused() {
            expectRefused(fixture.given(new EmergencyAccessDeclared(PATIENT, EMERGENCY, "urgent",
                            EARLIER.plus(Duration.ofHours(4)), GP_AT_PRACTICE, EARLIER))
                    .when(new DeclareEmergencyAccess(PATIENT, EMERGENCY, "urgent", GP_AT_PRACTICE, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void a_second_emergency_alongside_grants_is_declared() {
            EmergencyAccessId second = EmergencyAccessId.of("eeeeeeee-0000-0000-0000-000000000002");
            fixture.given(REFERRAL_TO_DISTRICT_NURSING_TEAM, new EmergencyAccessDeclared(PATIENT, EMERGENCY, "urgent",
                            EARLIER.plus(Duration.ofHours(4)), GP_AT_PRACTICE, EARLIER))
                    .when(new DeclareEmergencyAccess(PATIENT, second, "collapsed again", GP_AT_PRACTICE, AT))
                    .expectEvents(new EmergencyAccessDeclared(PATIENT, second, "collapsed again",
                            AT.plus(Duration.ofHours(4)), GP_AT_PRACTICE, AT));
        }
    }

    @Nested
    class ReportAnAccessThePatientDoesNotRecognise {

        @Test
        void the_patient_reports_an_access_with_a_comment() {
            fixture.givenNoPriorActivity()
                    .when(new ReportUnrecognisedAccess(PATIENT, "access-event-1", "  I was abroad  ", THE_PATIENT, AT))
                    .expectEvents(new UnrecognisedAccessReported(PATIENT, "access-event-1", "I was abroad", THE_PATIENT, AT));
        }

        @Test
        void the_same_access_is_reported_once() {
            expectRefused(fixture.given(new UnrecognisedAccessReported(PATIENT, "access-event-1", null, THE_PATIENT, EARLIER))
                    .when(new ReportUnrecognisedAccess(PATIENT, "access-event-1", null, THE_PATIENT, AT)),
                    Kind.ALREADY_EXISTS);
        }

        @Test
        void only_the_patient_reports() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new ReportUnrecognisedAccess(PATIENT, "access-event-1", null, GP_AT_PRACTICE, AT)),
                    Kind.NOT_PERMITTED);
        }

        @Test
        void a_report_for_an_unregistered_patient_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new ReportUnrecognisedAccess(UNREGISTERED, "access-event-1", null, THE_PATIENT, AT)),
                    Kind.UNKNOWN_PATIENT);
        }
    }
}
