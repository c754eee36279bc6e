package org.careledger.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.axonframework.serialization.Revision;
import org.careledger.shared.LedgerEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events are a stored contract. This test freezes every event's class name and revision (events/catalogue.txt)
 * and its JSON (events/NAME.vREV.json, written by {@link LedgerJson}). A rename, a move, a changed field or a new
 * event without a golden file fails here; the fix is an upcaster and a new revision, never an edit of the golden
 * file. To add the golden file of a NEW event: run with -Dcareledger.golden.write=true once and review the file.
 */
class EventContractTest {

    private static final ObjectMapper JSON = LedgerJson.mapper();
    private static final Path GOLDEN_SOURCE = Path.of("src/test/resources/events");

    @Test
    void eventClassNamesAndRevisionsAreFrozen() throws IOException {
        Map<String, String> actual = new TreeMap<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.careledger")) {
            if (type.isAssignableTo(LedgerEvent.class) && !type.isInterface()) {
                Class<?> event = type.reflect();
                Revision revision = event.getAnnotation(Revision.class);
                actual.put(event.getName(), revision == null ? "(none)" : revision.value());
            }
        }
        Map<String, String> frozen = new TreeMap<>();
        for (String line : resource("catalogue.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] parts = line.split("\\s+");
            frozen.put(parts[0], parts[1]);
        }
        assertThat(actual).as("event classes and revisions (events/catalogue.txt)").isEqualTo(frozen);
    }

    @Test
    void everyEventHasASample() {
        List<String> sampled = EventSamples.all().stream().map(e -> e.getClass().getName()).sorted().toList();
        List<String> catalogued = resource("catalogue.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.split("\\s+")[0]).sorted().toList();
        assertThat(sampled).isEqualTo(catalogued);
    }

    @TestFactory
    Stream<DynamicTest> everyEventMatchesItsGoldenJsonAndReadsBack() {
        return EventSamples.all().stream().map(event -> DynamicTest.dynamicTest(event.getClass().getSimpleName(), () -> {
            String file = goldenName(event);
            JsonNode written = JSON.valueToTree(event);
            if (Boolean.getBoolean("careledger.golden.write")) {
                Files.createDirectories(GOLDEN_SOURCE);
                Files.writeString(GOLDEN_SOURCE.resolve(file), JSON.copy()
                        .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(written) + "\n");
            }
            String golden = resource(file);
            assertThat(written).as(file).isEqualTo(JSON.readTree(golden));
            assertThat(JSON.readValue(golden, event.getClass())).as("read back " + file).isEqualTo(event);
        }));
    }

    @Test
    void everyEventSaysWhoAndWhenInItsJson() {
        for (LedgerEvent event : EventSamples.all()) {
            JsonNode json = JSON.valueToTree(event);
            assertThat(json.path("by").path("user").isTextual()).as(event.getClass().getSimpleName()).isTrue();
            assertThat(json.path("by").path("role").isTextual()).as(event.getClass().getSimpleName()).isTrue();
            assertThat(json.path("at").asText()).as(event.getClass().getSimpleName()).isEqualTo("2026-03-03T09:15:30Z");
        }
    }

    @Test
    void theEventCatalogueDocumentsEveryEvent() throws IOException {
        String catalogue = Files.readString(Path.of("../docs/events.md"));
        for (LedgerEvent event : EventSamples.all()) {
            assertThat(catalogue).as("docs/events.md").contains("| `" + event.getClass().getSimpleName() + "` | "
                    + event.getClass().getAnnotation(Revision.class).value() + " |");
        }
    }

    private static String goldenName(LedgerEvent event) {
        return event.getClass().getSimpleName() + ".v" + event.getClass().getAnnotation(Revision.class).value() + ".json";
    }

    private static String resource(String name) {
        try (InputStream in = EventContractTest.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new AssertionError("missing golden resource events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
