package org.careledger.consent;

import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.StubCareRelationships;
import org.careledger.shared.Actor;
import org.careledger.shared.InMemoryRegisters;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;

import static org.careledger.shared.ConsentDecision.GRANTED;
import static org.careledger.shared.ConsentDecision.REFUSED;
import static org.careledger.shared.ConsentDirection.SHARE_IN;
import static org.careledger.shared.ConsentDirection.SHARE_OUT;
import static org.careledger.consent.ConsentMethod.ONLINE_BY_PATIENT;
import static org.careledger.consent.ConsentMethod.VERBAL;
import static org.careledger.consent.ConsentMethod.WRITTEN;
import static org.careledger.shared.Refusals.expectRefused;

class PatientConsentTest {

    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final NhsNumber UNREGISTERED = NhsNumber.of("9990000026");
    static final OdsCode PRACTICE = OdsCode.of("A81001");
    static final OdsCode PHARMACY = OdsCode.of("FA123");
    static final OdsCode UNKNOWN_ORGANISATION = OdsCode.of("B99999");
    static final Instant EARLIER = Instant.parse("2025-03-03T10:15:00Z");
    static final Instant AT = Instant.parse("2025-03-04T14:30:00Z");

    static final Actor GP_AT_PRACTICE = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000002"), Role.GP, PRACTICE);
    static final Actor PHARMACIST = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000005"), Role.PHARMACIST, PHARMACY);
    static final Actor THE_PATIENT = Actor.patient(UserId.of("00000000-0000-0000-0000-0000000000aa"));

    static final DissentRecorded DISSENT_RECORDED_BY_GP = new DissentRecorded(PATIENT, WRITTEN, GP_AT_PRACTICE, EARLIER);
    static final ConsentDecisionRecorded PRACTICE_SHARES_OUT =
            new ConsentDecisionRecorded(PATIENT, PRACTICE, SHARE_OUT, GRANTED, VERBAL, GP_AT_PRACTICE, EARLIER);

    FixtureConfiguration<PatientConsent> fixture;

    StubCareRelationships relationships;

    @BeforeEach
    void aRegisteredPatientAPracticeAndAPharmacy() {
        fixture = new AggregateTestFixture<>(PatientConsent.class);
        relationships = StubCareRelationships.registeredForEveryone();
        fixture.registerInjectableResource(relationships);
        fixture.registerInjectableResource(InMemoryRegisters.empty()
                .withPatient(PATIENT)
                .withOrganisation(PRACTICE, OrganisationType.GP_PRACTICE)
                .withOrganisation(PHARMACY, OrganisationType.PHARMACY));
    }

    @Nested
    class ARecorderNeedsACareRelationship {

        @Test
        void a_pharmacist_with_no_relationship_may_not_record_a_decision() {
            relationships.without(PHARMACIST);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PHARMACY, SHARE_IN, GRANTED, WRITTEN, PHARMACIST, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void staff_with_no_relationship_may_not_record_or_withdraw_dissent() {
            relationships.without(PHARMACIST);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordDissent(PATIENT, WRITTEN, PHARMACIST, AT)), Kind.NO_CARE_RELATIONSHIP);
            expectRefused(fixture.given(DISSENT_RECORDED_BY_GP)
                    .when(new WithdrawDissent(PATIENT, WRITTEN, PHARMACIST, AT)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_relationship_is_checked_before_the_decision_itself() {
            relationships.without(PHARMACIST);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, UNKNOWN_ORGANISATION, SHARE_IN, GRANTED, WRITTEN,
                            PHARMACIST, AT)), Kind.NO_CARE_RELATIONSHIP);
        }

        @ParameterizedTest(name = "a recorder holding {0}")
        @EnumSource(value = Basis.class, names = {"REGISTERED", "GRANT", "EMERGENCY"})
        void any_basis_lets_staff_record(Basis basis) {
            relationships.with(PHARMACIST, basis);
            fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PHARMACY, SHARE_IN, GRANTED, WRITTEN, PHARMACIST, AT))
                    .expectEvents(new ConsentDecisionRecorded(PATIENT, PHARMACY, SHARE_IN, GRANTED, WRITTEN, PHARMACIST, AT));
        }

        @Test
        void the_patient_needs_no_relationship_online() {
            relationships.nobodyElse();
            fixture.givenNoPriorActivity()
                    .when(new RecordDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT))
                    .expectEvents(new DissentRecorded(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT));
        }

        @Test
        void an_unknown_patient_is_refused_as_unknown() {
            relationships.nobodyElse();
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordDissent(UNREGISTERED, WRITTEN, GP_AT_PRACTICE, AT)), Kind.UNKNOWN_PATIENT);
        }
    }

    @Nested
    class RecordAConsentDecision {

        @Test
        void a_gp_records_a_verbal_share_out_decision() {
            fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, GRANTED, VERBAL, GP_AT_PRACTICE, AT))
                    .expectEvents(new ConsentDecisionRecorded(PATIENT, PRACTICE, SHARE_OUT, GRANTED, VERBAL, GP_AT_PRACTICE, AT));
        }

        @Test
        void a_pharmacist_records_a_written_share_in_decision_for_another_organisation() {
            fixture.given(PRACTICE_SHARES_OUT)
                    .when(new RecordConsentDecision(PATIENT, PHARMACY, SHARE_IN, GRANTED, WRITTEN, PHARMACIST, AT))
                    .expectEvents(new ConsentDecisionRecorded(PATIENT, PHARMACY, SHARE_IN, GRANTED, WRITTEN, PHARMACIST, AT));
        }

        @Test
        void the_patient_changes_their_own_decision_online() {
            fixture.given(PRACTICE_SHARES_OUT)
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, REFUSED, ONLINE_BY_PATIENT, THE_PATIENT, AT))
                    .expectEvents(new ConsentDecisionRecorded(PATIENT, PRACTICE, SHARE_OUT, REFUSED, ONLINE_BY_PATIENT,
                            THE_PATIENT, AT));
        }

        @Test
        void a_decision_for_an_unknown_organisation_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, UNKNOWN_ORGANISATION, SHARE_OUT, GRANTED, VERBAL, GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_ORGANISATION);
        }

        @Test
        void a_decision_for_an_unregistered_patient_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(UNREGISTERED, PRACTICE, SHARE_OUT, GRANTED, VERBAL, GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_PATIENT);
        }

        @ParameterizedTest
        @EnumSource(value = Role.class, names = {"IG_OFFICER", "ADMINISTRATOR"})
        void ig_officers_and_administrators_record_no_consent(Role role) {
            Actor recorder = Actor.staff(UserId.of("00000000-0000-0000-0000-0000000000c1"), role, PRACTICE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, GRANTED, WRITTEN, recorder, AT)),
                    Kind.NOT_PERMITTED);
        }

        @ParameterizedTest
        @EnumSource(value = ConsentMethod.class, names = {"VERBAL", "WRITTEN"})
        void a_patient_records_consent_online_only(ConsentMethod method) {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, GRANTED, method, THE_PATIENT, AT)),
                    Kind.INVALID_INPUT);
        }

        @Test
        void staff_may_not_record_consent_as_given_online_by_the_patient() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, GRANTED, ONLINE_BY_PATIENT, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
        }

        @Test
        void a_decision_needs_a_method_a_direction_and_a_decision() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_OUT, GRANTED, null, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, null, GRANTED, VERBAL, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordConsentDecision(PATIENT, PRACTICE, SHARE_IN, null, VERBAL, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
        }
    }

    @Nested
    class DissentFromSharing {

        @Test
        void a_patient_dissents_online() {
            fixture.givenNoPriorActivity()
                    .when(new RecordDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT))
                    .expectEvents(new DissentRecorded(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT));
        }

        @Test
        void a_gp_records_dissent_after_earlier_decisions() {
            fixture.given(PRACTICE_SHARES_OUT)
                    .when(new RecordDissent(PATIENT, WRITTEN, GP_AT_PRACTICE, AT))
                    .expectEvents(new DissentRecorded(PATIENT, WRITTEN, GP_AT_PRACTICE, AT));
        }

        @Test
        void dissenting_twice_is_refused() {
            expectRefused(fixture.given(DISSENT_RECORDED_BY_GP)
                    .when(new RecordDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT)), Kind.CONFLICTING_STATE);
        }

        @Test
        void dissent_for_an_unregistered_patient_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordDissent(UNREGISTERED, VERBAL, GP_AT_PRACTICE, AT)), Kind.UNKNOWN_PATIENT);
        }

        @Test
        void dissent_recorded_by_staff_as_online_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordDissent(PATIENT, ONLINE_BY_PATIENT, GP_AT_PRACTICE, AT)), Kind.INVALID_INPUT);
        }

        @Test
        void the_patient_withdraws_dissent_online() {
            fixture.given(DISSENT_RECORDED_BY_GP)
                    .when(new WithdrawDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT))
                    .expectEvents(new DissentWithdrawn(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT));
        }

        @Test
        void dissent_can_be_recorded_again_after_withdrawal() {
            fixture.given(DISSENT_RECORDED_BY_GP, new DissentWithdrawn(PATIENT, VERBAL, GP_AT_PRACTICE, EARLIER.plusSeconds(60)))
                    .when(new RecordDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT))
                    .expectEvents(new DissentRecorded(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT));
        }

        @Test
        void withdrawing_dissent_when_none_was_ever_recorded_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new WithdrawDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT)), Kind.CONFLICTING_STATE);
        }

        @Test
        void withdrawing_dissent_when_only_decisions_exist_is_refused() {
            expectRefused(fixture.given(PRACTICE_SHARES_OUT)
                    .when(new WithdrawDissent(PATIENT, VERBAL, GP_AT_PRACTICE, AT)), Kind.CONFLICTING_STATE);
        }

        @Test
        void withdrawing_dissent_twice_is_refused() {
            expectRefused(fixture.given(DISSENT_RECORDED_BY_GP, new DissentWithdrawn(PATIENT, VERBAL, GP_AT_PRACTICE, EARLIER))
                    .when(new WithdrawDissent(PATIENT, ONLINE_BY_PATIENT, THE_PATIENT, AT)), Kind.CONFLICTING_STATE);
        }

        @Test
        void an_ig_officer_may_not_withdraw_dissent() {
            Actor ig = Actor.staff(UserId.of("00000000-0000-0000-0000-000000000008"), Role.IG_OFFICER, PRACTICE);
            expectRefused(fixture.given(DISSENT_RECORDED_BY_GP)
                    .when(new WithdrawDissent(PATIENT, WRITTEN, ig, AT)), Kind.NOT_PERMITTED);
        }
    }
}
