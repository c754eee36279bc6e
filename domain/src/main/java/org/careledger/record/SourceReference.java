package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.util.regex.Pattern;

/**
 * Where an entry came from when it was migrated into the ledger (provenance): the source system's URI and the
 * resource's type and id there ({@code urn:careledger:source:emis-y01234}, {@code Condition}, {@code 8c1d...}).
 * Entries written in CareLedger itself have none.
 */
public record SourceReference(String system, String resourceType, String id) {

    // compiled once: every migrated entry makes one of these, and reading its event back (ADR 9) another
    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public SourceReference {
        if (system == null || system.isBlank() || system.length() > 200) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a source needs its system URI (at most 200 characters)");
        }
        if (resourceType == null || !RESOURCE_TYPE.matcher(resourceType).matches()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a source needs its resource type");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a source id is 1 to 64 letters, digits, '-' or '.' (FHIR id)");
        }
        Values.text(system, "source system");
    }

    /** {@code Condition/8c1d...}. */
    public String relativeReference() {
        return resourceType + "/" + id;
    }
}
