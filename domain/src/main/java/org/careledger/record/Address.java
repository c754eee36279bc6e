package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

/** A postal address; line2 may be null. */
public record Address(String line1, String line2, String town, String postcode) {

    /** The longest postcode the audit trail's name facts hold (a UK postcode has at most 8 characters). */
    public static final int MAX_POSTCODE = 16;

    public Address {
        if (line1 == null || line1.isBlank() || town == null || town.isBlank() || postcode == null || postcode.isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "an address needs a first line, a town and a postcode");
        }
        Values.text(line1, "address line 1");
        Values.text(line2, "address line 2");
        Values.text(town, "town");
        Values.text(postcode, "postcode");
        if (postcode.length() > MAX_POSTCODE) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a postcode has at most " + MAX_POSTCODE + " characters");
        }
    }
}
