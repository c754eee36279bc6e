package org.careledger.shared;

/**
 * An NHS number: ten digits, the last a Modulus 11 check digit (a computed check of 10 is invalid).
 * Spaces and hyphens as people write them ("999 000 0018") are accepted and dropped.
 */
public record NhsNumber(String value) {

    public NhsNumber {
        value = normalise(value);
        if (!isValid(value)) {
            throw new Refusal(Refusal.Kind.INVALID_NHS_NUMBER, "not a valid NHS number (10 digits, Modulus 11 check digit)");
        }
    }

    public static NhsNumber of(String value) {
        return new NhsNumber(value);
    }

    /** True for ten digits whose Modulus 11 check digit is right. */
    public static boolean isValid(String candidate) {
        if (candidate == null) {
            return false;
        }
        String digits = normalise(candidate);
        if (digits == null || digits.length() != 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') { // ASCII only: Character.isDigit also accepts other scripts' digits
                return false;
            }
        }
        Integer check = checkDigit(digits.substring(0, 9));
        return check != null && check == digits.charAt(9) - '0';
    }

    /** The Modulus 11 check digit for nine digits, or null when the computed check is 10 (no valid number). */
    public static Integer checkDigit(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return 0;
        }
        return check == 10 ? null : check;
    }

    /** True for numbers in the 999 000 0000 – 999 999 9999 test range, the only ones synthetic data may use. */
    public boolean isTestRange() {
        return value.startsWith("999");
    }

    private static String normalise(String raw) {
        return raw == null ? null : raw.replace(" ", "").replace("-", "");
    }

    @Override
    public String toString() {
        return value;
    }
}
