package org.careledger.record;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.StubCareRelationships;
import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.InMemoryRegisters;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import static org.careledger.shared.Refusals.expectRefused;

class PatientRecordTest {

    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final NhsNumber UNREGISTERED = NhsNumber.of("9990000026");
    static final OdsCode PRACTICE = OdsCode.of("A81001");
    static final OdsCode OTHER_PRACTICE = OdsCode.of("A81002");
    static final OdsCode PHARMACY = OdsCode.of("FA123");
    static final OdsCode COUNCIL = OdsCode.of("SC101");
    static final OdsCode COMMUNITY_TRUST = OdsCode.of("RY1");
    static final OdsCode MENTAL_HEALTH_TRUST = OdsCode.of("RXT");
    static final OdsCode UNKNOWN_ORGANISATION = OdsCode.of("B99999");
    static final Instant REGISTERED_AT = Instant.parse("2025-01-06T09:00:00Z");
    static final Instant RECORDED_AT = Instant.parse("2025-03-03T10:15:00Z");
    static final Instant AT = Instant.parse("2025-03-04T14:30:00Z");
    static final LocalDate ON = LocalDate.of(2025, 3, 3);

    static final Actor ADMIN_AT_PRACTICE = staff("00000000-0000-0000-0000-000000000001", Role.PRACTICE_ADMIN, PRACTICE);
    static final Actor GP_AT_PRACTICE = staff("00000000-0000-0000-0000-000000000002", Role.GP, PRACTICE);
    static final Actor NURSE_AT_PRACTICE = staff("00000000-0000-0000-0000-000000000003", Role.PRACTICE_NURSE, PRACTICE);
    static final Actor GP_AT_OTHER_PRACTICE = staff("00000000-0000-0000-0000-000000000004", Role.GP, OTHER_PRACTICE);
    static final Actor PHARMACIST_AT_PHARMACY = staff("00000000-0000-0000-0000-000000000005", Role.PHARMACIST, PHARMACY);
    static final Actor SOCIAL_WORKER_AT_COUNCIL = staff("00000000-0000-0000-0000-000000000006", Role.SOCIAL_WORKER, COUNCIL);
    static final Actor DISTRICT_NURSE_AT_TRUST = staff("00000000-0000-0000-0000-000000000007", Role.DISTRICT_NURSE, COMMUNITY_TRUST);
    static final Actor IG_OFFICER_AT_PRACTICE = staff("00000000-0000-0000-0000-000000000008", Role.IG_OFFICER, PRACTICE);
    static final Actor ADMINISTRATOR = staff("00000000-0000-0000-0000-000000000009", Role.ADMINISTRATOR, PRACTICE);
    static final Actor THE_PATIENT = Actor.patient(UserId.of("00000000-0000-0000-0000-0000000000aa"));

    static final Demographics ANN_SMITH = new Demographics("Ann", "Smith", LocalDate.of(1970, 1, 1),
            Demographics.Gender.FEMALE, new Address("1 High Street", null, "Leeds", "LS1 1AA"));
    static final Demographics ANN_SMITH_MOVED = new Demographics("Ann", "Smith", LocalDate.of(1970, 1, 1),
            Demographics.Gender.FEMALE, new Address("2 Low Road", "Flat 3", "Leeds", "LS2 2BB"));

    static final EntryId ASTHMA_ENTRY = EntryId.of("11111111-1111-1111-1111-111111111111");
    static final EntryId OTHER_ENTRY = EntryId.of("22222222-2222-2222-2222-222222222222");
    static final EntryContent ASTHMA = EntryContent.coded(ClinicalCode.snomed("195967001"), "Asthma", ON);
    static final EntryContent ASTHMA_CORRECTED = new EntryContent(ClinicalCode.snomed("195967001"), "Asthma",
            "childhood onset", null, LocalDate.of(1980, 1, 1), null);
    static final EntryContent PARACETAMOL = EntryContent.coded(ClinicalCode.dmd("322236009"), "Paracetamol 500mg tablets", ON);
    static final EntryContent PARACETAMOL_AS_SNOMED = EntryContent.coded(ClinicalCode.snomed("22298006"), "Myocardial infarction", ON);
    static final EntryContent FREE_TEXT = EntryContent.text("Seen at home, wound healing well", ON);

    static final PatientRegistered REGISTERED_AT_PRACTICE =
            new PatientRegistered(PATIENT, ANN_SMITH, PRACTICE, ADMIN_AT_PRACTICE, REGISTERED_AT);
    static final EntryRecorded ASTHMA_RECORDED_AT_PRACTICE = new EntryRecorded(PATIENT, ASTHMA_ENTRY, Section.PROBLEMS,
            ASTHMA, Sensitivity.NORMAL, GP_AT_PRACTICE, RECORDED_AT);
    static final EntryMarkedEnteredInError ASTHMA_MARKED_IN_ERROR =
            new EntryMarkedEnteredInError(PATIENT, ASTHMA_ENTRY, "wrong patient", GP_AT_PRACTICE, RECORDED_AT.plusSeconds(60));

    static Actor staff(String user, Role role, OdsCode organisation) {
        return Actor.staff(UserId.of(user), role, organisation);
    }

    FixtureConfiguration<PatientRecord> fixture;

    StubCareRelationships relationships;

    @BeforeEach
    void regionWithTwoPracticesAPharmacyACouncilAndTrusts() {
        fixture = new AggregateTestFixture<>(PatientRecord.class);
        relationships = StubCareRelationships.registeredForEveryone();
        fixture.registerInjectableResource(relationships);
        fixture.registerInjectableResource(PolicyInForce.fixed(RolePolicy.defaultPolicy()));
        fixture.registerInjectableResource(InMemoryRegisters.empty()
                .withOrganisation(PRACTICE, OrganisationType.GP_PRACTICE)
                .withOrganisation(OTHER_PRACTICE, OrganisationType.GP_PRACTICE)
                .withOrganisation(PHARMACY, OrganisationType.PHARMACY)
                .withOrganisation(COUNCIL, OrganisationType.SOCIAL_CARE)
                .withOrganisation(COMMUNITY_TRUST, OrganisationType.COMMUNITY_HEALTH)
                .withOrganisation(MENTAL_HEALTH_TRUST, OrganisationType.MENTAL_HEALTH));
    }

    @Nested
    class RegisterPatientAtTheirPractice {

        @Test
        void a_practice_admin_registers_a_patient_at_their_own_practice() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, ADMIN_AT_PRACTICE, AT))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new PatientRegistered(PATIENT, ANN_SMITH, PRACTICE, ADMIN_AT_PRACTICE, AT));
        }

        @Test
        void a_gp_registers_a_patient_at_their_own_practice() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, GP_AT_PRACTICE, AT))
                    .expectEvents(new PatientRegistered(PATIENT, ANN_SMITH, PRACTICE, GP_AT_PRACTICE, AT));
        }

        @Test
        void registering_a_patient_twice_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, ADMIN_AT_PRACTICE, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void registering_at_an_unknown_organisation_is_refused() {
            Actor adminThere = staff("00000000-0000-0000-0000-0000000000b1", Role.PRACTICE_ADMIN, UNKNOWN_ORGANISATION);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, UNKNOWN_ORGANISATION, adminThere, AT)),
                    Kind.UNKNOWN_ORGANISATION);
        }

        @Test
        void registering_at_an_organisation_that_is_not_a_gp_practice_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PHARMACY, PHARMACIST_AT_PHARMACY, AT)),
                    Kind.INVALID_INPUT);
        }

        @Test
        void another_practice_may_not_register_a_patient_here() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, GP_AT_OTHER_PRACTICE, AT)),
                    Kind.NOT_PERMITTED);
        }

        @Test
        void a_role_that_may_not_write_demographics_may_not_register() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, IG_OFFICER_AT_PRACTICE, AT)),
                    Kind.SECTION_NOT_WRITABLE);
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, ADMINISTRATOR, AT)),
                    Kind.SECTION_NOT_WRITABLE);
        }

        @Test
        void a_patient_may_not_register_themselves() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, THE_PATIENT, AT)),
                    Kind.SECTION_NOT_WRITABLE);
        }

        @Test
        void registering_without_demographics_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, null, PRACTICE, ADMIN_AT_PRACTICE, AT)), Kind.INVALID_INPUT);
        }
    }

    @Nested
    class AWriterNeedsACareRelationship {

        @ParameterizedTest(name = "a writer holding {0}")
        @EnumSource(value = Basis.class, names = {"REGISTERED", "GRANT", "EMERGENCY"})
        void any_basis_lets_a_writer_record(Basis basis) {
            relationships.with(GP_AT_OTHER_PRACTICE, basis);
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.CONSULTATIONS, FREE_TEXT, Sensitivity.NORMAL,
                            GP_AT_OTHER_PRACTICE, AT))
                    .expectEvents(new EntryRecorded(PATIENT, OTHER_ENTRY, Section.CONSULTATIONS, FREE_TEXT,
                            Sensitivity.NORMAL, GP_AT_OTHER_PRACTICE, AT));
        }

        @Test
        void a_gp_anywhere_may_not_record_in_an_unrelated_record() {
            relationships.without(GP_AT_OTHER_PRACTICE);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.CONSULTATIONS, FREE_TEXT, Sensitivity.NORMAL,
                            GP_AT_OTHER_PRACTICE, AT)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void the_relationship_is_checked_before_the_entry_so_nothing_about_the_record_leaks() {
            relationships.without(GP_AT_OTHER_PRACTICE);
            // the entry id exists and a PROBLEMS entry needs a code: an unrelated writer hears of neither
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, ASTHMA_ENTRY, Section.PROBLEMS, FREE_TEXT, Sensitivity.NORMAL,
                            GP_AT_OTHER_PRACTICE, AT)), Kind.NO_CARE_RELATIONSHIP);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA, "why", null, GP_AT_OTHER_PRACTICE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_author_who_lost_their_relationship_may_not_amend() {
            relationships.without(GP_AT_PRACTICE);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "onset", null, GP_AT_PRACTICE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_author_who_lost_their_relationship_may_not_mark_in_error() {
            relationships.without(GP_AT_PRACTICE);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, "wrong patient", null, GP_AT_PRACTICE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_author_who_lost_their_relationship_may_not_change_sensitivity() {
            relationships.without(GP_AT_PRACTICE);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.PRIVATE, "private", null,
                            GP_AT_PRACTICE, AT)), Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void demographics_are_updated_only_with_a_relationship() {
            relationships.without(ADMIN_AT_PRACTICE);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new UpdateDemographics(PATIENT, ANN_SMITH_MOVED, ADMIN_AT_PRACTICE, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void an_unknown_patient_is_refused_as_unknown_before_any_relationship_is_asked() {
            relationships.nobodyElse();
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordEntry(UNREGISTERED, ASTHMA_ENTRY, Section.PROBLEMS, ASTHMA, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT)), Kind.UNKNOWN_PATIENT);
        }

        @Test
        void registering_and_transferring_need_no_prior_relationship() {
            relationships.nobodyElse();
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, ANN_SMITH, PRACTICE, ADMIN_AT_PRACTICE, REGISTERED_AT))
                    .expectEvents(REGISTERED_AT_PRACTICE);
            Actor receiving = staff("00000000-0000-0000-0000-0000000000b1", Role.PRACTICE_ADMIN, OTHER_PRACTICE);
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, OTHER_PRACTICE, receiving, AT))
                    .expectEvents(new RegistrationTransferred(PATIENT, PRACTICE, OTHER_PRACTICE, receiving, AT));
        }
    }

    @Nested
    class UpdateDemographicsOfARegisteredPatient {

        @Test
        void a_practice_admin_updates_demographics() {
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new UpdateDemographics(PATIENT, ANN_SMITH_MOVED, ADMIN_AT_PRACTICE, AT))
                    .expectEvents(new DemographicsUpdated(PATIENT, ANN_SMITH_MOVED, ADMIN_AT_PRACTICE, AT));
        }

        @Test
        void an_unregistered_patient_has_no_demographics_to_update() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new UpdateDemographics(UNREGISTERED, ANN_SMITH_MOVED, ADMIN_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_PATIENT);
        }

        @Test
        void the_patient_and_the_ig_officer_may_not_update_demographics() {
            // a patient holds no care relationship with a record (the edge keeps them to their own, read-only)
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new UpdateDemographics(PATIENT, ANN_SMITH_MOVED, THE_PATIENT, AT)), Kind.NO_CARE_RELATIONSHIP);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new UpdateDemographics(PATIENT, ANN_SMITH_MOVED, IG_OFFICER_AT_PRACTICE, AT)),
                    Kind.SECTION_NOT_WRITABLE);
        }

        @Test
        void updating_to_no_demographics_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new UpdateDemographics(PATIENT, null, ADMIN_AT_PRACTICE, AT)), Kind.INVALID_INPUT);
        }
    }

    @Nested
    class TransferRegistrationToAnotherPractice {

        @Test
        void the_receiving_practice_transfers_the_registration() {
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, OTHER_PRACTICE, GP_AT_OTHER_PRACTICE, AT))
                    .expectEvents(new RegistrationTransferred(PATIENT, PRACTICE, OTHER_PRACTICE, GP_AT_OTHER_PRACTICE, AT));
        }

        @Test
        void a_transferred_patient_can_be_transferred_back() {
            fixture.given(REGISTERED_AT_PRACTICE,
                            new RegistrationTransferred(PATIENT, PRACTICE, OTHER_PRACTICE, GP_AT_OTHER_PRACTICE, RECORDED_AT))
                    .when(new TransferRegistration(PATIENT, PRACTICE, ADMIN_AT_PRACTICE, AT))
                    .expectEvents(new RegistrationTransferred(PATIENT, OTHER_PRACTICE, PRACTICE, ADMIN_AT_PRACTICE, AT));
        }

        @Test
        void transferring_to_the_current_practice_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, PRACTICE, ADMIN_AT_PRACTICE, AT)), Kind.CONFLICTING_STATE);
        }

        @Test
        void transferring_to_a_non_gp_organisation_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, PHARMACY, PHARMACIST_AT_PHARMACY, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void someone_outside_a_gp_practice_is_refused_alike_for_an_unregistered_patient() {
            // as for a registered one (above): who may transfer is checked before the patient, so nothing is learnt
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new TransferRegistration(UNREGISTERED, PHARMACY, PHARMACIST_AT_PHARMACY, AT)),
                    Kind.NOT_PERMITTED);
        }

        @Test
        void pushing_an_unregistered_patient_to_another_practice_is_refused_as_for_a_registered_one() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new TransferRegistration(UNREGISTERED, OTHER_PRACTICE, GP_AT_PRACTICE, AT)),
                    Kind.NOT_PERMITTED);
        }

        @Test
        void transferring_to_an_unknown_organisation_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, UNKNOWN_ORGANISATION,
                            staff("00000000-0000-0000-0000-0000000000b2", Role.GP, UNKNOWN_ORGANISATION), AT)),
                    Kind.UNKNOWN_ORGANISATION);
        }

        @Test
        void the_sending_practice_may_not_push_a_patient_away() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new TransferRegistration(PATIENT, OTHER_PRACTICE, GP_AT_PRACTICE, AT)), Kind.NOT_PERMITTED);
        }

        @Test
        void an_unregistered_patient_cannot_be_transferred() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new TransferRegistration(UNREGISTERED, OTHER_PRACTICE, GP_AT_OTHER_PRACTICE, AT)),
                    Kind.UNKNOWN_PATIENT);
        }
    }

    @Nested
    class RecordAnEntry {

        @Test
        void a_gp_records_a_coded_problem() {
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, ASTHMA_ENTRY, Section.PROBLEMS, ASTHMA, Sensitivity.NORMAL, GP_AT_PRACTICE, AT))
                    .expectEvents(new EntryRecorded(PATIENT, ASTHMA_ENTRY, Section.PROBLEMS, ASTHMA, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT));
        }

        @Test
        void a_pharmacist_records_a_medication_coded_in_dmd() {
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.MEDICATIONS, PARACETAMOL, Sensitivity.NORMAL,
                            PHARMACIST_AT_PHARMACY, AT))
                    .expectEvents(new EntryRecorded(PATIENT, OTHER_ENTRY, Section.MEDICATIONS, PARACETAMOL,
                            Sensitivity.NORMAL, PHARMACIST_AT_PHARMACY, AT));
        }

        @Test
        void a_district_nurse_records_free_text_in_community_nursing_with_a_sensitivity() {
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.COMMUNITY_NURSING, FREE_TEXT, Sensitivity.PRIVATE,
                            DISTRICT_NURSE_AT_TRUST, AT))
                    .expectEvents(new EntryRecorded(PATIENT, OTHER_ENTRY, Section.COMMUNITY_NURSING, FREE_TEXT,
                            Sensitivity.PRIVATE, DISTRICT_NURSE_AT_TRUST, AT));
        }

        @Test
        void an_observation_with_a_value() {
            EntryContent bp = new EntryContent(ClinicalCode.snomed("271649006"), "Systolic blood pressure", null,
                    new Quantity(new BigDecimal("128"), "mm[Hg]"), ON, null);
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.OBSERVATIONS, bp, Sensitivity.NORMAL, NURSE_AT_PRACTICE, AT))
                    .expectEvents(new EntryRecorded(PATIENT, OTHER_ENTRY, Section.OBSERVATIONS, bp, Sensitivity.NORMAL,
                            NURSE_AT_PRACTICE, AT));
        }

        /** Sections each role may NOT write under the default policy (DESIGN.md). */
        @ParameterizedTest(name = "{0} at {1} writing {2}")
        @CsvSource({
                "SOCIAL_WORKER, SC101, MEDICATIONS",
                "SOCIAL_WORKER, SC101, PROBLEMS",
                "PHARMACIST, FA123, SAFEGUARDING",
                "PHARMACIST, FA123, CONSULTATIONS",
                "PRACTICE_ADMIN, A81001, PROBLEMS",
                "PRACTICE_ADMIN, A81001, CONSULTATIONS",
                "PRACTICE_NURSE, A81001, SAFEGUARDING",
                "PRACTICE_NURSE, A81001, MENTAL_HEALTH",
                "DISTRICT_NURSE, RY1, SOCIAL_CARE",
                "MENTAL_HEALTH_PRACTITIONER, RXT, CONSULTATIONS",
                "OOH_CLINICIAN, A81002, SAFEGUARDING",
                "SPECIALIST, A81002, SOCIAL_CARE",
                "IG_OFFICER, A81001, CONSULTATIONS",
                "ADMINISTRATOR, A81001, CONSULTATIONS",
        })
        void a_role_may_not_write_a_section_it_may_not_write(Role role, String organisation, Section section) {
            Actor author = staff("00000000-0000-0000-0000-0000000000c1", role, OdsCode.of(organisation));
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, section, FREE_TEXT, Sensitivity.NORMAL, author, AT)),
                    Kind.SECTION_NOT_WRITABLE);
        }

        @ParameterizedTest(name = "patient writing {0}")
        @CsvSource({"CONSULTATIONS", "DEMOGRAPHICS", "CARE_PLANS", "DOCUMENTS"})
        void a_patient_records_nothing(Section section) {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, section, FREE_TEXT, Sensitivity.NORMAL, THE_PATIENT, AT)),
                    Kind.NO_CARE_RELATIONSHIP);
        }

        @Test
        void recording_in_an_unregistered_record_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new RecordEntry(UNREGISTERED, ASTHMA_ENTRY, Section.PROBLEMS, ASTHMA, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT)), Kind.UNKNOWN_PATIENT);
        }

        @Test
        void recording_an_entry_id_twice_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, ASTHMA_ENTRY, Section.CONSULTATIONS, FREE_TEXT, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT)), Kind.ALREADY_EXISTS);
        }

        @Test
        void a_medication_coded_in_snomed_instead_of_dmd_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.MEDICATIONS, PARACETAMOL_AS_SNOMED,
                            Sensitivity.NORMAL, GP_AT_PRACTICE, AT)), Kind.INVALID_CLINICAL_CODE);
        }

        @Test
        void a_problem_coded_in_dmd_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.PROBLEMS, PARACETAMOL, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT)), Kind.INVALID_CLINICAL_CODE);
        }

        @ParameterizedTest(name = "uncoded {0}")
        @CsvSource({"PROBLEMS", "MEDICATIONS", "ALLERGIES", "OBSERVATIONS", "TEST_RESULTS", "IMMUNISATIONS"})
        void a_coded_section_entry_without_a_code_is_refused(Section section) {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, section, FREE_TEXT, Sensitivity.NORMAL, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_CLINICAL_CODE);
        }

        @ParameterizedTest(name = "migrated {0} coded only in its source system")
        @CsvSource({"PROBLEMS", "MEDICATIONS", "ALLERGIES", "OBSERVATIONS", "TEST_RESULTS", "IMMUNISATIONS"})
        void a_migrated_entry_coded_only_by_its_source_codings_is_a_coded_entry(Section section) {
            EntryContent loincOnly = new EntryContent(null, "Glucose", null, null, java.time.LocalDate.of(2024, 5, 2),
                    null, java.util.List.of(new SourceCoding(SourceCoding.LOINC, "2339-0", "Glucose")),
                    new SourceReference("urn:careledger:source:test", "Observation", "o1"));
            fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, section, loincOnly, Sensitivity.NORMAL, GP_AT_PRACTICE, AT))
                    .expectEvents(new EntryRecorded(PATIENT, OTHER_ENTRY, section, loincOnly, Sensitivity.NORMAL,
                            GP_AT_PRACTICE, AT));
        }

        @Test
        void an_entry_without_a_sensitivity_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new RecordEntry(PATIENT, OTHER_ENTRY, Section.CONSULTATIONS, FREE_TEXT, null, GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
        }
    }

    @Nested
    class AmendAnEntry {

        @Test
        void the_authoring_organisation_amends_an_entry_to_version_2_with_its_reason() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "  onset date corrected ", NURSE_AT_PRACTICE, AT))
                    .expectEvents(new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset date corrected",
                            NURSE_AT_PRACTICE, AT));
        }

        @Test
        void a_second_amendment_is_version_3() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE,
                            new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset", GP_AT_PRACTICE, RECORDED_AT))
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA, "back to the original", GP_AT_PRACTICE, AT))
                    .expectEvents(new EntryAmended(PATIENT, ASTHMA_ENTRY, 3, ASTHMA, "back to the original", GP_AT_PRACTICE, AT));
        }

        @Test
        void an_amendment_expecting_the_latest_version_is_recorded() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "onset", 1, GP_AT_PRACTICE, AT))
                    .expectEvents(new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset", GP_AT_PRACTICE, AT));
        }

        @Test
        void an_amendment_expecting_an_older_version_is_refused_as_stale() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE,
                            new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset", GP_AT_PRACTICE, RECORDED_AT))
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA, "back", 1, GP_AT_PRACTICE, AT)),
                    Kind.STALE_VERSION);
        }

        @Test
        void marking_in_error_or_changing_sensitivity_expecting_an_older_version_is_refused_as_stale() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE,
                            new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset", GP_AT_PRACTICE, RECORDED_AT))
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, "wrong patient", 1, GP_AT_PRACTICE, AT)),
                    Kind.STALE_VERSION);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE,
                            new EntryAmended(PATIENT, ASTHMA_ENTRY, 2, ASTHMA_CORRECTED, "onset", GP_AT_PRACTICE, RECORDED_AT))
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.PRIVATE, "private", 1,
                            GP_AT_PRACTICE, AT)),
                    Kind.STALE_VERSION);
        }

        @Test
        void amending_an_unknown_entry_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, OTHER_ENTRY, ASTHMA_CORRECTED, "why", GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_ENTRY);
        }

        @Test
        void amending_an_entry_in_an_unregistered_record_is_refused() {
            expectRefused(fixture.givenNoPriorActivity()
                    .when(new AmendEntry(UNREGISTERED, ASTHMA_ENTRY, ASTHMA_CORRECTED, "why", GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_PATIENT);
        }

        @Test
        void amending_an_entry_marked_entered_in_error_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE, ASTHMA_MARKED_IN_ERROR)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "why", GP_AT_PRACTICE, AT)),
                    Kind.ENTRY_ENTERED_IN_ERROR);
        }

        @Test
        void amending_from_another_organisation_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "why", GP_AT_OTHER_PRACTICE, AT)),
                    Kind.NOT_AUTHORING_ORGANISATION);
        }

        @Test
        void amending_in_a_role_that_may_not_write_the_section_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, "why", ADMIN_AT_PRACTICE, AT)),
                    Kind.SECTION_NOT_WRITABLE);
        }

        @ParameterizedTest(name = "reason \"{0}\"")
        @CsvSource(value = {"''", "'   '", "NULL"}, nullValues = "NULL")
        void amending_without_a_reason_is_refused(String reason) {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, ASTHMA_CORRECTED, reason, GP_AT_PRACTICE, AT)),
                    Kind.REASON_REQUIRED);
        }

        @Test
        void amending_a_problem_to_lose_its_code_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new AmendEntry(PATIENT, ASTHMA_ENTRY, FREE_TEXT, "why", GP_AT_PRACTICE, AT)),
                    Kind.INVALID_CLINICAL_CODE);
        }

        @Test
        void amending_a_medication_to_a_snomed_code_is_refused() {
            EntryRecorded medication = new EntryRecorded(PATIENT, OTHER_ENTRY, Section.MEDICATIONS, PARACETAMOL,
                    Sensitivity.NORMAL, GP_AT_PRACTICE, RECORDED_AT);
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, medication)
                    .when(new AmendEntry(PATIENT, OTHER_ENTRY, PARACETAMOL_AS_SNOMED, "why", GP_AT_PRACTICE, AT)),
                    Kind.INVALID_CLINICAL_CODE);
        }
    }

    @Nested
    class MarkAnEntryEnteredInError {

        @Test
        void the_authoring_organisation_marks_an_entry_entered_in_error() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, " recorded on the wrong patient ",
                            NURSE_AT_PRACTICE, AT))
                    .expectEvents(new EntryMarkedEnteredInError(PATIENT, ASTHMA_ENTRY, "recorded on the wrong patient",
                            NURSE_AT_PRACTICE, AT));
        }

        @Test
        void marking_an_unknown_entry_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, "why", GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_ENTRY);
        }

        @Test
        void marking_an_entry_already_in_error_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE, ASTHMA_MARKED_IN_ERROR)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, "again", GP_AT_PRACTICE, AT)),
                    Kind.ENTRY_ENTERED_IN_ERROR);
        }

        @Test
        void marking_from_another_organisation_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, "why", GP_AT_OTHER_PRACTICE, AT)),
                    Kind.NOT_AUTHORING_ORGANISATION);
        }

        @ParameterizedTest(name = "reason \"{0}\"")
        @CsvSource(value = {"''", "' \t '", "NULL"}, nullValues = "NULL")
        void marking_without_a_reason_is_refused(String reason) {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new MarkEntryEnteredInError(PATIENT, ASTHMA_ENTRY, reason, GP_AT_PRACTICE, AT)),
                    Kind.REASON_REQUIRED);
        }
    }

    @Nested
    class ChangeTheSensitivityOfAnEntry {

        @Test
        void the_authoring_organisation_seals_an_entry() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED, "patient request", GP_AT_PRACTICE, AT))
                    .expectEvents(new EntrySensitivityChanged(PATIENT, ASTHMA_ENTRY, Sensitivity.NORMAL, Sensitivity.SEALED,
                            "patient request", GP_AT_PRACTICE, AT));
        }

        @Test
        void a_later_change_starts_from_the_current_sensitivity() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE,
                            new EntrySensitivityChanged(PATIENT, ASTHMA_ENTRY, Sensitivity.NORMAL, Sensitivity.SEALED,
                                    "patient request", GP_AT_PRACTICE, RECORDED_AT))
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.WITHHELD_FROM_PATIENT,
                            "third-party information", GP_AT_PRACTICE, AT))
                    .expectEvents(new EntrySensitivityChanged(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED,
                            Sensitivity.WITHHELD_FROM_PATIENT, "third-party information", GP_AT_PRACTICE, AT));
        }

        @Test
        void changing_to_the_current_sensitivity_records_nothing() {
            fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.NORMAL, "retry", GP_AT_PRACTICE, AT))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void changing_an_unknown_entry_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED, "why", GP_AT_PRACTICE, AT)),
                    Kind.UNKNOWN_ENTRY);
        }

        @Test
        void changing_an_entry_in_error_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE, ASTHMA_MARKED_IN_ERROR)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED, "why", GP_AT_PRACTICE, AT)),
                    Kind.ENTRY_ENTERED_IN_ERROR);
        }

        @Test
        void changing_from_another_organisation_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED, "why", GP_AT_OTHER_PRACTICE, AT)),
                    Kind.NOT_AUTHORING_ORGANISATION);
        }

        @Test
        void changing_without_a_reason_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, Sensitivity.SEALED, " ", GP_AT_PRACTICE, AT)),
                    Kind.REASON_REQUIRED);
        }

        @Test
        void changing_to_no_sensitivity_is_refused() {
            expectRefused(fixture.given(REGISTERED_AT_PRACTICE, ASTHMA_RECORDED_AT_PRACTICE)
                    .when(new ChangeEntrySensitivity(PATIENT, ASTHMA_ENTRY, null, "why", GP_AT_PRACTICE, AT)),
                    Kind.INVALID_INPUT);
        }
    }
}
