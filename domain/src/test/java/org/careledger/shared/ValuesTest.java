package org.careledger.shared;

import org.careledger.record.Address;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The value rules every reader needs (ADR 9), as tables, and the value objects that apply them. */
class ValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "120|true", "152.0|true", "-3.5|true", "0|true", "123456789012345678|true", "1234567890123456789|false",
            "0.123456789012345678|true", "0.1234567890123456789|false", "1e17|true", "12345e13|true",
            "1e18|false", "1e100|false", "1e-100|true", "1e-101|false", "1.5e-100|false", "12345e97|false",
            "1e9999|false", "-1e9999|false", "0e-9999|false", "1e-9999|false", "0e9999|true"})
    void numbers(String written, boolean carried) {
        BigDecimal value = new BigDecimal(written);
        assertThat(Values.isCarried(value)).as(written).isEqualTo(carried);
        if (carried) {
            // kept as the ledger writes it: plainly (1E+17 is 100000000000000000)
            assertThat(new Quantity(value, "mm[Hg]").value()).isEqualByComparingTo(value)
                    .isEqualTo(Values.plain(value));
            assertThat(new Quantity(value, "mm[Hg]").value().scale()).isNotNegative();
        } else {
            assertThatThrownBy(() -> new Quantity(value, "mm[Hg]")).isInstanceOf(Refusal.class)
                    .hasMessageStartingWith("value ").hasMessageNotContaining(written);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0001-01-01|true", "9999-12-31|true", "2024-02-29|true", "0000-12-31|false", "-0001-01-01|false",
            "-4713-01-01|false", "+10000-01-01|false", "+999999999-12-31|false", "-999999999-01-01|false"})
    void dates(String written, boolean carried) {
        LocalDate date = LocalDate.parse(written);
        if (carried) {
            assertThat(EntryContent.text("x", date).effectiveDate()).isEqualTo(date);
            assertThat(new Demographics("A", "B", date, Demographics.Gender.UNKNOWN,
                    new Address("1 Street", null, "Town", "ZZ99 3AB")).birthDate()).isEqualTo(date);
        } else {
            assertThatThrownBy(() -> EntryContent.text("x", date)).isInstanceOf(Refusal.class)
                    .hasMessageStartingWith("effective date");
            assertThatThrownBy(() -> new Demographics("A", "B", date, Demographics.Gender.UNKNOWN,
                    new Address("1 Street", null, "Town", "ZZ99 3AB"))).isInstanceOf(Refusal.class)
                    .hasMessageStartingWith("birth date");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0007b", "\u001b[31m", "a\u007fb", "a\u0085b", "a\u009fb", "a\ud800b",
            "a\udc00b", "a\ud800", "\udc00\ud800"})
    void textThatNoReaderCanCarryIsRefusedNamingTheField(String text) {
        assertThat(Values.textProblem(text)).isNotNull();
        assertThatThrownBy(() -> EntryContent.text(text, LocalDate.of(2024, 1, 1))).isInstanceOf(Refusal.class)
                .hasMessageStartingWith("free text");
        assertThatThrownBy(() -> new Address(text, null, "Town", "ZZ99 3AB")).hasMessageStartingWith("address line 1");
        assertThatThrownBy(() -> new Demographics(text, "B", LocalDate.of(2000, 1, 1), Demographics.Gender.UNKNOWN,
                new Address("1 Street", null, "Town", "ZZ99 3AB"))).hasMessageStartingWith("given name");
        assertThatThrownBy(() -> Refusal.requireReason(text, "an amendment")).isInstanceOf(Refusal.class)
                .hasMessageContaining("reason");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "line one\nline two", "tab\there", "windows\r\nline", "\ud83d\ude00 emoji",
            "Zoë Brontë", "日本語", "\u00a0non-breaking"})
    void textEveryReaderCarriesIsKept(String text) {
        assertThat(Values.textProblem(text)).isNull();
        assertThat(EntryContent.text(text, LocalDate.of(2024, 1, 1)).text()).isEqualTo(text);
    }
}
