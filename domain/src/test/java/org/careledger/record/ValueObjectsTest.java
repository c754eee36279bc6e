package org.careledger.record;

import org.careledger.shared.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.shared.Refusals.assertRefused;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Quantity, EntryContent, Demographics and Address: what a record entry is made of. */
class ValueObjectsTest {

    static final LocalDate ON = LocalDate.of(2025, 3, 3);
    static final ClinicalCode ASTHMA = ClinicalCode.snomed("195967001");
    static final Address ADDRESS = new Address("1 High Street", null, "Leeds", "LS1 1AA");

    // ---- Quantity ----

    @ParameterizedTest(name = "{0} \"{1}\"")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "120|mm[Hg]|mm[Hg]",
            "72.5|kg|kg",
            "5.4|mmol/L|mmol/L",
            "3|1|1",
            "-2.5| kg |kg",
            "0|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    })
    void a_quantity_is_a_value_with_a_ucum_unit(String value, String unit, String storedUnit) {
        Quantity q = new Quantity(new BigDecimal(value), unit);
        assertThat(q.value()).isEqualByComparingTo(value);
        assertThat(q.unit()).isEqualTo(storedUnit);
    }

    @ParameterizedTest(name = "unit \"{0}\"")
    @ValueSource(strings = {" ", "\t", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) // the last is 41 characters
    @NullAndEmptySource
    void a_quantity_needs_a_unit_of_at_most_40_characters(String unit) {
        assertRefused(() -> new Quantity(BigDecimal.ONE, unit), Refusal.Kind.INVALID_INPUT);
    }

    @Test
    void a_quantity_needs_a_value() {
        assertRefused(() -> new Quantity(null, "kg"), Refusal.Kind.INVALID_INPUT);
    }

    // ---- EntryContent ----

    static Stream<Arguments> validContents() {
        return Stream.of(
                arguments("coded", (ThrowingCallable) () -> EntryContent.coded(ASTHMA, "Asthma", ON)),
                arguments("free text", (ThrowingCallable) () -> EntryContent.text("Seen in clinic", ON)),
                arguments("coded with text, value and template", (ThrowingCallable) () -> new EntryContent(
                        ClinicalCode.snomed("271649006"), "Systolic blood pressure", "sitting",
                        new Quantity(new BigDecimal("128"), "mm[Hg]"), ON, "hypertension-review-v2")),
                arguments("text of exactly 20,000 characters",
                        (ThrowingCallable) () -> EntryContent.text("x".repeat(EntryContent.MAX_TEXT), ON)),
                arguments("template id of 100 characters", (ThrowingCallable) () ->
                        new EntryContent(null, null, "t", null, ON, "t".repeat(100))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validContents")
    void valid_entry_contents(String description, ThrowingCallable content) {
        org.assertj.core.api.Assertions.assertThatCode(content).doesNotThrowAnyException();
    }

    static Stream<Arguments> invalidContents() {
        return Stream.of(
                arguments("no effective date", (ThrowingCallable) () -> EntryContent.coded(ASTHMA, "Asthma", null)),
                arguments("code without display term", (ThrowingCallable) () -> EntryContent.coded(ASTHMA, null, ON)),
                arguments("code with blank display term", (ThrowingCallable) () -> EntryContent.coded(ASTHMA, "  ", ON)),
                arguments("neither code nor text", (ThrowingCallable) () -> new EntryContent(null, null, null,
                        new Quantity(BigDecimal.ONE, "kg"), ON, null)),
                arguments("blank text and no code", (ThrowingCallable) () -> EntryContent.text(" \n ", ON)),
                arguments("text over 20,000 characters",
                        (ThrowingCallable) () -> EntryContent.text("x".repeat(EntryContent.MAX_TEXT + 1), ON)),
                arguments("blank template id", (ThrowingCallable) () ->
                        new EntryContent(null, null, "t", null, ON, " ")),
                arguments("template id over 100 characters", (ThrowingCallable) () ->
                        new EntryContent(null, null, "t", null, ON, "t".repeat(101))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidContents")
    void invalid_entry_contents_are_refused(String description, ThrowingCallable content) {
        assertRefused(content, Refusal.Kind.INVALID_INPUT);
    }

    // ---- Demographics and Address ----

    static Stream<Arguments> invalidDemographics() {
        LocalDate born = LocalDate.of(1970, 1, 1);
        return Stream.of(
                arguments("no given name", (ThrowingCallable) () ->
                        new Demographics(null, "Smith", born, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("blank given name", (ThrowingCallable) () ->
                        new Demographics(" ", "Smith", born, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("no family name", (ThrowingCallable) () ->
                        new Demographics("Ann", null, born, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("blank family name", (ThrowingCallable) () ->
                        new Demographics("Ann", "", born, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("no birth date", (ThrowingCallable) () ->
                        new Demographics("Ann", "Smith", null, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("no gender", (ThrowingCallable) () ->
                        new Demographics("Ann", "Smith", born, null, ADDRESS)),
                arguments("no address", (ThrowingCallable) () ->
                        new Demographics("Ann", "Smith", born, Demographics.Gender.FEMALE, null)),
                arguments("address without first line", (ThrowingCallable) () ->
                        new Address(" ", null, "Leeds", "LS1 1AA")),
                arguments("address without town", (ThrowingCallable) () ->
                        new Address("1 High Street", null, null, "LS1 1AA")),
                arguments("address without postcode", (ThrowingCallable) () ->
                        new Address("1 High Street", "Flat 2", "Leeds", "")),
                // found by fuzzing: longer ones failed in the register's columns with a 500
                arguments("family name over 255 characters", (ThrowingCallable) () ->
                        new Demographics("Ann", "S".repeat(256), born, Demographics.Gender.FEMALE, ADDRESS)),
                arguments("postcode over 16 characters", (ThrowingCallable) () ->
                        new Address("1 High Street", null, "Leeds", "L".repeat(17))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDemographics")
    void incomplete_demographics_are_refused(String description, ThrowingCallable demographics) {
        assertRefused(demographics, Refusal.Kind.INVALID_INPUT);
    }

    @Test
    void complete_demographics_with_an_address_without_second_line() {
        Demographics d = new Demographics("Ann", "Smith", LocalDate.of(1970, 1, 1), Demographics.Gender.UNKNOWN, ADDRESS);
        assertThat(d.address().line2()).isNull();
        assertThat(d.familyName()).isEqualTo("Smith");
    }
}
