package org.careledger.api.fhir;

import org.careledger.shared.OdsCode;

import java.util.UUID;

/**
 * Display names the exports add when they are known: a staff member's display name, an organisation's name.
 * The mappers never need them (ids and ODS codes identify everyone); the wiring supplies them from the directory.
 */
public interface FhirNames {

    FhirNames NONE = new FhirNames() {
    };

    /** The display name of a user, or null. */
    default String person(UUID user) {
        return null;
    }

    /** The name of an organisation, or null. */
    default String organisation(OdsCode organisation) {
        return null;
    }
}
