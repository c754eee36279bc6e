package org.careledger.migration;

import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Section;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping alone (no database): deterministic ids and NHS numbers, sections by category, refusals. */
class FhirMappingTest {

    private final FhirMapping mapping = new FhirMapping("urn:careledger:source:unit");

    @Test
    void derivedNhsNumbersAreValidTestRangeDeterministicAndDifferPerAttempt() {
        Set<NhsNumber> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            NhsNumber n = mapping.derivedNhsNumber("patient-" + i, 0);
            assertThat(NhsNumber.isValid(n.value())).isTrue();
            assertThat(n.isTestRange()).isTrue();
            assertThat(mapping.derivedNhsNumber("patient-" + i, 0)).isEqualTo(n);
            seen.add(n);
        }
        assertThat(seen.size()).isGreaterThan(1_990); // a hash: rare collisions, resolved by the next attempt
        assertThat(mapping.derivedNhsNumber("patient-1", 1)).isNotEqualTo(mapping.derivedNhsNumber("patient-1", 0));
        assertThat(new FhirMapping("urn:other").derivedNhsNumber("patient-1", 0))
                .isNotEqualTo(mapping.derivedNhsNumber("patient-1", 0));
    }

    @Test
    void theSameResourceMapsToTheSameEntryEveryTime() {
        Bundle b = FhirFixtures.everyType("d1", "9990000018", "Dee");
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            Resource r = e.getResource();
            if (FhirMapping.ENTRY_TYPES.contains(r.fhirType())) {
                assertThat(mapping.entry(r)).isEqualTo(mapping.entry(r.copy()));
                assertThat(mapping.entry(r).entry()).isEqualTo(mapping.entryId(r.fhirType(), r.getIdElement().getIdPart()));
            }
        }
    }

    @ParameterizedTest(name = "category {0} -> {1}")
    @CsvSource({"laboratory, TEST_RESULTS", "vital-signs, OBSERVATIONS", "social-history, OBSERVATIONS",
            "survey, OBSERVATIONS", "exam, OBSERVATIONS"})
    void observationsGoToTheirSectionByCategory(String category, Section section) {
        Observation o = FhirFixtures.observation("o1", new Reference("urn:uuid:p"), category, "2339-0", "Glucose",
                null, null);
        assertThat(mapping.entry(o).section()).isEqualTo(section);
    }

    @Test
    void notesBecomeTextLinesOfTheEntryAfterWhatTheTypeMaps() {
        Observation o = FhirFixtures.observation("o2", new Reference("urn:uuid:p"), "laboratory", "2339-0", "Glucose",
                null, null);
        o.addNote().setText("Sample haemolysed; repeat requested.");
        o.addNote().setText("Repeat normal.");
        assertThat(mapping.entry(o).content().text()).endsWith("Note: Sample haemolysed; repeat requested.\nNote: Repeat normal.");

        Condition c = new Condition();
        c.setId("c9");
        c.setCode(FhirFixtures.concept(FhirFixtures.SNOMED, "195967001", "Asthma"));
        c.setRecordedDateElement(new DateTimeType("2020-01-01"));
        assertThat(mapping.entry(c).content().text()).isNull();
        c.addNote().setText("Exercise-induced.");
        assertThat(mapping.entry(c).content().text()).isEqualTo("Note: Exercise-induced.");
    }

    @Test
    void whatTheLedgerCannotHoldIsRefusedNamingTheFieldNotTheValue() {
        Condition noDate = new Condition();
        noDate.setId("c1");
        noDate.setCode(FhirFixtures.concept(FhirFixtures.SNOMED, "44054006", "Diabetes"));
        assertThatThrownBy(() -> mapping.entry(noDate)).isInstanceOf(Refusal.class).hasMessageContaining("date");

        MedicationRequest uncoded = new MedicationRequest();
        uncoded.setId("m1");
        uncoded.setAuthoredOnElement(new DateTimeType("2020-01-01"));
        uncoded.setMedication(new Reference("urn:uuid:not-read"));
        assertThatThrownBy(() -> mapping.entry(uncoded)).isInstanceOf(Refusal.class)
                .hasMessageContaining("no coded concept");

        Condition noSystem = new Condition();
        noSystem.setId("c2");
        noSystem.setOnset(new DateTimeType("2020-01-01"));
        noSystem.getCode().addCoding().setCode("44054006").setDisplay("Diabetes");
        assertThatThrownBy(() -> mapping.entry(noSystem)).isInstanceOf(Refusal.class)
                .hasMessageContaining("without its code system").hasMessageNotContaining("Diabetes");
    }

    @Test
    void resourcesEnteredInErrorAndOtherTypesAreNotEntries() {
        Observation wrong = FhirFixtures.observation("o2", new Reference("urn:uuid:p"), "laboratory", "2339-0",
                "Glucose", null, null);
        wrong.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
        assertThat(mapping.entry(wrong)).isNull();
        assertThat(mapping.entry(new org.hl7.fhir.r4.model.Claim().setId("x"))).isNull();
        assertThat(List.copyOf(FhirMapping.ENTRY_TYPES)).hasSize(11);
    }
}
