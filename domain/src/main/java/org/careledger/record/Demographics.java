package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.time.LocalDate;

/** Who the patient is: name, date of birth, administrative gender and address. */
public record Demographics(String givenName, String familyName, LocalDate birthDate, Gender gender, Address address) {

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
        Refusal.requireValue(birthDate, "birth date");
        Values.date(birthDate, "birth date");
        Refusal.requireValue(gender, "gender");
        Refusal.requireValue(address, "address");
    }
}
