package org.careledger.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.careledger.record.ClinicalCode;
import org.careledger.record.EntryAmended;
import org.careledger.record.EntryContent;
import org.careledger.record.EntryRecorded;
import org.careledger.record.Quantity;
import org.careledger.record.SourceCoding;
import org.careledger.record.SourceReference;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EntryContent gained a migrated entry's provenance (its source codings and source reference, issue 9) without a
 * new revision of EntryRecorded or EntryAmended: both fields are optional, the ledger's JSON omits them when empty,
 * so (1) every revision-1 event stored before reads back unchanged, meaning "written in CareLedger, no source",
 * and is written again byte for byte as it was, and (2) a migrated entry's JSON carries them and reads back equal.
 * No upcaster is needed because no stored JSON changes meaning or shape: the new fields only ever appear in events
 * written after this change, and an older reader ignores unknown properties (LedgerJson).
 */
class EntryContentContractTest {

    private static final ObjectMapper JSON = LedgerJson.mapper();

    @Test
    void revisionOneEntriesStoredBeforeReadAsEntriesWithoutSourceAndAreWrittenAsBefore() throws IOException {
        for (String file : List.of("EntryRecorded.v1.json", "EntryAmended.v1.json")) {
            String golden = resource(file);
            Class<?> type = file.startsWith("EntryRecorded") ? EntryRecorded.class : EntryAmended.class;
            Object event = JSON.readValue(golden, type);
            EntryContent content = type == EntryRecorded.class ? ((EntryRecorded) event).content()
                    : ((EntryAmended) event).content();
            assertThat(content.codings()).as(file).isEmpty();
            assertThat(content.source()).as(file).isNull();
            assertThat(content.code()).as(file).isEqualTo(ClinicalCode.snomed("38341003"));
            JsonNode rewritten = JSON.valueToTree(event);
            assertThat(rewritten).as(file).isEqualTo(JSON.readTree(golden));
            assertThat(rewritten.path("content").has("codings")).isFalse();
            assertThat(rewritten.path("content").has("source")).isFalse();
        }
    }

    @Test
    void aMigratedEntryKeepsItsCodingsAndSourceInItsJson() throws IOException {
        EntryContent content = new EntryContent(null, "Body weight", null, new Quantity(new BigDecimal("72.4"), "kg"),
                LocalDate.of(2024, 5, 2), null,
                List.of(new SourceCoding(SourceCoding.LOINC, "29463-7", "Body Weight")),
                new SourceReference("urn:careledger:source:test", "Observation", "a1b2c3"));
        EntryRecorded event = new EntryRecorded(EventSamples.PATIENT, EventSamples.ENTRY, Section.OBSERVATIONS, content,
                Sensitivity.NORMAL, EventSamples.GP, EventSamples.AT);
        String file = "EntryRecorded.v1.migrated.json";
        JsonNode written = JSON.valueToTree(event);
        if (Boolean.getBoolean("careledger.golden.write")) {
            Files.writeString(Path.of("src/test/resources/events").resolve(file), JSON.copy()
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(written) + "\n");
        }
        String golden = resource(file);
        assertThat(written).isEqualTo(JSON.readTree(golden));
        assertThat(JSON.readValue(golden, EntryRecorded.class)).isEqualTo(event);
        assertThat(written.path("content").path("codings").get(0).path("system").asText()).isEqualTo("http://loinc.org");
        assertThat(written.path("content").path("source").path("id").asText()).isEqualTo("a1b2c3");
    }

    private static String resource(String name) {
        try (InputStream in = EntryContentContractTest.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new AssertionError("missing golden resource events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
