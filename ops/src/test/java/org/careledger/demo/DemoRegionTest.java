package org.careledger.demo;

import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.directory.AssignRole;
import org.careledger.directory.FormTeam;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.directory.RegisterStaffMember;
import org.careledger.policy.RolePolicy;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.ClinicalCode;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.record.TransferRegistration;
import org.careledger.record.UpdateDemographics;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoRegionTest {

    private static final RolePolicy POLICY = RolePolicy.defaultPolicy();

    private static List<Object> commands(long seed, int patients) {
        return new DemoRegion(seed, patients).commands().toList();
    }

    @Test
    void sameSeedSameCommandsDifferentSeedDifferentCommands() {
        List<Object> first = commands(42, 60);
        List<Object> second = commands(42, 60);
        assertThat(first).isEqualTo(second);
        assertThat(commands(43, 60)).isNotEqualTo(first);
    }

    @Test
    void aSmallerRegionIsAPrefixOfALargerOneWithTheSameSeed() {
        List<Object> small = commands(7, 10);
        List<Object> large = commands(7, 30);
        assertThat(large.subList(0, small.size())).isEqualTo(small);
    }

    @Test
    void theDirectoryHasTheReferenceRegionShape() {
        DemoRegion region = new DemoRegion(42, 0);
        List<RegisterOrganisation> organisations = region.directory().stream()
                .filter(RegisterOrganisation.class::isInstance).map(RegisterOrganisation.class::cast).toList();
        Map<OrganisationType, Long> byType = organisations.stream()
                .collect(Collectors.groupingBy(RegisterOrganisation::type, Collectors.counting()));
        assertThat(byType).containsEntry(OrganisationType.GP_PRACTICE, 27L)
                .containsEntry(OrganisationType.OUTPATIENT_CLINIC, 12L)
                .containsEntry(OrganisationType.COMMUNITY_HEALTH, 1L)
                .containsEntry(OrganisationType.MENTAL_HEALTH, 1L)
                .containsEntry(OrganisationType.SOCIAL_CARE, 1L)
                .containsEntry(OrganisationType.OUT_OF_HOURS, 1L)
                .containsEntry(OrganisationType.PHARMACY, 30L);
        assertThat(organisations.get(0).organisation()).isEqualTo(DemoRegion.FIRST_ORGANISATION);
        assertThat(organisations).allSatisfy(o -> assertThat(o.type().accepts(o.organisation())).isTrue());
        assertThat(organisations).filteredOn(o -> o.type() == OrganisationType.GP_PRACTICE)
                .allSatisfy(o -> assertThat(o.organisation().value()).matches("[A-Z][0-9]{5}"));
        assertThat(organisations).filteredOn(o -> o.type() == OrganisationType.PHARMACY)
                .allSatisfy(o -> assertThat(o.organisation().value()).matches("F[A-Z0-9]{4}"));
        assertThat(organisations.stream().map(RegisterOrganisation::organisation).distinct()).hasSize(organisations.size());

        assertThat(region.directory()).filteredOn(RegisterStaffMember.class::isInstance).hasSize(600);
        Map<Role, Long> roles = region.directory().stream().filter(AssignRole.class::isInstance)
                .map(AssignRole.class::cast).collect(Collectors.groupingBy(AssignRole::role, Collectors.counting()));
        assertThat(roles.keySet()).containsAll(EnumSet.complementOf(EnumSet.of(Role.PATIENT)));
        assertThat(region.directory()).filteredOn(FormTeam.class::isInstance).hasSize(14);
        // every directory command is the administrator's
        assertThat(region.directory()).allSatisfy(c -> assertThat(actor(c)).isEqualTo(region.administrator()));
    }

    @Test
    void patientsHaveValidTestRangeNhsNumbersAndEntriesInEverySection() {
        DemoRegion region = new DemoRegion(42, 300);
        Set<NhsNumber> seen = new HashSet<>();
        EnumMap<Section, Integer> regionSections = new EnumMap<>(Section.class);
        Iterator<DemoRegion.PatientCommands> patients = region.patients();
        int count = 0;
        while (patients.hasNext()) {
            DemoRegion.PatientCommands patient = patients.next();
            count++;
            assertThat(patient.patient().isTestRange()).isTrue();
            assertThat(NhsNumber.isValid(patient.patient().value())).isTrue();
            assertThat(seen.add(patient.patient())).as("NHS numbers are unique").isTrue();
            assertThat(patient.commands().get(0)).isInstanceOf(RegisterPatient.class);
            Set<Section> sections = EnumSet.noneOf(Section.class);
            for (Object command : patient.commands()) {
                if (command instanceof RecordEntry entry) {
                    assertThat(entry.patient()).isEqualTo(patient.patient());
                    sections.add(entry.section());
                    regionSections.merge(entry.section(), 1, Integer::sum);
                }
            }
            assertThat(sections).as("patient %s has an entry in every section", patient.patient())
                    .containsExactlyInAnyOrder(Section.values());
        }
        assertThat(count).isEqualTo(300);
    }

    @Test
    void nhsNumbersStayUniqueAcrossTheLargestRegion() {
        DemoRegion.NhsNumbers numbers = new DemoRegion.NhsNumbers(42);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < DemoRegion.MAX_PATIENTS; i++) {
            String n = numbers.next().value();
            assertThat(n).startsWith("999");
            if (!seen.add(n)) {
                throw new AssertionError("repeated NHS number at " + i);
            }
        }
    }

    @Test
    void everyClinicalCodeValidatesAndCodedSectionsAreCoded() {
        for (DemoCatalogue.Concept c : concepts()) {
            assertThat(ClinicalCode.isValidConceptId(c.code())).as(c.term() + " " + c.code()).isTrue();
        }
        for (Object command : commands(42, 300)) {
            EntryContent content = command instanceof RecordEntry r ? r.content()
                    : command instanceof AmendEntry a ? a.content() : null;
            if (content != null && content.code() != null) {
                assertThat(ClinicalCode.isValidConceptId(content.code().code())).isTrue();
            }
            if (command instanceof RecordEntry r) {
                if (r.section().requiresCode()) {
                    assertThat(r.content().code()).as(r.section() + " is coded").isNotNull();
                }
                if (r.content().code() != null) {
                    assertThat(r.content().code().system()).isEqualTo(r.section() == Section.MEDICATIONS
                            ? ClinicalCode.CodeSystem.DMD : ClinicalCode.CodeSystem.SNOMED_CT);
                }
                if (r.section() == Section.OBSERVATIONS || r.section() == Section.TEST_RESULTS) {
                    if (r.content().value() != null) {
                        assertThat(r.content().value().unit()).isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void everyAuthorMayWriteTheirSectionAndChangesComeFromTheAuthoringOrganisation() {
        Map<EntryId, RecordEntry> entries = new HashMap<>();
        Set<OdsCode> practices = new HashSet<>();
        List<Object> all = commands(42, 400);
        for (Object command : all) {
            if (command instanceof RegisterOrganisation o && o.type() == OrganisationType.GP_PRACTICE) {
                practices.add(o.organisation());
            }
        }
        for (Object command : all) {
            if (command instanceof RecordEntry r) {
                assertThat(POLICY.mayWrite(r.by().role(), r.section())).as(r.by().role() + " writes " + r.section())
                        .isTrue();
                entries.put(r.entry(), r);
            } else if (command instanceof AmendEntry a) {
                assertChangeAllowed(entries.get(a.entry()), a.by());
            } else if (command instanceof MarkEntryEnteredInError m) {
                assertChangeAllowed(entries.get(m.entry()), m.by());
            } else if (command instanceof ChangeEntrySensitivity s) {
                assertChangeAllowed(entries.get(s.entry()), s.by());
            } else if (command instanceof RegisterPatient p) {
                assertThat(POLICY.mayWrite(p.by().role(), Section.DEMOGRAPHICS)).isTrue();
                assertThat(p.by().organisation()).isEqualTo(p.registeredPractice());
                assertThat(practices).contains(p.registeredPractice());
            } else if (command instanceof UpdateDemographics u) {
                assertThat(POLICY.mayWrite(u.by().role(), Section.DEMOGRAPHICS)).isTrue();
            } else if (command instanceof TransferRegistration t) {
                assertThat(POLICY.mayWrite(t.by().role(), Section.DEMOGRAPHICS)).isTrue();
                assertThat(t.by().organisation()).isEqualTo(t.toPractice());
            } else if (command instanceof GrantAccess g) {
                assertThat(POLICY.mayGrant(g.by().role())).isTrue();
                assertThat(java.time.Duration.between(g.validFrom(), g.validUntil()))
                        .isLessThanOrEqualTo(POLICY.grantMaximum(g.reason()));
            } else if (command instanceof GrantSealedEntryAccess g) {
                assertThat(POLICY.mayGrant(g.by().role())).isTrue();
                assertThat(g.entries()).allSatisfy(e -> assertThat(entries.get(e).sensitivity())
                        .isEqualTo(Sensitivity.SEALED));
            } else if (command instanceof DeclareEmergencyAccess e) {
                assertThat(POLICY.emergencyDuration(e.by().role())).isPresent();
            }
        }
    }

    @Test
    void theRegionHasTheVarietyTheDemoNeeds() {
        List<Object> all = commands(42, 1000);
        Map<Class<?>, Long> byType = all.stream().collect(Collectors.groupingBy(Object::getClass, Collectors.counting()));
        assertThat(byType.keySet()).contains(AmendEntry.class, MarkEntryEnteredInError.class,
                ChangeEntrySensitivity.class, RecordDissent.class, GrantAccess.class, GrantSealedEntryAccess.class,
                DeclareEmergencyAccess.class, UpdateDemographics.class, TransferRegistration.class,
                org.careledger.access.RevokeAccessGrant.class, org.careledger.consent.WithdrawDissent.class);
        Set<Sensitivity> sensitivities = all.stream().filter(RecordEntry.class::isInstance)
                .map(c -> ((RecordEntry) c).sensitivity()).collect(Collectors.toSet());
        assertThat(sensitivities).containsExactlyInAnyOrder(Sensitivity.values());
        assertThat(all).filteredOn(RecordConsentDecision.class::isInstance)
                .anySatisfy(c -> assertThat(((RecordConsentDecision) c).decision())
                        .isEqualTo(org.careledger.shared.ConsentDecision.REFUSED))
                .anySatisfy(c -> assertThat(((RecordConsentDecision) c).by().role()).isEqualTo(Role.PATIENT));
        Set<org.careledger.shared.GrantReason> reasons = all.stream().filter(GrantAccess.class::isInstance)
                .map(c -> ((GrantAccess) c).reason()).collect(Collectors.toSet());
        assertThat(reasons).contains(org.careledger.shared.GrantReason.OUTPATIENT_REFERRAL,
                org.careledger.shared.GrantReason.CASELOAD, org.careledger.shared.GrantReason.SOCIAL_CARE_ALLOCATION,
                org.careledger.shared.GrantReason.OUT_OF_HOURS_EPISODE, org.careledger.shared.GrantReason.REFERRAL);
    }

    @Test
    void timesComeFromTheSimulatedClockAndOnlyMoveForward() {
        Instant previous = DemoRegion.START;
        for (Object command : commands(42, 50)) {
            Instant at = at(command);
            assertThat(at).isAfter(previous);
            previous = at;
        }
        assertThat(previous).isBefore(DemoRegion.START.plus(java.time.Duration.ofDays(30)));
    }

    @Test
    void refusesPatientCountsOutsideTheRange() {
        assertThatThrownBy(() -> new DemoRegion(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoRegion(1, DemoRegion.MAX_PATIENTS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertChangeAllowed(RecordEntry original, Actor by) {
        assertThat(original).as("a change names an entry recorded before").isNotNull();
        assertThat(by.organisation()).isEqualTo(original.by().organisation());
        assertThat(POLICY.mayWrite(by.role(), original.section())).isTrue();
    }

    private static List<DemoCatalogue.Concept> concepts() {
        List<DemoCatalogue.Concept> all = new ArrayList<>();
        all.addAll(DemoCatalogue.PROBLEMS);
        all.addAll(DemoCatalogue.MENTAL_HEALTH_PROBLEMS);
        all.addAll(DemoCatalogue.ALLERGIES);
        all.add(DemoCatalogue.NO_KNOWN_ALLERGY);
        all.addAll(DemoCatalogue.MEDICATIONS);
        all.addAll(DemoCatalogue.IMMUNISATIONS);
        Function<DemoCatalogue.Measure, DemoCatalogue.Concept> concept = m -> new DemoCatalogue.Concept(m.code(), m.term());
        DemoCatalogue.OBSERVATIONS.stream().map(concept).forEach(all::add);
        DemoCatalogue.TEST_RESULTS.stream().map(concept).forEach(all::add);
        all.addAll(List.of(DemoCatalogue.GENERAL_CHECK_UP, DemoCatalogue.CONSULTATION, DemoCatalogue.CLINIC_LETTER,
                DemoCatalogue.REFERRAL, DemoCatalogue.PSYCHIATRY_REFERRAL, DemoCatalogue.CARE_PLAN,
                DemoCatalogue.WOUND_CARE, DemoCatalogue.DRUG_ADMINISTRATION));
        return all;
    }

    private static Actor actor(Object command) {
        try {
            return (Actor) command.getClass().getMethod("by").invoke(command);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Instant at(Object command) {
        try {
            return (Instant) command.getClass().getMethod("at").invoke(command);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
