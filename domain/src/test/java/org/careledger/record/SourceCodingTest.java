package org.careledger.record;

import org.careledger.shared.Refusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A migrated entry's codings are validated where the ledger validates: SNOMED CT, dm+d, LOINC check digits. */
class SourceCodingTest {

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
            "http://snomed.info/sct, 44054006, true",
            "http://snomed.info/sct, 44054007, false",
            "https://dmd.nhs.uk, 322236009, true",
            "http://loinc.org, 29463-7, true",
            "http://loinc.org, 29463-8, false",
            "http://loinc.org, 2339-0, true",
            "http://loinc.org, 85354-9, true",
            "http://loinc.org, LP29684-5, true",
            "http://loinc.org, 2339, false",
            "http://www.nlm.nih.gov/research/umls/rxnorm, 860975, true",
            "http://hl7.org/fhir/sid/cvx, 140, true"
    })
    void codesOfTheSystemsTheLedgerValidatesMustBeValid(String system, String code, boolean valid) {
        if (valid) {
            assertThat(new SourceCoding(system, code, null).code()).isEqualTo(code);
        } else {
            assertThatThrownBy(() -> new SourceCoding(system, code, null)).isInstanceOf(Refusal.class)
                    .extracting(e -> ((Refusal) e).kind()).isEqualTo(Refusal.Kind.INVALID_CLINICAL_CODE);
        }
    }

    @ParameterizedTest(name = "code {0}, codings {1}, text {2}: {3}")
    @CsvSource({
            "true, false, false, true",
            "false, true, false, true",
            "false, false, true, false",
            "false, false, false, false"
    })
    void anEntryIsCodedByItsLedgerCodeOrASourceCoding(boolean code, boolean codings, boolean text, boolean coded) {
        EntryContent content = new EntryContent(code ? ClinicalCode.snomed("44054006") : null,
                code || codings ? "Term" : null, text || !(code || codings) ? "Free text" : null, null,
                LocalDate.of(2024, 1, 1), null,
                codings ? List.of(new SourceCoding(SourceCoding.LOINC, "2339-0", "Glucose")) : List.of(), null);
        assertThat(content.hasCode()).isEqualTo(coded);
    }
}
