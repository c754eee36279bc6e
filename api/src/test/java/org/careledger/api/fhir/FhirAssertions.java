package org.careledger.api.fhir;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Round trips through HAPI's JSON parser and structural checks of Bundles, shared by the mapper tests. */
final class FhirAssertions {

    private FhirAssertions() {
    }

    /** Encodes with the export encoder, parses back with a fresh HAPI parser of the shared context. */
    @SuppressWarnings("unchecked")
    static <T extends IBaseResource> T roundTrip(T resource) {
        String json = FhirR4.encode(resource);
        assertThat(json).startsWith("{").contains("\"resourceType\":\"" + resource.fhirType() + "\"");
        T back = (T) FhirR4.context().newJsonParser().parseResource(resource.getClass(), json);
        if (!(back instanceof Bundle)) {
            // encoding what was parsed gives the same JSON: nothing was lost or invented on the way. (Not for
            // Bundles: HAPI's parser gives an entry's resource its urn:uuid fullUrl as id and then leaves that id
            // out when encoding again; the Bundle assertions read ids through idOf instead.)
            assertThat(FhirR4.encode(back)).as("re-encoded").isEqualTo(json);
        }
        return back;
    }

    /** The resource's logical id, whether HAPI put the fullUrl or the plain id on it when parsing. */
    static String idOf(Resource resource) {
        String id = resource.getIdElement().getIdPart();
        return id.startsWith("urn:uuid:") ? id.substring("urn:uuid:".length()) : id;
    }

    /**
     * Every entry has a resource with an id, fullUrl = urn:uuid:&lt;id&gt; (unique except for the versions of a
     * history Bundle), and every urn:uuid reference anywhere in the Bundle resolves to an entry of the Bundle.
     */
    static Map<String, Resource> assertSelfContained(Bundle bundle) {
        Map<String, Resource> byFullUrl = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            assertThat(r).isNotNull();
            assertThat(idOf(r)).matches("[A-Za-z0-9\\-.]{1,64}");
            assertThat(e.getFullUrl()).isEqualTo("urn:uuid:" + idOf(r));
            String key = e.getFullUrl() + "|" + r.getMeta().getVersionId();
            assertThat(seen.add(key)).as("duplicate entry %s", key).isTrue();
            byFullUrl.put(e.getFullUrl(), r);
        }
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            List<Reference> refs = FhirR4.context().newTerser()
                    .getAllPopulatedChildElementsOfType(e.getResource(), Reference.class);
            for (Reference ref : refs) {
                if (ref.hasReference() && ref.getReference().startsWith("urn:")) {
                    Resource target = byFullUrl.get(ref.getReference());
                    assertThat(target).as("%s in %s resolves", ref.getReference(), e.getFullUrl()).isNotNull();
                    if (ref.hasType()) {
                        assertThat(target.fhirType()).isEqualTo(ref.getType());
                    }
                }
            }
        }
        return byFullUrl;
    }

    static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }
}
