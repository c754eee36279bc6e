package org.careledger.migration;

import org.careledger.shared.OdsCode;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shared resources patient data refers to: Organization, Practitioner, PractitionerRole and Location, loaded
 * first (Synthea's hospitalInformation*.json and practitionerInformation*.json, or the bulk NDJSON files of those
 * types). They resolve references by id ({@code Organization/abc}, {@code urn:uuid:abc}) and conditionally
 * ({@code Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999}). They write no events: the ledger's
 * directory holds the people who sign in; an Organization with an NHS ODS code names a patient's practice.
 */
public final class ReferenceData {

    public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final Set<String> TYPES = Set.of("Organization", "Practitioner", "PractitionerRole", "Location");

    private final Set<String> keys = new HashSet<>();
    private final Map<String, OdsCode> odsByKey = new HashMap<>();

    /** Adds a shared resource; returns false if its type is not one of {@link #TYPES}. */
    public boolean add(Resource resource, String fullUrl) {
        String type = resource.fhirType();
        if (!TYPES.contains(type)) {
            return false;
        }
        String id = resource.getIdElement().getIdPart();
        List<String> own = new java.util.ArrayList<>();
        if (id != null) {
            own.add(type + "/" + id);
            own.add("urn:uuid:" + id);
        }
        if (fullUrl != null) {
            own.add(fullUrl);
        }
        for (Identifier identifier : identifiers(resource)) {
            if (identifier.hasValue()) {
                own.add(type + "?identifier=" + (identifier.hasSystem() ? identifier.getSystem() + "|" : "")
                        + identifier.getValue());
                own.add(type + "?identifier=" + identifier.getValue());
            }
        }
        OdsCode ods = resource instanceof Organization o ? odsCode(o) : null;
        for (String key : own) {
            keys.add(key);
            if (ods != null) {
                odsByKey.put(key, ods);
            }
        }
        return true;
    }

    public boolean knows(String reference) {
        return reference != null && keys.contains(reference);
    }

    /** The ODS code of the organisation a reference names, if it is known and has one. */
    public Optional<OdsCode> ods(String reference) {
        return Optional.ofNullable(reference == null ? null : odsByKey.get(reference));
    }

    public int size() {
        return keys.size();
    }

    static OdsCode odsCode(Organization o) {
        for (Identifier identifier : o.getIdentifier()) {
            if (ODS_SYSTEM.equals(identifier.getSystem()) && identifier.hasValue()) {
                return OdsCode.of(identifier.getValue());
            }
        }
        return null;
    }

    private static List<Identifier> identifiers(Resource resource) {
        if (resource instanceof Organization o) {
            return o.getIdentifier();
        } else if (resource instanceof org.hl7.fhir.r4.model.Practitioner p) {
            return p.getIdentifier();
        } else if (resource instanceof org.hl7.fhir.r4.model.PractitionerRole r) {
            return r.getIdentifier();
        } else if (resource instanceof org.hl7.fhir.r4.model.Location l) {
            return l.getIdentifier();
        }
        return List.of();
    }
}
