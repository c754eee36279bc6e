package org.careledger.api.fhir;

import org.careledger.reading.DirectoryReads;
import org.careledger.shared.OdsCode;
import org.careledger.shared.UserId;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The display names the FHIR exports add, from the directory (DirectoryReads): who a Practitioner or an
 * AuditEvent's user is, what an organisation is called. Names only, never anything about a patient.
 */
@Component
class DirectoryNames implements FhirNames {

    private final DirectoryReads directory;

    DirectoryNames(DirectoryReads directory) {
        this.directory = directory;
    }

    @Override
    public String person(UUID user) {
        return directory.staffName(new UserId(user)).orElse(null);
    }

    @Override
    public String organisation(OdsCode organisation) {
        return directory.organisationName(organisation).orElse(null);
    }
}
