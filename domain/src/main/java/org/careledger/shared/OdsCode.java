package org.careledger.shared;

import java.util.regex.Pattern;

/**
 * An Organisation Data Service code: 3 to 6 upper-case letters and digits with at least one letter
 * ({@code Y01234}, {@code RX1}, {@code FA123}). Organisation types narrow the shape further
 * ({@link OrganisationType#accepts(OdsCode)}).
 */
public record OdsCode(String value) {

    private static final Pattern SHAPE = Pattern.compile("(?=.*[A-Z])[A-Z0-9]{3,6}");

    public OdsCode {
        if (value == null || !SHAPE.matcher(value.strip().toUpperCase(java.util.Locale.ROOT)).matches()) {
            throw new Refusal(Refusal.Kind.INVALID_ODS_CODE, "not a valid ODS code (3 to 6 letters and digits)");
        }
        value = value.strip().toUpperCase(java.util.Locale.ROOT);
    }

    public static OdsCode of(String value) {
        return new OdsCode(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
