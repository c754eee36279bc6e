package org.careledger.record;

import org.careledger.shared.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.shared.Refusals.assertRefused;

class ClinicalCodeTest {

    @ParameterizedTest(name = "SNOMED CT {0} ({1})")
    @CsvSource(delimiter = '|', value = {
            "22298006  | myocardial infarction",
            "73211009  | diabetes mellitus",
            "38341003  | hypertensive disorder",
            "195967001 | asthma",
            "91936005  | allergy to penicillin",
            "138875005 | SNOMED CT concept (root)",
            "271649006 | systolic blood pressure",
            "100005    | six digits, the shortest concept id",
    })
    void accepts_real_snomed_ct_concept_ids(String code, String meaning) {
        assertThat(ClinicalCode.isValidConceptId(code)).isTrue();
        assertThat(ClinicalCode.snomed(code).code()).isEqualTo(code);
        assertThat(ClinicalCode.snomed(code).system()).isEqualTo(ClinicalCode.CodeSystem.SNOMED_CT);
    }

    @ParameterizedTest(name = "dm+d {0} ({1})")
    @CsvSource(delimiter = '|', value = {
            "322236009         | paracetamol 500mg tablets (VMP)",
            "39732311000001104 | a long-format id in the UK drug extension namespace (1000001)",
            "123456789012345107| eighteen digits, the longest",
    })
    void accepts_real_dmd_ids(String code, String meaning) {
        assertThat(ClinicalCode.dmd(code).code()).isEqualTo(code);
        assertThat(ClinicalCode.dmd(code).system()).isEqualTo(ClinicalCode.CodeSystem.DMD);
    }

    @ParameterizedTest(name = "mutated check digit: {0}")
    @ValueSource(strings = {"22298007", "22298000", "73211008", "38341004", "195967002", "91936004", "322236008",
            "39732311000001105", "39732311000001100"})
    void refuses_a_mutated_check_digit(String code) {
        assertThat(ClinicalCode.isValidConceptId(code)).isFalse();
        assertRefused(() -> ClinicalCode.snomed(code), Refusal.Kind.INVALID_CLINICAL_CODE);
        assertRefused(() -> ClinicalCode.dmd(code), Refusal.Kind.INVALID_CLINICAL_CODE);
    }

    /** Check digit right (Verhoeff passes) but the partition is not a concept's: 01 description, 02 relationship. */
    @ParameterizedTest(name = "partition {1}: {0}")
    @CsvSource({"41201015, 01", "222980027, 02", "39732311000001115, 11"})
    void refuses_an_id_from_a_non_concept_partition(String code, String partition) {
        assertThat(Verhoeff.isValid(code)).as("check digit is right").isTrue();
        assertThat(code.substring(code.length() - 3, code.length() - 1)).isEqualTo(partition);
        assertRefused(() -> ClinicalCode.snomed(code), Refusal.Kind.INVALID_CLINICAL_CODE);
    }

    @Test
    void refuses_a_leading_zero_even_with_a_right_check_digit() {
        // a 0 in the ninth place from the right leaves the Verhoeff sum unchanged
        assertThat(Verhoeff.isValid("022298006")).isTrue();
        assertRefused(() -> ClinicalCode.snomed("022298006"), Refusal.Kind.INVALID_CLINICAL_CODE);
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"10003", "1234567890123456003"})
    void refuses_fewer_than_6_or_more_than_18_digits_with_a_right_check_digit(String code) {
        assertThat(Verhoeff.isValid(code)).as("check digit is right").isTrue();
        assertThat(code.substring(code.length() - 3, code.length() - 1)).isEqualTo("00");
        assertRefused(() -> ClinicalCode.snomed(code), Refusal.Kind.INVALID_CLINICAL_CODE);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2229800A", "22298 006", " 22298006", "22298006 ", "-22298006", "2229.8006",
            "\u06622298006", // an Arabic-Indic digit two in front: must be refused, not crash the Verhoeff table
            "\uFF12\uFF12\uFF12\uFF19\uFF18\uFF10\uFF10\uFF16"})
    @NullAndEmptySource
    void refuses_anything_but_ascii_digits(String code) {
        assertThat(ClinicalCode.isValidConceptId(code)).isFalse();
        assertRefused(() -> ClinicalCode.snomed(code), Refusal.Kind.INVALID_CLINICAL_CODE);
    }

    @Test
    void needs_a_code_system() {
        assertRefused(() -> new ClinicalCode(null, "22298006"), Refusal.Kind.INVALID_INPUT);
    }

    @ParameterizedTest(name = "Verhoeff check of {0} is {1}")
    @CsvSource({"2229800, 6", "7321100, 9", "3834100, 3", "19596700, 1", "9193600, 5", "32223600, 9",
            "3973231100000110, 4", "236, 3", "12345, 1"})
    void computes_the_verhoeff_check_digit(String digits, int check) {
        assertThat(Verhoeff.checkDigit(digits)).isEqualTo(check);
        assertThat(Verhoeff.isValid(digits + check)).isTrue();
    }
}
