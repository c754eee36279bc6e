package org.careledger.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.LedgerCore;
import org.careledger.bulk.BulkWriter;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FHIR import files mutated at random: a patient Bundle, or the same resources as NDJSON, with byte flips,
 * truncation, values of the wrong JSON type, fields dropped or given twice, huge strings, references and codes
 * that resolve to nothing, NHS numbers that fail their check. Through the import service on a real PostgreSQL, each
 * case must end in one of two ways: the patient stored whole (its registration and every entry, the views holding
 * exactly what the ledger holds) or nothing of it stored and a rejection naming the file. The report's counts match
 * the ledger, its reasons quote no record content, and the service never throws on bad input.
 * <p>
 * Cases {@code -Dcareledger.fuzz.import.cases} (default 150), seed {@code -Dcareledger.fuzz.seed}; see
 * docs/reliability.md.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ImportFuzzTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "import-fuzz-" + UUID.randomUUID());
    private static final int CASES = Integer.getInteger("careledger.fuzz.import.cases", 150);
    private static final long SEED = Long.getLong("careledger.fuzz.seed", 20261202L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GIVEN = "Fuzzmarker";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @Autowired
    CommandGateway commands;
    @Autowired
    BulkWriter bulk;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Clock clock;

    @TempDir
    Path dir;

    enum Mutation { NONE, BYTE_FLIP, TRUNCATE, WRONG_TYPE, MISSING_FIELD, DUPLICATE_FIELD, HUGE_STRING, BAD_REFERENCE,
        BAD_CODE, BAD_NHS_NUMBER }

    private static final List<JsonNode> WRONG_VALUES = List.of(JsonNodeFactory.instance.numberNode(42),
            JsonNodeFactory.instance.numberNode(-1.5e300), JsonNodeFactory.instance.textNode(""),
            JsonNodeFactory.instance.textNode("x"), JsonNodeFactory.instance.booleanNode(true),
            JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.arrayNode(),
            JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.arrayNode().add(1).add("two"));
    private static final List<String> BAD_REFERENCES = List.of("", "urn:uuid:nobody", "Patient/none", "Practitioner?identifier=x|y",
            "Organization/", "#", "http://elsewhere.invalid/Patient/1", "urn:uuid:", "\u0000", "../../etc/passwd");
    private static final List<String> BAD_CODES = List.of("", "0", "44054007", "abc", "-1", "1".repeat(40), "44054006 ",
            "\ud800", "１２３４５６", "NaN");

    @Test
    void mutatedBundlesAndNdjsonStoreAPatientWholeOrNotAtAllAndTheReportNamesEveryRejection() throws Exception {
        OdsCode practice = OdsCode.of("M99901");
        commands.sendAndWait(new RegisterOrganisation(practice, "Fuzz Practice", OrganisationType.GP_PRACTICE,
                Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26")), clock.instant()));
        Path shared = FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        String source = "urn:careledger:source:fuzz-" + SEED;
        Random random = new Random(SEED);
        Map<Mutation, int[]> outcomes = new EnumMap<>(Mutation.class); // [stored, rejected]
        int nhsCounter = 0;
        for (int i = 0; i < CASES; i++) {
            String nhs;
            do {
                nhs = nhsOf(nhsCounter++);
            } while (nhs == null);
            Bundle bundle = FhirFixtures.everyType("fz" + i + "-" + Long.toHexString(random.nextLong()), nhs, GIVEN);
            boolean ndjson = random.nextBoolean();
            Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
            String name = "case-" + i + (ndjson ? ".ndjson" : ".json");
            byte[] file = ndjson ? ndjson(bundle, mutation, random) : bundle(bundle, mutation, random);
            Path caseDir = Files.createDirectories(dir.resolve("c" + i));
            Files.copy(shared, caseDir.resolve(shared.getFileName()));
            Files.write(caseDir.resolve(name), file);
            String what = "case " + i + " (" + mutation + (ndjson ? ", NDJSON" : ", Bundle") + ", seed " + SEED + ")";

            long before = jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
            ImportReport report = new FhirImport(bulk, LedgerPatients.of(jdbc),
                    new FhirImport.Options(source, null, false, 10), clock).run(List.of(caseDir), FhirImport.Progress.NONE);

            long added = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE global_index > ?",
                    Long.class, before);
            assertThat(added).as(what + ": events the report counts").isEqualTo(report.events());
            List<String> stored = jdbc.queryForList("""
                    SELECT aggregate_identifier FROM domain_event_entry
                     WHERE global_index > ? AND payload_type = 'org.careledger.record.PatientRegistered'""",
                    String.class, before);
            assertThat(stored.size()).as(what + ": patients the report counts").isEqualTo(report.imported());
            assertThat(stored).as(what + ": one patient per file").hasSizeLessThanOrEqualTo(1);
            if (stored.isEmpty()) {
                assertThat(added).as(what + ": nothing of a rejected patient written").isZero();
                assertThat(report.rejections()).as(what + ": the report names the rejection")
                        .anySatisfy(r -> {
                            // NDJSON is read by patient across files: its rejections name the resource, not a file
                            assertThat(r.file()).isEqualTo(ndjson ? "(ndjson)" : name);
                            assertThat(r.reason()).isNotBlank();
                        });
                outcomes.computeIfAbsent(mutation, m -> new int[2])[1]++;
            } else {
                String patient = stored.get(0);
                long entries = jdbc.queryForObject("""
                        SELECT count(*) FROM domain_event_entry WHERE global_index > ? AND aggregate_identifier = ?
                           AND payload_type = 'org.careledger.record.EntryRecorded'""", Long.class, before, patient);
                assertThat(entries).as(what + ": entries of the stored patient").isBetween(0L, 13L);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ?", Long.class,
                        patient)).as(what + ": the views hold the patient's entries").isEqualTo(entries);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM view_patient WHERE nhs_number = ?", Long.class,
                        patient)).as(what + ": the views hold the patient").isEqualTo(1L);
                if (mutation == Mutation.NONE) {
                    assertThat(entries).as(what + ": an untouched file stores every entry").isEqualTo(13L);
                }
                outcomes.computeIfAbsent(mutation, m -> new int[2])[0]++;
            }
            assertThat(report.toJsonText()).as(what + ": ids only in the report")
                    .doesNotContain(GIVEN, "Testmigrant", "Synthetic Row", "Diabetes mellitus");
        }
        StringBuilder summary = new StringBuilder("import fuzz, seed " + SEED + ", " + CASES + " cases (stored/rejected):");
        outcomes.forEach((m, n) -> summary.append(' ').append(m).append(' ').append(n[0]).append('/').append(n[1]));
        System.out.println(summary);
        assertThat(outcomes.get(Mutation.NONE)).as("untouched files are stored").satisfies(n -> assertThat(n[0]).isPositive());
        assertThat(outcomes.values().stream().mapToInt(n -> n[1]).sum()).as("mutations are rejected").isPositive();
    }

    private static String nhsOf(int n) {
        String nine = String.format("99982%04d", n);
        Integer check = NhsNumber.checkDigit(nine);
        return check == null ? null : nine + check;
    }

    // ---- mutations -------------------------------------------------------------------------------------------

    private static byte[] bundle(Bundle bundle, Mutation mutation, Random random) throws IOException {
        JsonNode tree = JSON.readTree(FhirFixtures.FHIR.newJsonParser().encodeResourceToString(bundle));
        return mutate(tree, mutation, random);
    }

    /** The Bundle's resources one per line, one of them (or the file's bytes) mutated. */
    private static byte[] ndjson(Bundle bundle, Mutation mutation, Random random) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            lines.add(JSON.readTree(FhirFixtures.FHIR.newJsonParser().encodeResourceToString(e.getResource())));
        }
        int target = random.nextInt(lines.size());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            boolean textual = mutation == Mutation.BYTE_FLIP || mutation == Mutation.TRUNCATE;
            String line = i == target && !textual ? new String(mutate(lines.get(i), mutation, random), StandardCharsets.UTF_8)
                    : JSON.writeValueAsString(lines.get(i));
            text.append(line.replace('\n', ' ')).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return switch (mutation) {
            case BYTE_FLIP -> flip(bytes, random);
            case TRUNCATE -> java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            default -> bytes;
        };
    }

    private static byte[] mutate(JsonNode tree, Mutation mutation, Random random) throws IOException {
        switch (mutation) {
            case NONE -> {
            }
            case BYTE_FLIP -> {
                return flip(JSON.writeValueAsBytes(tree), random);
            }
            case TRUNCATE -> {
                byte[] bytes = JSON.writeValueAsBytes(tree);
                return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case WRONG_TYPE -> replaceRandomField(tree, random, (name, old) -> WRONG_VALUES.get(random.nextInt(WRONG_VALUES.size())));
            case MISSING_FIELD -> {
                ObjectNode o = randomObject(tree, random);
                List<String> names = names(o);
                if (!names.isEmpty()) {
                    o.remove(names.get(random.nextInt(names.size())));
                }
            }
            case DUPLICATE_FIELD -> {
                ObjectNode o = randomObject(tree, random);
                List<String> names = names(o);
                if (!names.isEmpty()) {
                    String name = names.get(random.nextInt(names.size()));
                    JsonNode other = random.nextBoolean() ? o.get(name) : WRONG_VALUES.get(random.nextInt(WRONG_VALUES.size()));
                    o.set("__duplicate__", other);
                    return JSON.writeValueAsString(tree).replace("\"__duplicate__\"", "\"" + name + "\"")
                            .getBytes(StandardCharsets.UTF_8);
                }
            }
            case HUGE_STRING -> replaceRandomField(tree, random, (name, old) -> old.isTextual()
                    ? new TextNode(huge(random)) : old);
            case BAD_REFERENCE -> replaceNamed(tree, "reference", random,
                    () -> new TextNode(BAD_REFERENCES.get(random.nextInt(BAD_REFERENCES.size()))));
            case BAD_CODE -> replaceNamed(tree, "code", random,
                    () -> new TextNode(BAD_CODES.get(random.nextInt(BAD_CODES.size()))));
            case BAD_NHS_NUMBER -> replaceNamed(tree, "value", random, () -> new TextNode(
                    random.nextBoolean() ? "9990000019" : String.valueOf(random.nextLong())));
        }
        return JSON.writeValueAsBytes(tree);
    }

    private static byte[] flip(byte[] bytes, Random random) {
        byte[] copy = bytes.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static String huge(Random random) {
        StringBuilder b = new StringBuilder();
        String alphabet = "abcdefghij éßø日本\ud83d\ude00";
        int n = 50_000 + random.nextInt(150_000);
        while (b.length() < n) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    interface Replacement {
        JsonNode replace(String name, JsonNode old);
    }

    /** Every object in the tree, depth first. */
    private static List<ObjectNode> objects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode o) {
            into.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            objects(it.next(), into);
        }
        return into;
    }

    private static ObjectNode randomObject(JsonNode tree, Random random) {
        List<ObjectNode> all = objects(tree, new ArrayList<>());
        return all.get(random.nextInt(all.size()));
    }

    private static List<String> names(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void replaceRandomField(JsonNode tree, Random random, Replacement replacement) {
        ObjectNode o = randomObject(tree, random);
        List<String> names = names(o);
        if (!names.isEmpty()) {
            String name = names.get(random.nextInt(names.size()));
            o.set(name, replacement.replace(name, o.get(name)));
        }
    }

    private static void replaceNamed(JsonNode tree, String field, Random random,
                                     java.util.function.Supplier<JsonNode> value) {
        List<ObjectNode> holders = objects(tree, new ArrayList<>()).stream().filter(o -> o.has(field)).toList();
        if (!holders.isEmpty()) {
            holders.get(random.nextInt(holders.size())).set(field, value.get());
        }
    }
}
