package org.careledger.shared;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.shared.Refusals.assertRefused;

class NhsNumberTest {

    /** Check digits worked by hand: sum of digit x (10 - position), 11 - (sum mod 11), 11 becomes 0. */
    @ParameterizedTest(name = "{0} -> check {1}")
    @CsvSource({
            // 9x10 + 9x9 + 9x8 = 243; + 1x2 = 245; 245 mod 11 = 3; 11 - 3 = 8
            "999000001, 8",
            "999000002, 6",
            "999000003, 4",
            "999000004, 2",
            // 243 + 5x2 = 253 = 23 x 11 -> 11 - 0 = 11 -> 0
            "999000005, 0",
            "999000006, 9",
            "999000010, 7",
            // 9 x (10+9+...+2) = 486; 486 mod 11 = 2 -> 9
            "999999999, 9",
    })
    void computes_the_modulus_11_check_digit(String nineDigits, int check) {
        assertThat(NhsNumber.checkDigit(nineDigits)).isEqualTo(check);
        NhsNumber number = NhsNumber.of(nineDigits + check);
        assertThat(number.value()).isEqualTo(nineDigits + check);
        assertThat(number.isTestRange()).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
            "999 000 0018 | 9990000018",
            "999-000-0018 | 9990000018",
            " 9990000018  | 9990000018",
            "99 90 00 00 50 | 9990000050",
    })
    void accepts_spaces_and_hyphens_as_people_write_them(String written, String normalised) {
        assertThat(NhsNumber.of(written).value()).isEqualTo(normalised);
        assertThat(NhsNumber.isValid(written)).isTrue();
    }

    @ParameterizedTest(name = "wrong check digit: {0}")
    @ValueSource(strings = {"9990000017", "9990000019", "9990000010", "9990000051", "9999999998", "9990000106"})
    void refuses_a_wrong_check_digit(String candidate) {
        assertThat(NhsNumber.isValid(candidate)).isFalse();
        assertRefused(() -> NhsNumber.of(candidate), Refusal.Kind.INVALID_NHS_NUMBER);
    }

    /** 999123456: 9x10+9x9+9x8+1x7+2x6+3x5+4x4+5x3+6x2 = 320; 320 mod 11 = 1; 11 - 1 = 10: no valid number. */
    @ParameterizedTest(name = "check computes to 10: {0}")
    @ValueSource(strings = {"9991234560", "9991234561", "9991234562", "9991234563", "9991234564", "9991234565",
            "9991234566", "9991234567", "9991234568", "9991234569"})
    void refuses_every_number_whose_check_computes_to_10(String candidate) {
        assertThat(NhsNumber.checkDigit("999123456")).isNull();
        assertThat(NhsNumber.isValid(candidate)).isFalse();
        assertRefused(() -> NhsNumber.of(candidate), Refusal.Kind.INVALID_NHS_NUMBER);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "999000001",        // nine digits
            "99900000188",      // eleven digits
            "09990000018",      // leading zero, eleven
            "999000001A",       // a letter for the check digit
            "A990000018",       // a letter in front
            "999O000018",       // letter O for a zero
            "999.000.0018",     // dots are not dropped
            "999_000_0018",
            "99900000\u06618",  // an Arabic-Indic digit one: Character.isDigit says digit, NHS numbers are ASCII
            "\uFF19\uFF19\uFF19\uFF10\uFF10\uFF10\uFF10\uFF10\uFF11\uFF18", // full-width digits
            " ",
    })
    @NullAndEmptySource
    void refuses_anything_but_ten_ascii_digits(String candidate) {
        assertThat(NhsNumber.isValid(candidate)).isFalse();
        assertRefused(() -> new NhsNumber(candidate), Refusal.Kind.INVALID_NHS_NUMBER);
    }

    @Test
    void knows_the_synthetic_test_range() {
        assertThat(NhsNumber.of("9990000018").isTestRange()).isTrue();
        // 4010232137 is the NHS Digital sample number outside the 999 range: valid, not test range
        assertThat(NhsNumber.of("4010232137").isTestRange()).isFalse();
    }

    @Test
    void equal_when_written_differently() {
        assertThat(NhsNumber.of("999 000 0018")).isEqualTo(NhsNumber.of("9990000018"));
        assertThat(NhsNumber.of("999 000 0018")).hasToString("9990000018");
    }
}
