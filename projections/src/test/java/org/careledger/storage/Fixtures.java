package org.careledger.storage;

import org.careledger.directory.RegisterOrganisation;
import org.careledger.record.Address;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** Synthetic commands for storage tests. */
public final class Fixtures {

    public static final Actor ADMIN = Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26"));

    private Fixtures() {
    }

    public static RegisterOrganisation gpPractice(OdsCode code, String name) {
        return new RegisterOrganisation(code, name, OrganisationType.GP_PRACTICE, ADMIN, Instant.now());
    }

    public static Actor gpAt(OdsCode practice) {
        return Actor.staff(new UserId(UUID.randomUUID()), Role.GP, practice);
    }

    public static RegisterPatient registerPatient(NhsNumber patient, OdsCode practice) {
        Demographics demographics = new Demographics("Test", "Patient", LocalDate.of(1970, 1, 1),
                Demographics.Gender.UNKNOWN, address());
        return new RegisterPatient(patient, demographics, practice, gpAt(practice), Instant.now());
    }

    public static RecordEntry consultationNote(NhsNumber patient, EntryId entry, Actor by, String text) {
        return new RecordEntry(patient, entry, Section.CONSULTATIONS, EntryContent.text(text, LocalDate.now()),
                Sensitivity.NORMAL, by, Instant.now());
    }

    private static Address address() {
        return new Address("1 Test Street", null, "Testtown", "ZZ99 9ZZ");
    }
}
