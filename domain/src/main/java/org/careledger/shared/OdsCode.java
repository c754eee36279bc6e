package org.careledger.shared;


/**
 * An Organisation Data Service code: 3 to 6 upper-case letters and digits with at least one letter
 * ({@code Y01234}, {@code RX1}, {@code FA123}). Organisation types narrow the shape further
 * ({@link OrganisationType#accepts(OdsCode)}).
 */
public record OdsCode(String value) {

    public OdsCode {
        String normalised = value == null ? null : value.strip().toUpperCase(java.util.Locale.ROOT);
        if (!wellShaped(normalised)) {
            throw new Refusal(Refusal.Kind.INVALID_ODS_CODE, "not a valid ODS code (3 to 6 letters and digits)");
        }
        value = normalised;
    }

    /**
     * 3 to 6 of A-Z and 0-9, at least one a letter. A loop, not a regular expression: every ODS code read back from
     * the ledger, a view or a token is made here, and the expression's matcher was 2 % of a command's CPU.
     */
    private static boolean wellShaped(String code) {
        if (code == null || code.length() < 3 || code.length() > 6) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                letter = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return letter;
    }

    public static OdsCode of(String value) {
        return new OdsCode(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
