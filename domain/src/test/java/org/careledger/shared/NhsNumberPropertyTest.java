package org.careledger.shared;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

class NhsNumberPropertyTest {

    @Provide
    Arbitrary<String> nineDigits() {
        return Arbitraries.strings().withCharRange('0', '9').ofLength(9);
    }

    @Property
    void appending_the_check_digit_gives_a_valid_number_and_any_single_digit_change_is_caught(
            @ForAll("nineDigits") String nine) {
        Integer check = NhsNumber.checkDigit(nine);
        Assume.that(check != null);
        String number = nine + check;
        assertThat(NhsNumber.isValid(number)).as(number).isTrue();
        assertThat(NhsNumber.of(number).value()).isEqualTo(number);
        for (int position = 0; position < 10; position++) {
            for (char digit = '0'; digit <= '9'; digit++) {
                if (digit == number.charAt(position)) {
                    continue;
                }
                String mutated = number.substring(0, position) + digit + number.substring(position + 1);
                assertThat(NhsNumber.isValid(mutated)).as(mutated + " (from " + number + ")").isFalse();
            }
        }
    }

    @Provide
    Arbitrary<String> eightDigits() {
        return Arbitraries.strings().withCharRange('0', '9').ofLength(8);
    }

    @Property
    void no_tenth_digit_makes_a_number_valid_when_the_check_computes_to_10(@ForAll("eightDigits") String eight) {
        // the ninth digit weighs 2, so for most prefixes one ninth digit makes the check compute to 10
        String nine = null;
        for (char d = '0'; d <= '9' && nine == null; d++) {
            if (NhsNumber.checkDigit(eight + d) == null) {
                nine = eight + d;
            }
        }
        Assume.that(nine != null);
        for (char digit = '0'; digit <= '9'; digit++) {
            assertThat(NhsNumber.isValid(nine + digit)).as(nine + digit).isFalse();
        }
    }
}
