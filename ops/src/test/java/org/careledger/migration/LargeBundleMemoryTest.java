package org.careledger.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.LedgerCore;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory stays bounded: an 85 MB Bundle of 8,000 entries (one patient: 4,000 laboratory Observations with a long
 * note each, 3,999 DocumentReferences with a text attachment each) is imported by {@code careledger import} in a
 * child JVM limited to {@code -Xmx512m}, against this test's PostgreSQL. Streaming is what makes it fit: the file is
 * never held in memory, and what is held (the mapped entries, the patient's commands and events) is far smaller.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class LargeBundleMemoryTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "import-large-" + UUID.randomUUID());

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @Autowired
    CommandGateway commands;
    @Autowired
    HikariDataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Clock clock;

    @Test
    void an85MegabyteBundleOf8000EntriesImportsWithHalfAGigabyteOfHeap() throws Exception {
        OdsCode practice = OdsCode.of("L00001");
        commands.sendAndWait(new RegisterOrganisation(practice, "Large Practice", OrganisationType.GP_PRACTICE,
                Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26")), clock.instant()));
        Path file = Files.createDirectories(Path.of("target", "large-bundle")).resolve("large-" + UUID.randomUUID() + ".json");
        NhsNumber nhs = NhsNumber.of("9990000018");
        write(file, nhs, 8_000);
        long size = Files.size(file);
        assertThat(size).isBetween(84_000_000L, 90_000_000L);

        JsonNode summary = importInChildJvm("-Xmx512m", practice, "urn:careledger:source:large", file,
                file.resolveSibling(file.getFileName() + ".out"), file.resolveSibling(file.getFileName() + ".err"));
        assertThat(summary.path("patients").path("imported").asInt()).isEqualTo(1);
        assertThat(summary.path("eventsByType").path("EntryRecorded").asInt()).isEqualTo(7_999);
        assertThat(summary.path("rejections").size()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ?", Long.class, nhs.value()))
                .isEqualTo(7_999L);
        Files.delete(file);
    }

    /**
     * NDJSON is streamed too: 200 MB of it (Patient.ndjson and DocumentReference.ndjson, 150 patients of 100 clinic
     * letters of 10 KB each as text attachments, a patient's resources spread over both files) imports with
     * {@code -Xmx160m}, less than the text it stores. Holding every patient's mapped entries until all files are read
     * (as the import did before it spooled NDJSON by patient) runs out of that heap.
     */
    @Test
    void ndjsonLargerThanTheHeapImportsWithBoundedMemory() throws Exception {
        OdsCode practice = OdsCode.of("L00002");
        commands.sendAndWait(new RegisterOrganisation(practice, "Large Practice Two", OrganisationType.GP_PRACTICE,
                Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26")), clock.instant()));
        Path dir = Files.createDirectories(Path.of("target", "large-ndjson", UUID.randomUUID().toString()));
        int patients = 150;
        int letters = 100;
        try (BufferedWriter p = Files.newBufferedWriter(dir.resolve("Patient.ndjson"), StandardCharsets.UTF_8);
             BufferedWriter d = Files.newBufferedWriter(dir.resolve("DocumentReference.ndjson"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < patients; i++) {
                String id = "ndl-" + i;
                p.write("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[{\"system\":"
                        + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"" + nhs(i) + "\"}],\"name\":[{\"family\":"
                        + "\"Large\",\"given\":[\"Nina\"]}],\"gender\":\"female\",\"birthDate\":\"1950-01-01\","
                        + "\"address\":[{\"line\":[\"1 Big Street\"],\"city\":\"Testbury\",\"postalCode\":\"ZZ99 1AA\"}]}\n");
            }
            // patient by patient in turn, as an export by resource type interleaves them
            for (int k = 0; k < letters; k++) {
                String text = java.util.Base64.getEncoder().encodeToString(("Clinic letter " + k
                        + ": reviewed, no change to management. ").repeat(200).getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < patients; i++) {
                    d.write("{\"resourceType\":\"DocumentReference\",\"id\":\"ndl-" + i + "-" + k + "\","
                            + "\"status\":\"current\",\"type\":{\"coding\":[{\"system\":\"http://loinc.org\","
                            + "\"code\":\"34117-2\",\"display\":\"History and physical note\"}]},"
                            + "\"subject\":{\"reference\":\"Patient/ndl-" + i + "\"},\"date\":\"2020-01-01T09:00:00+00:00\","
                            + "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"" + text + "\"}}]}\n");
                }
            }
        }
        long size = Files.size(dir.resolve("DocumentReference.ndjson")) + Files.size(dir.resolve("Patient.ndjson"));
        assertThat(size).isBetween(200_000_000L, 230_000_000L);

        JsonNode summary = importInChildJvm("-Xmx160m", practice, "urn:careledger:source:large-ndjson", dir,
                dir.resolve("import.out"), dir.resolve("import.err"));
        assertThat(summary.path("patients").path("imported").asInt()).isEqualTo(patients);
        assertThat(summary.path("eventsByType").path("EntryRecorded").asInt()).isEqualTo(patients * letters);
        assertThat(summary.path("rejections").size()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ?", Long.class, nhs(7)))
                .isEqualTo((long) letters);
        Files.delete(dir.resolve("DocumentReference.ndjson"));
        Files.delete(dir.resolve("Patient.ndjson"));
    }

    /**
     * Runs {@code careledger import} in a child JVM with the given heap limit against this test's PostgreSQL and
     * returns its JSON summary, the last thing on stdout (warnings the ledger logs while booting come before it).
     */
    private JsonNode importInChildJvm(String heap, OdsCode practice, String source, Path input, Path out, Path err)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                "org.careledger.ops.CareLedgerCli", "import", "--practice", practice.value(), "--no-progress",
                "--source", source, input.toString(),
                "--spring.datasource.url=" + dataSource.getJdbcUrl(), "--spring.datasource.username=postgres"));
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished = child.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            child.destroyForcibly();
        }
        assertThat(finished).as("import finished").isTrue();
        assertThat(child.exitValue()).as(Files.readString(err)).isZero();
        String stdout = Files.readString(out);
        return new ObjectMapper().readTree(stdout.substring(stdout.lastIndexOf("\n{\n") + 1));
    }

    /** A valid test-range NHS number for the i-th patient of the NDJSON test. */
    private static String nhs(int i) {
        for (int n = i * 11; n < i * 11 + 11; n++) {
            String nine = String.format("99975%04d", n);
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null) {
                return nine + check;
            }
        }
        throw new IllegalStateException("no valid NHS number for patient " + i);
    }

    /** Writes the Bundle as a stream (pretty-printed, as Synthea writes), never holding it. */
    static void write(Path file, NhsNumber nhs, int entries) throws IOException {
        String note = "Sample haemolysed; repeat requested. ".repeat(285); // 10,545 characters
        String text = java.util.Base64.getEncoder().encodeToString(
                "Clinic letter: reviewed, no change to management. ".repeat(140).getBytes(StandardCharsets.UTF_8));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"transaction\",\n  \"entry\": [ {\n"
                    + "    \"fullUrl\": \"urn:uuid:large-patient\",\n    \"resource\": {\n"
                    + "      \"resourceType\": \"Patient\",\n      \"id\": \"large-patient\",\n"
                    + "      \"identifier\": [ { \"system\": \"https://fhir.nhs.uk/Id/nhs-number\", \"value\": \"" + nhs + "\" } ],\n"
                    + "      \"name\": [ { \"use\": \"official\", \"family\": \"Large\", \"given\": [ \"Lara\" ] } ],\n"
                    + "      \"gender\": \"female\",\n      \"birthDate\": \"1950-01-01\",\n"
                    + "      \"address\": [ { \"line\": [ \"1 Big Street\" ], \"city\": \"Testbury\", \"postalCode\": \"ZZ99 1AA\" } ]\n"
                    + "    },\n    \"request\": { \"method\": \"POST\", \"url\": \"Patient\" }\n  }");
            for (int i = 1; i < entries; i++) {
                String id = "large-" + i;
                w.write(",\n  {\n    \"fullUrl\": \"urn:uuid:" + id + "\",\n    \"resource\": ");
                if (i % 2 == 1) {
                    w.write("{\n      \"resourceType\": \"Observation\",\n      \"id\": \"" + id + "\",\n"
                            + "      \"status\": \"final\",\n"
                            + "      \"category\": [ { \"coding\": [ { \"system\": \"http://terminology.hl7.org/CodeSystem/observation-category\", \"code\": \"laboratory\" } ] } ],\n"
                            + "      \"code\": { \"coding\": [ { \"system\": \"http://loinc.org\", \"code\": \"2339-0\", \"display\": \"Glucose\" } ], \"text\": \"Glucose\" },\n"
                            + "      \"subject\": { \"reference\": \"urn:uuid:large-patient\" },\n"
                            + "      \"effectiveDateTime\": \"2020-01-01T09:00:00+00:00\",\n"
                            + "      \"valueQuantity\": { \"value\": " + (4 + i % 5) + ".2, \"unit\": \"mmol/L\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"mmol/L\" },\n"
                            + "      \"note\": [ { \"text\": \"" + note + "\" } ]\n    }");
                } else {
                    w.write("{\n      \"resourceType\": \"DocumentReference\",\n      \"id\": \"" + id + "\",\n"
                            + "      \"status\": \"current\",\n"
                            + "      \"type\": { \"coding\": [ { \"system\": \"http://loinc.org\", \"code\": \"34117-2\", \"display\": \"History and physical note\" } ] },\n"
                            + "      \"subject\": { \"reference\": \"urn:uuid:large-patient\" },\n"
                            + "      \"date\": \"2020-01-01T09:00:00+00:00\",\n"
                            + "      \"content\": [ { \"attachment\": { \"contentType\": \"text/plain\", \"data\": \"" + text + "\" } } ]\n    }");
                }
                w.write(",\n    \"request\": { \"method\": \"POST\", \"url\": \"" + (i % 2 == 1 ? "Observation" : "DocumentReference")
                        + "\" }\n  }");
            }
            w.write(" ]\n}\n");
        }
    }
}
