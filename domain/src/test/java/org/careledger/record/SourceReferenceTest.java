package org.careledger.record;

import org.careledger.shared.Refusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A migrated entry's source: a FHIR resource type and a FHIR id (letters, digits, '-' and '.', 1 to 64). */
class SourceReferenceTest {

    @ParameterizedTest(name = "{0}/{1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "Condition           | 8c1d3a2e-5b4f-4e6a-9d7c-0a1b2c3d4e5f | true",
            "DocumentReference   | a.b-C9                               | true",
            "Observation         | x                                    | true",
            "Observation         | 1234567890123456789012345678901234567890123456789012345678901234 | true",
            "Observation         | 12345678901234567890123456789012345678901234567890123456789012345 | false",
            "Observation         | a/b                                  | false",
            "Observation         | a b                                  | false",
            "Observation         | a_b                                  | false",
            "condition           | x                                    | false",
            "C                   | x                                    | false",
            "Condition1          | x                                    | false",
    })
    void theResourceTypeAndIdAreFhirShaped(String type, String id, boolean valid) {
        if (valid) {
            assertThat(new SourceReference("urn:careledger:source:test", type, id).relativeReference())
                    .isEqualTo(type + "/" + id);
        } else {
            assertThatThrownBy(() -> new SourceReference("urn:careledger:source:test", type, id))
                    .isInstanceOf(Refusal.class)
                    .extracting(e -> ((Refusal) e).kind()).isEqualTo(Refusal.Kind.INVALID_INPUT);
        }
    }
}
