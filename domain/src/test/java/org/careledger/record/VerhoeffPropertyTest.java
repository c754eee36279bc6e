package org.careledger.record;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

class VerhoeffPropertyTest {

    @Provide
    Arbitrary<String> digits() {
        return Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(20);
    }

    @Property
    void appending_the_check_digit_makes_any_digit_string_valid(@ForAll("digits") String digits) {
        assertThat(Verhoeff.isValid(digits + Verhoeff.checkDigit(digits))).isTrue();
    }

    @Property
    void every_single_digit_substitution_is_detected(@ForAll("digits") String digits) {
        String valid = digits + Verhoeff.checkDigit(digits);
        for (int position = 0; position < valid.length(); position++) {
            for (char digit = '0'; digit <= '9'; digit++) {
                if (digit == valid.charAt(position)) {
                    continue;
                }
                String mutated = valid.substring(0, position) + digit + valid.substring(position + 1);
                assertThat(Verhoeff.isValid(mutated)).as(mutated + " (from " + valid + ")").isFalse();
            }
        }
    }

    @Property
    void every_adjacent_transposition_is_detected(@ForAll("digits") String digits) {
        String valid = digits + Verhoeff.checkDigit(digits);
        for (int i = 0; i + 1 < valid.length(); i++) {
            if (valid.charAt(i) == valid.charAt(i + 1)) {
                continue;
            }
            String swapped = valid.substring(0, i) + valid.charAt(i + 1) + valid.charAt(i) + valid.substring(i + 2);
            assertThat(Verhoeff.isValid(swapped)).as(swapped + " (from " + valid + ")").isFalse();
        }
    }
}
