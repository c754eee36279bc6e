package org.careledger.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The one FHIR R4 context of the application (creating a {@link FhirContext} scans every resource model, which is
 * expensive; a context is thread-safe once built) and the JSON encoding every export uses. Parsers are cheap and
 * not thread-safe, so each call makes its own.
 * <p>
 * Versions are kept in references ({@code Condition/<id>/_history/2}): a Provenance or an AuditEvent names the
 * exact version of an entry, which is what the ledger promises ("exactly which entries and versions").
 */
public final class FhirR4 {

    private static final FhirContext CONTEXT = FhirContext.forR4Cached();

    private FhirR4() {
    }

    public static FhirContext context() {
        return CONTEXT;
    }

    /** A JSON parser that keeps versions in references and never pretty-prints unless asked. */
    public static IParser json() {
        IParser parser = CONTEXT.newJsonParser();
        parser.setStripVersionsFromReferences(false);
        parser.setOmitResourceId(false);
        return parser;
    }

    public static String encode(IBaseResource resource) {
        return json().encodeResourceToString(resource);
    }

    public static String encodePretty(IBaseResource resource) {
        return json().setPrettyPrint(true).encodeResourceToString(resource);
    }

    public static <T extends IBaseResource> T parse(Class<T> type, String json) {
        return json().parseResource(type, json);
    }
}
