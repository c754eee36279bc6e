package org.careledger.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import reads a resource's references off its JSON tree ({@link FhirImport#references}); it used to walk HAPI's
 * parsed model with the terser. Both must find the same references, so that the "unknown reference" check refuses
 * what it refused before.
 */
class FhirReferencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTreeWalkFindsWhatTheTerserFindsInEveryResourceOfTheFixtures() throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (Bundle b : List.of(FhirFixtures.shared("Y00011"),
                FhirFixtures.everyType("p-1", "9990000018", "Ann"))) {
            b.getEntry().forEach(e -> resources.add(e.getResource()));
        }
        resources.add(withContainedAndExtension());
        int found = 0;
        for (Resource r : resources) {
            List<String> byTree = FhirImport.references(tree(r));
            assertThat(byTree).as(r.fhirType()).containsExactlyInAnyOrderElementsOf(byTerser(r));
            found += byTree.size();
        }
        assertThat(found).as("references in the fixtures").isGreaterThan(resources.size());
    }

    @Test
    void referencesComeInDocumentOrderWithLocalAndAbsoluteOnesLeftOut() throws Exception {
        // FHIR JSON puts contained resources, then extensions, before the resource's own elements
        assertThat(FhirImport.references(tree(withContainedAndExtension()))).containsExactly(
                "Practitioner/in-contained", "Organization/in-extension", "urn:uuid:p-1", "Encounter/e-1");
    }

    @Test
    void aFieldNamedReferenceThatIsNotTextIsWalkedIntoNotTaken() throws Exception {
        JsonNode node = JSON.readTree("""
                {"resourceType":"ImplementationGuide","definition":{"resource":[
                  {"reference":{"reference":"Patient/x"}},{"reference":{"display":"no reference"}}]},
                 "_reference":{"id":"a primitive's extension holder"},"note":"reference"}""");
        assertThat(FhirImport.references(node)).containsExactly("Patient/x");
    }

    private static MedicationRequest withContainedAndExtension() {
        Medication contained = new Medication();
        contained.setId("med");
        contained.addIngredient().setItem(new Reference("Practitioner/in-contained"));
        MedicationRequest m = new MedicationRequest();
        m.setId("mr-1");
        m.addContained(contained);
        m.setMedication(new Reference("#med"));
        m.setSubject(new Reference("urn:uuid:p-1"));
        m.setEncounter(new Reference("Encounter/e-1"));
        m.setRequester(new Reference("https://example.org/fhir/Practitioner/absolute"));
        m.addExtension(new Extension("https://example.org/ext", new Reference("Organization/in-extension")));
        return m;
    }

    private static JsonNode tree(Resource r) throws Exception {
        return JSON.readTree(FhirFixtures.FHIR.newJsonParser().encodeResourceToString(r));
    }

    /** What the import did before: every populated Reference in HAPI's model, less local and absolute ones. */
    private static List<String> byTerser(Resource r) {
        List<String> refs = new ArrayList<>();
        for (Reference ref : FhirFixtures.FHIR.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
            String s = ref.getReference();
            if (s != null && !s.startsWith("#") && !s.startsWith("http://") && !s.startsWith("https://")) {
                refs.add(s);
            }
        }
        return refs;
    }
}
