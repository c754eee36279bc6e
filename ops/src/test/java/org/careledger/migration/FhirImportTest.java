package org.careledger.migration;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.careledger.LedgerCore;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.bulk.BulkWriter;
import org.careledger.directory.RegisterOrganisation;
import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
import org.careledger.record.ClinicalCode;
import org.careledger.record.EntryContent;
import org.careledger.record.SourceCoding;
import org.careledger.record.SourceReference;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Registers;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The FHIR R4 import end to end on a real (embedded) PostgreSQL, through the BulkWriter: every mapped type read
 * back through RecordReads with its codes, systems and source, rejections with file, resource and reason while the
 * valid patients continue, and a second run that adds nothing.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FhirImportTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "import-" + UUID.randomUUID());
    private static final AtomicInteger NEXT = new AtomicInteger(100);
    private static final AtomicInteger NEXT_NHS = new AtomicInteger(1000);

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
    RecordReads reads;
    @Autowired
    Registers registers;
    @Autowired
    Clock clock;

    @TempDir
    Path dir;

    private OdsCode practice;
    private String source;

    @BeforeEach
    void practice() {
        practice = OdsCode.of(String.format("M%05d", NEXT.incrementAndGet()));
        Actor admin = Actor.staff(new UserId(UUID.randomUUID()), Role.ADMINISTRATOR, OdsCode.of("X26"));
        commands.sendAndWait(new RegisterOrganisation(practice, "Practice " + practice, OrganisationType.GP_PRACTICE,
                admin, clock.instant()));
        source = "urn:careledger:source:test-" + UUID.randomUUID();
    }

    /** A fresh valid test-range NHS number per call. */
    static String nhs() {
        while (true) {
            String nine = String.format("99980%04d", NEXT_NHS.incrementAndGet());
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null) {
                return nine + check;
            }
        }
    }

    private FhirImport importer(boolean assign) {
        return new FhirImport(bulk, LedgerPatients.of(jdbc), new FhirImport.Options(source, null, assign, 2), clock);
    }

    private RecordRead readAsGp(NhsNumber patient) {
        return reads.open(Reader.staff(new UserId(UUID.randomUUID()), Role.GP, practice, Set.of()), patient,
                Purpose.DIRECT_CARE, Channel.CLI);
    }

    private long events() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    @Test
    void everyMappedTypeArrivesWithItsCodesSystemsAndSource() throws Exception {
        String nhs = nhs();
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        FhirFixtures.write(dir, "Ada_Test_p1.json", FhirFixtures.everyType("p1", nhs, "Ada"));

        ImportReport report = importer(false).run(List.of(dir), FhirImport.Progress.NONE);

        assertThat(report.rejections()).isEmpty();
        assertThat(report.imported()).isEqualTo(1);
        assertThat(report.unmapped()).containsEntry("Claim", 1L);
        assertThat(report.referenceData()).containsEntry("Organization", 1L).containsEntry("Practitioner", 1L);
        assertThat(report.eventsByType()).containsEntry("PatientRegistered", 1L).containsEntry("EntryRecorded", 13L);
        assertThat(report.mapped()).containsEntry("Observation", 4L).containsEntry("Condition", 1L);

        RecordRead read = readAsGp(NhsNumber.of(nhs));
        assertThat(read.allowed()).isTrue();
        assertThat(read.registeredPractice()).isEqualTo(practice);
        assertThat(read.demographics().familyName()).isEqualTo("Testmigrant");
        Map<String, ReadEntry> bySource = read.entries().stream()
                .collect(Collectors.toMap(e -> e.content().source().relativeReference(), e -> e));
        assertThat(bySource).hasSize(13);
        bySource.values().forEach(e -> assertThat(e.content().source().system()).isEqualTo(source));

        EntryContent condition = bySource.get("Condition/p1-cond").content();
        assertThat(bySource.get("Condition/p1-cond").section()).isEqualTo(Section.PROBLEMS);
        assertThat(condition.code()).isEqualTo(ClinicalCode.snomed("44054006"));
        assertThat(condition.effectiveDate()).hasToString("2019-03-01");

        ReadEntry med = bySource.get("MedicationRequest/p1-med");
        assertThat(med.section()).isEqualTo(Section.MEDICATIONS);
        assertThat(med.content().code()).isNull();
        assertThat(med.content().codings()).containsExactly(new SourceCoding(FhirFixtures.RXNORM, "860975",
                "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"));

        assertThat(bySource.get("AllergyIntolerance/p1-allergy").section()).isEqualTo(Section.ALLERGIES);
        ReadEntry weight = bySource.get("Observation/p1-weight");
        assertThat(weight.section()).isEqualTo(Section.OBSERVATIONS);
        assertThat(weight.content().value().value()).isEqualByComparingTo(new BigDecimal("72.4"));
        assertThat(weight.content().value().unit()).isEqualTo("kg");
        assertThat(weight.content().codings()).extracting(SourceCoding::system).containsExactly("http://loinc.org");
        assertThat(bySource.get("Observation/p1-glucose").section()).isEqualTo(Section.TEST_RESULTS);
        // the value as written, trailing zero and all: a bundle's entries are read with exact decimals
        assertThat(bySource.get("Observation/p1-glucose").content().value().value()).isEqualTo(new BigDecimal("5.60"));
        assertThat(bySource.get("Observation/p1-smoking").section()).isEqualTo(Section.OBSERVATIONS);
        assertThat(bySource.get("Observation/p1-smoking").content().text()).contains("Never smoked tobacco");
        assertThat(bySource.get("Observation/p1-bp").content().text()).contains("Systolic Blood Pressure: 128 mm[Hg]");
        assertThat(bySource.get("DiagnosticReport/p1-report").section()).isEqualTo(Section.TEST_RESULTS);
        ReadEntry imm = bySource.get("Immunization/p1-imm");
        assertThat(imm.section()).isEqualTo(Section.IMMUNISATIONS);
        assertThat(imm.content().codings()).containsExactly(new SourceCoding(FhirFixtures.CVX, "140",
                "Influenza, seasonal, injectable, preservative free"));
        assertThat(bySource.get("Encounter/p1-enc").section()).isEqualTo(Section.CONSULTATIONS);
        assertThat(bySource.get("Procedure/p1-proc").content().code()).isEqualTo(ClinicalCode.snomed("430193006"));
        assertThat(bySource.get("DocumentReference/p1-doc").section()).isEqualTo(Section.DOCUMENTS);
        assertThat(bySource.get("DocumentReference/p1-doc").content().text()).contains("plan unchanged");
        assertThat(bySource.get("CarePlan/p1-plan").section()).isEqualTo(Section.CARE_PLANS);
        assertThat(bySource.get("CarePlan/p1-plan").content().text()).contains("Diabetic diet");
        // the entry id is derived from source system and resource: a re-run builds the same commands
        assertThat(bySource.get("Condition/p1-cond").entry())
                .isEqualTo(new FhirMapping(source).entryId("Condition", "p1-cond"));
    }

    @Test
    void badFilesAndPatientsAreRejectedWithFileResourceAndReasonWhileTheOthersContinue() throws Exception {
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        String good = nhs();
        FhirFixtures.write(dir, "good.json", FhirFixtures.everyType("g1", good, "Good"));

        Bundle badCode = FhirFixtures.everyType("b1", nhs(), "Badcode");
        String invalidSnomed = "44054007";
        assertThat(ClinicalCode.isValidConceptId(invalidSnomed)).isFalse();
        badCode.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof Condition).map(r -> (Condition) r)
                .forEach(c -> c.getCode().getCodingFirstRep().setCode(invalidSnomed));
        FhirFixtures.write(dir, "bad-code.json", badCode);

        Bundle unknownRef = FhirFixtures.everyType("b2", nhs(), "Unknownref");
        unknownRef.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof Condition).map(r -> (Condition) r)
                .forEach(c -> c.setEncounter(new Reference("urn:uuid:no-such-encounter")));
        FhirFixtures.write(dir, "unknown-ref.json", unknownRef);

        FhirFixtures.write(dir, "bad-nhs.json", FhirFixtures.everyType("b3", "9990000019", "Badnhs"));
        assertThat(NhsNumber.isValid("9990000019")).isFalse();

        // after good.json in the directory order: the first one read is imported, the later one refused
        FhirFixtures.write(dir, "z-duplicate.json", FhirFixtures.everyType("b4", good, "Different"));
        Files.writeString(dir.resolve("broken.json"), "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{");

        long before = events();
        ImportReport report = importer(false).run(List.of(dir), FhirImport.Progress.NONE);
        long added = events() - before;

        assertThat(report.imported()).isEqualTo(1);
        assertThat(readAsGp(NhsNumber.of(good)).entries()).hasSize(13);
        Map<String, ImportReport.Rejection> byFile = report.rejections().stream()
                .collect(Collectors.toMap(ImportReport.Rejection::file, r -> r));
        assertThat(byFile.keySet()).containsExactlyInAnyOrder("bad-code.json", "unknown-ref.json", "bad-nhs.json",
                "z-duplicate.json", "broken.json");
        assertThat(byFile.get("bad-code.json").resource()).isEqualTo("Condition/b1-cond");
        assertThat(byFile.get("bad-code.json").reason()).contains("not a valid SNOMED CT concept id");
        assertThat(byFile.get("unknown-ref.json").reason()).contains("unknown reference urn:uuid:no-such-encounter");
        assertThat(byFile.get("bad-nhs.json").resource()).isEqualTo("Patient/b3");
        assertThat(byFile.get("bad-nhs.json").reason()).contains("not a valid NHS number");
        assertThat(byFile.get("z-duplicate.json").reason()).contains("duplicate NHS number " + good + " with different demographics");
        assertThat(byFile.get("broken.json").resource()).isNull();
        assertThat(byFile.get("broken.json").reason()).startsWith("invalid JSON at line");
        // ids only: no name, no clinical term in any reason
        assertThat(report.toJsonText()).doesNotContain("Badcode", "Unknownref", "Different", "Diabetes", "Testmigrant");
        // the good patient's 14 events only: nothing of a rejected patient was written
        assertThat(added).isEqualTo(14);
    }

    /**
     * Bulk NDJSON as exporters write it: one file per resource type, many patients in each, so a patient's resources
     * are spread over every file. Spooled into several buckets by patient, every patient arrives whole; a resource
     * about no patient of the import is rejected alone, and an unreadable line rejects the patient it names only.
     */
    @Test
    void ndjsonOfManyPatientsSpreadOverTypeFilesIsSpooledByPatientAndEachArrivesWhole() throws Exception {
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        Map<String, StringBuilder> files = new java.util.TreeMap<>();
        List<String> patients = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String nhs = nhs();
            patients.add(nhs);
            Bundle bundle = FhirFixtures.everyType("nd" + i, nhs, "Spread");
            if (i == 5) {
                // its medicine by reference to a Medication of Medication.ndjson: a resource of no patient, read in
                // pass 1, that the bucket holding nd5 must still find
                bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                        .filter(r -> r instanceof org.hl7.fhir.r4.model.MedicationRequest)
                        .forEach(r -> ((org.hl7.fhir.r4.model.MedicationRequest) r)
                                .setMedication(new Reference("Medication/med-1")));
            }
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                files.computeIfAbsent(e.getResource().fhirType(), t -> new StringBuilder())
                        .append(FhirFixtures.FHIR.newJsonParser().encodeResourceToString(e.getResource())).append('\n');
            }
        }
        files.get("Observation").append("{\"resourceType\":\"Observation\",\"id\":\"orphan-obs\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                + "\"subject\":{\"reference\":\"Patient/nobody-here\"}}\n");
        // unreadable, but it names patient nd3: only nd3 is refused
        files.get("Condition").append("{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"urn:uuid:nd3\"},\"code\":[\n");
        int conditionLines = (int) files.get("Condition").chars().filter(c -> c == '\n').count();
        files.put("Medication", new StringBuilder("{\"resourceType\":\"Medication\",\"id\":\"med-1\",\"code\":{\"coding\":"
                + "[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"860975\"}]}}\n"));
        for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey() + ".ndjson"), f.getValue());
        }

        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> spoolsBefore = spools(tmp);
        long before = events();
        ImportReport report = importer(false).ndjsonBuckets(5).run(List.of(dir), FhirImport.Progress.NONE);
        assertThat(spools(tmp)).as("the spool is deleted").isEqualTo(spoolsBefore);
        long added = events() - before;

        assertThat(report.imported()).isEqualTo(11);
        for (int i = 0; i < 12; i++) {
            NhsNumber patient = NhsNumber.of(patients.get(i));
            assertThat(registers.patientRegistered(patient)).as("patient nd" + i + " registered").isEqualTo(i != 3);
            if (i != 3) {
                assertThat(readAsGp(patient).entries()).as("patient nd" + i).hasSize(13);
            }
        }
        assertThat(added).as("11 patients, each registered with 13 entries").isEqualTo(11 * 14);
        // NDJSON lines are read with exact decimals too, as Bundle entries are: 5.60 stays 5.60
        assertThat(readAsGp(NhsNumber.of(patients.get(0))).entries())
                .filteredOn(e -> e.content().source().relativeReference().equals("Observation/nd0-glucose"))
                .singleElement().satisfies(e -> assertThat(e.content().value().value()).isEqualTo(new BigDecimal("5.60")));
        assertThat(report.rejections()).anySatisfy(r -> {
            assertThat(r.resource()).isEqualTo("Observation/orphan-obs");
            assertThat(r.reason()).isEqualTo("unknown reference: subject Patient/nobody-here");
        }).anySatisfy(r -> {
            assertThat(r.file()).isEqualTo("Condition.ndjson");
            assertThat(r.reason()).isEqualTo("line " + conditionLines + ": invalid JSON or not a valid FHIR R4 resource");
        }).anySatisfy(r -> {
            assertThat(r.resource()).isEqualTo("(unreadable line)");
            assertThat(r.reason()).isEqualTo("invalid JSON or not a valid FHIR R4 resource");
        }).hasSize(3);
        assertThat(report.rejectedPatients()).isEqualTo(1);
        assertThat(report.unmapped()).containsEntry("Claim", 12L);
        assertThat(report.referenceData()).containsEntry("Medication", 1L);
        assertThat(readAsGp(NhsNumber.of(patients.get(5))).entries()).anySatisfy(e -> {
            assertThat(e.section()).isEqualTo(Section.MEDICATIONS);
            assertThat(e.content().codings()).anySatisfy(c -> assertThat(c.code()).isEqualTo("860975"));
        });

        // the same input again, in one bucket: nothing added (the reads above appended their audit events), every
        // patient already present
        long afterReads = events();
        ImportReport again = importer(false).ndjsonBuckets(1).run(List.of(dir), FhirImport.Progress.NONE);
        assertThat(events()).isEqualTo(afterReads);
        assertThat(again.alreadyPresent()).isEqualTo(11);
    }

    private static Set<Path> spools(Path tmp) throws java.io.IOException {
        try (var list = Files.list(tmp)) {
            return list.filter(p -> p.getFileName().toString().startsWith("careledger-import-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aSecondImportAddsNoEventsAndDerivedNhsNumbersAreStable() throws Exception {
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        FhirFixtures.write(dir, "a.json", FhirFixtures.everyType("i1-" + UUID.randomUUID(), nhs(), "One"));
        FhirFixtures.write(dir, "b.json", FhirFixtures.everyType("i2-" + UUID.randomUUID(), null, "Two"));
        FhirFixtures.write(dir, "c.json", FhirFixtures.everyType("i3-" + UUID.randomUUID(), null, "Three"));

        ImportReport refused = importer(false).run(List.of(dir), FhirImport.Progress.NONE);
        assertThat(refused.imported()).isEqualTo(1);
        assertThat(refused.rejections()).hasSize(2).allSatisfy(r -> assertThat(r.reason()).contains("no NHS number"));

        ImportReport first = importer(true).run(List.of(dir), FhirImport.Progress.NONE);
        assertThat(first.imported()).isEqualTo(2);
        assertThat(first.alreadyPresent()).isEqualTo(1);
        long after = events();

        ImportReport second = importer(true).run(List.of(dir), FhirImport.Progress.NONE);
        assertThat(second.imported()).isZero();
        assertThat(second.alreadyPresent()).isEqualTo(3);
        assertThat(second.rejections()).isEmpty();
        assertThat(events()).isEqualTo(after);
    }

    /**
     * Entries are parsed on a thread of their own while the next are read. An entry HAPI cannot parse (or one with no
     * resource) still reaches the file in its place: the file's patient is refused, naming the entry, and nothing of
     * it is written.
     */
    @Test
    void anEntryThatIsNotAFhirResourceRefusesItsFilesPatientNamingTheEntry() throws Exception {
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        String unparsable = nhs();
        String noResource = nhs();
        FhirFixtures.write(dir, "unparsable.json", FhirFixtures.everyType("u1-" + UUID.randomUUID(), unparsable, "Un"));
        FhirFixtures.write(dir, "no-resource.json", FhirFixtures.everyType("u2-" + UUID.randomUUID(), noResource, "No"));
        String entries = "\"entry\"\\s*:\\s*\\[";
        Path first = dir.resolve("unparsable.json");
        Files.writeString(first, Files.readString(first).replaceFirst(entries, "\"entry\": [ {\"fullUrl\": "
                + "\"urn:uuid:nope\", \"resource\": {\"resourceType\": \"NotAResource\", \"id\": \"nope\"}},"));
        Path second = dir.resolve("no-resource.json");
        Files.writeString(second, Files.readString(second).replaceFirst(entries, "\"entry\": [ {\"fullUrl\": "
                + "\"urn:uuid:empty\"},"));
        long before = events();

        ImportReport report = importer(false).run(List.of(dir), FhirImport.Progress.NONE);

        assertThat(report.imported()).isZero();
        Map<String, ImportReport.Rejection> byFile = report.rejections().stream()
                .collect(Collectors.toMap(ImportReport.Rejection::file, r -> r));
        assertThat(byFile.get("unparsable.json").resource()).isEqualTo("NotAResource/nope");
        assertThat(byFile.get("unparsable.json").reason()).isEqualTo("not a valid FHIR R4 resource");
        assertThat(byFile.get("no-resource.json").resource()).isEqualTo("entry 0");
        assertThat(byFile.get("no-resource.json").reason()).isEqualTo("a Bundle entry without a resource");
        assertThat(registers.patientRegistered(NhsNumber.of(unparsable))).isFalse();
        assertThat(registers.patientRegistered(NhsNumber.of(noResource))).isFalse();
        assertThat(events()).isEqualTo(before);
    }

    /**
     * Batches are written on writer threads while the next is read, {@link FhirImport#WRITES_IN_FLIGHT} at once. A
     * write that fails (not a patient refused: the writer itself throws) stops the import with that error, on the
     * caller's thread, when it is the oldest write in flight: the batches before it are in the ledger, the one sent
     * with it finishes whole, no batch is sent after the failure is seen, and the writer threads are gone.
     */
    @Test
    void aWriteThatFailsStopsTheImportWithItsErrorAndNoWriteIsSentAfterIt() throws Exception {
        assertThat(FhirImport.WRITES_IN_FLIGHT).as("this test's schedule").isEqualTo(2);
        FhirFixtures.write(dir, "practitionerInformation1.json", FhirFixtures.shared(practice.value()));
        String[] patients = {nhs(), nhs(), nhs(), nhs()};
        for (int i = 0; i < patients.length; i++) {
            FhirFixtures.write(dir, "p" + i + ".json", FhirFixtures.everyType("w" + i + "-" + UUID.randomUUID(),
                    patients[i], "Write" + i));
        }
        AtomicInteger writes = new AtomicInteger();
        BulkWriter failingSecond = new BulkWriter() {
            @Override
            public List<Outcome> write(List<PatientCommands> batch) {
                if (writes.incrementAndGet() == 2) {
                    throw new IllegalStateException("the database went away");
                }
                return bulk.write(batch);
            }

            @Override
            public List<Outcome> writeDirectory(List<? extends org.careledger.shared.Command> commands) {
                return bulk.writeDirectory(commands);
            }
        };
        FhirImport importer = new FhirImport(failingSecond, LedgerPatients.of(jdbc),
                new FhirImport.Options(source, null, false, 1), clock);
        long entriesBefore = jdbc.queryForObject("SELECT count(*) FROM view_entry", Long.class);

        assertThatThrownBy(() -> importer.run(List.of(dir), FhirImport.Progress.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessage("the database went away");

        // p0 written; p1's write failed; p2's was in flight with it and finished whole; p3's was never sent
        assertThat(writes).hasValue(3);
        assertThat(registers.patientRegistered(NhsNumber.of(patients[0]))).isTrue();
        assertThat(registers.patientRegistered(NhsNumber.of(patients[1]))).isFalse();
        assertThat(registers.patientRegistered(NhsNumber.of(patients[2]))).isTrue();
        assertThat(registers.patientRegistered(NhsNumber.of(patients[3]))).isFalse();
        long perPatient = jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ?", Long.class,
                patients[0]);
        assertThat(perPatient).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry WHERE nhs_number = ?", Long.class,
                patients[2])).isEqualTo(perPatient);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry", Long.class))
                .isEqualTo(entriesBefore + 2 * perPatient);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("import-writer"));
    }

    /**
     * A Synthea 3.3.0 patient (lean profile, trimmed to two resources of each type with what they reference, and the
     * shared files trimmed to the organisations, locations and practitioners it names) imports whole: conditional
     * references resolve against the shared files, the administered medicine by reference resolves to its
     * Medication, and what is not mapped is counted.
     */
    @Test
    void aTrimmedSyntheaPatientImportsWhole() throws Exception {
        for (String name : List.of("hospitalInformation1.json", "practitionerInformation1.json",
                "Lavern240_Treutel973_trimmed.json")) {
            try (java.io.InputStream in = getClass().getResourceAsStream("/synthea/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        ImportReport report = new FhirImport(bulk, LedgerPatients.of(jdbc),
                new FhirImport.Options(source, practice, true, 10), clock).run(List.of(dir), FhirImport.Progress.NONE);

        assertThat(report.rejections()).isEmpty();
        assertThat(report.imported()).isEqualTo(1);
        assertThat(report.unmapped()).containsEntry("SupplyDelivery", 2L).containsEntry("MedicationAdministration", 1L)
                .containsEntry("Provenance", 1L);
        assertThat(report.referenceData()).containsEntry("Medication", 1L).containsKeys("Organization", "Location",
                "Practitioner");
        assertThat(report.mapped()).containsEntry("Encounter", 4L).containsEntry("Condition", 3L)
                .containsEntry("MedicationRequest", 1L).containsEntry("DocumentReference", 2L);
        assertThat(report.eventsByType()).containsEntry("EntryRecorded", 17L);
    }
}
