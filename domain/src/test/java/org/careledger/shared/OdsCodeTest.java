package org.careledger.shared;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.shared.Refusals.assertRefused;

class OdsCodeTest {

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "Y01234|Y01234",
            "A81001|A81001",
            "RX1|RX1",
            "FA123|FA123",
            "rx1|RX1",
            "  A81001 |A81001",
            "ABC|ABC",
            "123A45|123A45",
    })
    void accepts_three_to_six_letters_and_digits_with_a_letter(String written, String value) {
        assertThat(OdsCode.of(written).value()).isEqualTo(value);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"12345", "123", "AB", "A1", "ABCDEFG", "A812345", "A-123", "Y0 1234", "Y01234!", "É1234", " "})
    @NullAndEmptySource
    void refuses_other_shapes(String candidate) {
        assertRefused(() -> OdsCode.of(candidate), Refusal.Kind.INVALID_ODS_CODE);
    }
}
