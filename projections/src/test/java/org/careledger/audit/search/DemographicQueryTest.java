package org.careledger.audit.search;

import org.careledger.audit.PatientSearched.SearchKind;
import org.careledger.shared.Refusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a typed demographic search is read, one row each: names, birth date or year, postcode, and its shape. */
class DemographicQueryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Jon Smyth 1970              | jon smyth        | -          | 1970 | -      | NAME_AND_BIRTH
            jonath smith 01/05/1970     | jonath smith     | 1970-05-01 | 1970 | -      | NAME_AND_BIRTH
            Smith-Jones 1981-04-03      | smith-jones      | 1981-04-03 | 1981 | -      | NAME_AND_BIRTH
            smith jones m12ab           | smith jones      | -          | -    | M12AB  | NAME_AND_POSTCODE
            Joan Smith LS1 1AB          | joan smith       | -          | -    | LS11AB | NAME_AND_POSTCODE
            O'Brien, 1960 sw1a 1aa      | o'brien          | -          | 1960 | SW1A1AA| NAME_BIRTH_AND_POSTCODE
            """)
    void readsNamesBirthAndPostcode(String text, String names, String date, Integer year, String postcode,
                                    SearchKind kind) {
        DemographicQuery query = DemographicQuery.parse(text);
        assertThat(query.names()).isEqualTo(Arrays.asList(names.split(" ")));
        assertThat(query.birthDate() == null ? null : query.birthDate().toString()).isEqualTo(date);
        assertThat(query.birthYear()).isEqualTo(year);
        assertThat(query.postcode()).isEqualTo(postcode == null ? null : postcode.strip());
        assertThat(query.kind()).isEqualTo(kind);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Smith                  | needs a date or year of birth or a postcode
            1970 LS1 1AB           | needs a name
            Smith 31/02/1970       | not a date
            Smith 1970 #42         | none of these
            ' '                    | needs a query
            """)
    void refusesWhatIsNotASearchTheRulesAllow(String text, String because) {
        assertThatThrownBy(() -> DemographicQuery.parse(text))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT))
                .hasMessageContaining(because);
    }
}
