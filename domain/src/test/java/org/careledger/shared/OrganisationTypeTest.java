package org.careledger.shared;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OrganisationTypeTest {

    @ParameterizedTest(name = "{0} accepts {1}: {2}")
    @CsvSource({
            // GP practices: one letter and five digits
            "GP_PRACTICE, A81001, true",
            "GP_PRACTICE, Y01234, true",
            "GP_PRACTICE, Z99999, true",
            "GP_PRACTICE, RX1, false",
            "GP_PRACTICE, A8100, false",
            "GP_PRACTICE, AB1234, false",
            "GP_PRACTICE, 1A1001, false",
            "GP_PRACTICE, FA123, false",
            "GP_PRACTICE, A8100B, false",
            // community pharmacies: F and four letters or digits
            "PHARMACY, FA123, true",
            "PHARMACY, F1234, true",
            "PHARMACY, FAB12, true",
            "PHARMACY, FQQQQ, true",
            "PHARMACY, GA123, false",
            "PHARMACY, F123, false",
            "PHARMACY, FA1234, false",
            "PHARMACY, A81001, false",
            // the other types take any ODS code
            "OUTPATIENT_CLINIC, RX1, true",
            "OUTPATIENT_CLINIC, A81001, true",
            "COMMUNITY_HEALTH, RY123, true",
            "MENTAL_HEALTH, RXT, true",
            "SOCIAL_CARE, 00AB12, true",
            "OUT_OF_HOURS, NLO01, true",
    })
    void accepts_the_ods_code_shape_issued_to_the_type(OrganisationType type, String code, boolean accepted) {
        assertThat(type.accepts(OdsCode.of(code))).isEqualTo(accepted);
    }
}
