package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.LocalDate;

/** Who the patient is: name, date of birth, administrative gender and address. */
public record Demographics(String givenName, String familyName, LocalDate birthDate, Gender gender, Address address) {

    /** The longest family name the ledger's readers index (the patient index and the audit trail's name facts). */
    public static final int MAX_FAMILY_NAME = 255;

    public enum Gender {
        MALE,
        FEMALE,
        OTHER,
        UNKNOWN
    }

    public Demographics {
        if (givenName == null || givenName.isBlank() || familyName == null || familyName.isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "demographics need a given and a family name");
        }
        Values.text(givenName, "given name");
        Values.text(familyName, "family name");
        if (familyName.length() > MAX_FAMILY_NAME) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a family name has at most " + MAX_FAMILY_NAME + " characters");
        }
        Refusal.requireValue(birthDate, "birth date");
        Values.date(birthDate, "birth date");
        Refusal.requireValue(gender, "gender");
        Refusal.requireValue(address, "address");
    }
}
