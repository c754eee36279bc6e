package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.util.Locale;

/**
 * One coding of an entry's concept as the system it came from wrote it (FHIR {@code Coding}): the code system's URI
 * ({@code http://snomed.info/sct}, {@code http://loinc.org}, {@code https://dmd.nhs.uk},
 * {@code http://www.nlm.nih.gov/research/umls/rxnorm}, {@code http://hl7.org/fhir/sid/cvx}, ...), the code and its
 * display. Kept beside the ledger's own {@link ClinicalCode} so that nothing a migrated record said is lost. Codes
 * of the systems the ledger validates are validated here too: a SNOMED CT or dm+d coding must be a valid concept id
 * (Verhoeff check digit), a LOINC coding a valid LOINC code (Mod 10 check digit).
 */
public record SourceCoding(String system, String code, String display) {

    public static final String SNOMED_CT = "http://snomed.info/sct";
    public static final String DMD = "https://dmd.nhs.uk";
    public static final String LOINC = "http://loinc.org";

    public SourceCoding {
        if (system == null || system.isBlank() || system.length() > 200) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a coding needs its code system URI (at most 200 characters)");
        }
        if (code == null || code.isBlank() || code.length() > 100) {
            throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE, "a coding needs a code (at most 100 characters)");
        }
        Values.text(system, "code system");
        Values.text(code, "code");
        Values.text(display, "code display");
        if (display != null && display.length() > 1_000) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a code display is at most 1,000 characters");
        }
        if ((system.equals(SNOMED_CT) || system.equals(DMD)) && !ClinicalCode.isValidConceptId(code)) {
            throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE,
                    "not a valid SNOMED CT concept id (6-18 digits, concept partition, Verhoeff check digit)");
        }
        if (system.equals(LOINC) && !isValidLoinc(code)) {
            throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE, "not a valid LOINC code (digits, '-', Mod 10 check digit)");
        }
    }

    /** The ledger's own code for this coding, if its system is one the ledger codes in (SNOMED CT, dm+d). */
    public ClinicalCode clinicalCode() {
        return switch (system) {
            case SNOMED_CT -> ClinicalCode.snomed(code);
            case DMD -> ClinicalCode.dmd(code);
            default -> null;
        };
    }

    /**
     * A LOINC code: 1 to 7 digits, a hyphen, and the Mod 10 check digit of the digits (LOINC's own algorithm: from
     * the right, every other digit doubled, the digits of the results summed). LOINC parts ("LP...") and answers
     * ("LA...") have a letter prefix; only their shape is checked.
     */
    public static boolean isValidLoinc(String code) {
        if (code == null) {
            return false;
        }
        String c = code.toUpperCase(Locale.ROOT);
        boolean part = c.startsWith("LP") || c.startsWith("LA") || c.startsWith("LL") || c.startsWith("LG");
        if (part) {
            c = c.substring(2);
        }
        int dash = c.indexOf('-');
        if (dash < 1 || dash > 7 || dash != c.length() - 2) {
            return false;
        }
        String digits = c.substring(0, dash);
        char check = c.charAt(dash + 1);
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        if (check < '0' || check > '9') {
            return false;
        }
        if (part) {
            return true; // parts and answers: their check digits follow other rules; the shape is checked
        }
        int sum = 0;
        boolean doubled = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                sum += d / 10 + d % 10;
            } else {
                sum += d;
            }
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10 == check - '0';
    }
}
