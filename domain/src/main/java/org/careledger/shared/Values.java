package org.careledger.shared;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What every reader of the ledger can carry, checked where values are made (ADR 4, ADR 9): the ledger's JSON, the
 * PostgreSQL views and FHIR R4. A value outside these rules is refused with {@link Refusal.Kind#INVALID_INPUT} and
 * a message naming the field only, never the value.
 * <ul>
 *     <li>text: no control characters other than newline, carriage return and tab (U+0000-U+001F, U+007F-U+009F),
 *     no unpaired surrogate (it has no UTF-8 form);</li>
 *     <li>dates and instants: years 0001-9999 (FHIR's {@code date}; PostgreSQL's {@code date} and
 *     {@code timestamptz} hold them all);</li>
 *     <li>numbers: finite decimals with at most {@value #MAX_DIGITS} significant digits as written plainly (the
 *     ledger writes decimals plainly, so 1E+3 is stored as 1000: at most 10^18) and at most {@value #MAX_SCALE}
 *     decimal places (fits a PostgreSQL {@code numeric}, a FHIR {@code decimal} and Jackson's number-length
 *     limit).</li>
 * </ul>
 */
public final class Values {

    public static final int MAX_DIGITS = 18;
    public static final int MAX_SCALE = 100;
    public static final int MIN_YEAR = 1;
    public static final int MAX_YEAR = 9999;

    private Values() {
    }

    /** The text if every character is one a reader can carry, else a refusal naming the field. Null passes. */
    public static String text(String value, String field) {
        String problem = textProblem(value);
        if (problem != null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, field + " " + problem);
        }
        return value;
    }

    /** Why the text cannot be stored ("contains a control character", ...), or null if it can (or is null). */
    public static String textProblem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate";
            }
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return "contains a control character (only newline and tab are allowed)";
            }
        }
        return null;
    }

    /** The date if its year is 0001-9999, else a refusal naming the field. Null passes. */
    public static LocalDate date(LocalDate value, String field) {
        if (value != null && (value.getYear() < MIN_YEAR || value.getYear() > MAX_YEAR)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, field + " must be a date in the years 0001 to 9999");
        }
        return value;
    }

    /** The instant if its year (UTC) is 0001-9999, else a refusal naming the field. Null passes. */
    public static Instant instant(Instant value, String field) {
        if (value != null) {
            int year = value.atOffset(ZoneOffset.UTC).getYear();
            if (year < MIN_YEAR || year > MAX_YEAR) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, field + " must be a time in the years 0001 to 9999");
            }
        }
        return value;
    }

    /** The number if every reader can carry it exactly, else a refusal naming the field. Null passes. */
    public static BigDecimal number(BigDecimal value, String field) {
        if (value != null && !isCarried(value)) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, field + " must have at most " + MAX_DIGITS
                    + " significant digits and at most " + MAX_SCALE + " decimal places");
        }
        return value;
    }

    /**
     * True if the number has at most {@value #MAX_DIGITS} significant digits when written plainly, as the ledger
     * writes it (so at most {@value #MAX_DIGITS} digits before the point), and at most {@value #MAX_SCALE} after it.
     */
    public static boolean isCarried(BigDecimal value) {
        BigDecimal plain = plain(value);
        return plain.precision() <= MAX_DIGITS && plain.scale() <= MAX_SCALE;
    }

    /** The number as the ledger writes and reads it back: plainly, never with a positive exponent (1E+2 is 100). */
    public static BigDecimal plain(BigDecimal value) {
        return value.scale() < 0 ? value.setScale(0) : value;
    }
}
