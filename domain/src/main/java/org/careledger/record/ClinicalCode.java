package org.careledger.record;

import org.careledger.shared.Refusal;

/**
 * A coded concept: a SNOMED CT concept id (problems, findings, procedures, observations) or a dm+d id (medicines).
 * Both are SNOMED CT-format identifiers: 6 to 18 digits, no leading zero, a partition identifier for a concept
 * ("00" short format, "10" long format with a namespace) in the second and third digits from the right, and a
 * Verhoeff check digit last.
 */
public record ClinicalCode(CodeSystem system, String code) {

    public enum CodeSystem {
        SNOMED_CT,
        DMD
    }

    public ClinicalCode {
        Refusal.requireValue(system, "code system");
        if (!isValidConceptId(code)) {
            throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE,
                    "not a valid " + system + " concept id (6-18 digits, concept partition, Verhoeff check digit)");
        }
    }

    public static ClinicalCode snomed(String code) {
        return new ClinicalCode(CodeSystem.SNOMED_CT, code);
    }

    public static ClinicalCode dmd(String code) {
        return new ClinicalCode(CodeSystem.DMD, code);
    }

    public static boolean isValidConceptId(String code) {
        if (code == null || code.length() < 6 || code.length() > 18 || code.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') { // ASCII only: Character.isDigit also accepts other scripts' digits
                return false;
            }
        }
        String partition = code.substring(code.length() - 3, code.length() - 1);
        if (!partition.equals("00") && !partition.equals("10")) {
            return false;
        }
        return Verhoeff.isValid(code);
    }
}
