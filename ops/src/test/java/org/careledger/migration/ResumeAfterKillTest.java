package org.careledger.migration;

import com.zaxxer.hikari.HikariDataSource;
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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resumable: {@code careledger import} in a child JVM is killed (SIGKILL) after some patients are committed; a
 * re-run imports the rest, and the end state is the one an uninterrupted run gives: every patient once, each with
 * exactly the entries its Bundle maps to (the deterministic ids), nobody half-written.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ResumeAfterKillTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "import-kill-" + UUID.randomUUID());
    private static final int PATIENTS = 200;
    private static final int ENTRIES = 13;

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
    BulkWriter bulk;
    @Autowired
    Clock clock;

    @TempDir
    Path dir;

    @Test
    void aRunKilledHalfWayIsFinishedByTheNextAndEndsAsAnUninterruptedRun() throws Exception {
        OdsCode practice = OdsCode.of("K00001");
        commands.sendAndWait(new RegisterOrganisation(practice, "Kill Practice", OrganisationType.GP_PRACTICE,
                Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26")), clock.instant()));
        String source = "urn:careledger:source:kill";
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        FhirMapping mapping = new FhirMapping(source);
        List<String> patients = new ArrayList<>();
        Set<String> expectedEntries = new HashSet<>();
        for (int i = 0; i < PATIENTS; i++) {
            String nhs = FhirImportTest.nhs();
            patients.add(nhs);
            Bundle b = FhirFixtures.everyType("k" + i, nhs, "Kim");
            FhirFixtures.write(dir, String.format("patient-%03d.json", i), b);
            b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(r -> FhirMapping.ENTRY_TYPES.contains(r.fhirType()))
                    .forEach(r -> expectedEntries.add(mapping.entryId(r.fhirType(), r.getIdElement().getIdPart()).toString()));
        }
        assertThat(expectedEntries).hasSize(PATIENTS * ENTRIES);

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "org.careledger.ops.CareLedgerCli", "import",
                "--practice", practice.value(), "--source", source, "--batch", "1", "--no-progress", dir.toString(),
                "--spring.datasource.url=" + dataSource.getJdbcUrl(), "--spring.datasource.username=postgres")
                .redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile()).start();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> registered(patients) >= 3 || !child.isAlive());
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
        long atKill = registered(patients);
        assertThat(atKill).as("killed half-way; child said: " + java.nio.file.Files.readString(dir.resolve("child.err"))
                + java.nio.file.Files.readString(dir.resolve("child.out"))).isBetween(1L, (long) PATIENTS - 1);
        // nobody half-written: each patient registered so far has all its entries
        assertThat(entriesOf(patients)).isEqualTo(registered(patients) * ENTRIES);

        ImportReport resumed = new FhirImport(bulk, LedgerPatients.of(jdbc),
                new FhirImport.Options(source, practice, false, 10), clock).run(List.of(dir), FhirImport.Progress.NONE);

        assertThat(resumed.rejections()).isEmpty();
        assertThat(resumed.alreadyPresent()).isGreaterThanOrEqualTo((int) atKill);
        assertThat(resumed.imported() + resumed.alreadyPresent()).isEqualTo(PATIENTS);
        assertThat(registered(patients)).isEqualTo(PATIENTS);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                + "'org.careledger.record.PatientRegistered' AND aggregate_identifier = ANY (?)", Long.class,
                (Object) patients.toArray(String[]::new))).isEqualTo(PATIENTS);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                + "'org.careledger.record.EntryRecorded' AND aggregate_identifier = ANY (?)", Long.class,
                (Object) patients.toArray(String[]::new))).isEqualTo((long) PATIENTS * ENTRIES);
        Set<String> stored = new HashSet<>(jdbc.queryForList("SELECT entry_id::text FROM view_entry WHERE nhs_number = ANY (?)",
                String.class, (Object) patients.toArray(String[]::new)));
        assertThat(stored).isEqualTo(expectedEntries);
    }

    private long registered(List<String> patients) {
        return jdbc.queryForObject("SELECT count(*) FROM view_patient WHERE nhs_number = ANY (?)", Long.class,
                (Object) patients.toArray(String[]::new));
    }

    private long entriesOf(List<String> patients) {
        return jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ANY (?)", Long.class,
                (Object) patients.toArray(String[]::new));
    }
}
