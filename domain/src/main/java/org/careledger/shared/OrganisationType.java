package org.careledger.shared;

import java.util.regex.Pattern;

/** The kinds of organisation in a region (DESIGN.md), each with the ODS code shape it is issued. */
public enum OrganisationType {
    /** GP practices: one letter and five digits (A81001, Y01234). */
    GP_PRACTICE("[A-Z][0-9]{5}"),
    OUTPATIENT_CLINIC(null),
    COMMUNITY_HEALTH(null),
    MENTAL_HEALTH(null),
    SOCIAL_CARE(null),
    OUT_OF_HOURS(null),
    /** Community pharmacies: F and four letters or digits (FA123). */
    PHARMACY("F[A-Z0-9]{4}");

    private final Pattern shape;

    OrganisationType(String shape) {
        this.shape = shape == null ? null : Pattern.compile(shape);
    }

    public boolean accepts(OdsCode code) {
        return shape == null || shape.matcher(code.value()).matches();
    }
}
