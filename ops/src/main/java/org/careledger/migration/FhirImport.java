package org.careledger.migration;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.careledger.bulk.BulkWriter;
import org.careledger.record.Demographics;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Imports FHIR R4 patient data into the ledger (issue 9, docs/migration.md): Bundles (transaction, batch,
 * collection; one file per patient as Synthea writes them) and bulk NDJSON (one file per resource type). The shared
 * Organization / Practitioner / PractitionerRole / Location files (Synthea's hospitalInformation*.json and
 * practitionerInformation*.json, or NDJSON files of those types) are loaded first.
 * <p>
 * Bundles are streamed: Jackson walks {@code entry} and HAPI parses one resource at a time, which is mapped at once
 * and dropped, so memory holds one patient's mapped entries, never the file. A patient is all or nothing: any
 * resource of theirs that cannot be mapped (invalid code, unknown reference, text the ledger cannot hold) rejects
 * the patient with the file, the resource id and the reason, and the others continue. Patients already in the
 * ledger with identical demographics are skipped (a re-run adds nothing, and an interrupted run continues), a
 * duplicate NHS number with different demographics is rejected. Patients are written through {@link BulkWriter},
 * one patient atomically, many per call.
 */
public final class FhirImport {

    /** How patients are imported. */
    public record Options(String sourceSystem, OdsCode practice, boolean assignNhsNumbers, int batchSize) {
        public Options {
            Refusal.requireValue(sourceSystem, "source system");
            if (!sourceSystem.matches("[a-zA-Z][a-zA-Z0-9+.-]*:\\S{1,190}")) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "the source system is a URI (urn:..., https://...)");
            }
            if (batchSize < 1 || batchSize > 1000) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, "the batch size is 1 to 1000 patients");
            }
        }
    }

    /** Progress: patients done (imported, skipped or rejected) of those expected, and events written. */
    public interface Progress {
        Progress NONE = (done, total, events) -> {
        };

        void update(int patientsDone, int patientsTotal, long events);
    }

    public static final String DEFAULT_SOURCE_SYSTEM = "urn:careledger:source:fhir-import";
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Pattern PATIENT_REFERENCE =
            Pattern.compile("\"reference\"\\s*:\\s*\"(?:urn:uuid:|Patient/)([A-Za-z0-9\\-.]{1,64})\"");
    private static final int MAX_NHS_ATTEMPTS = 50;

    private final BulkWriter writer;
    private final LedgerPatients ledger;
    private final Options options;
    private final FhirMapping mapping;
    private final Instant at;
    /**
     * Reads a Bundle's entries as trees the FHIR parser then reads directly (no second parse of the text), so it
     * reads decimals as HAPI's own JSON reading does: exactly ("5.10" stays 5.10), not as doubles.
     */
    private final ObjectMapper json = new ObjectMapper()
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Parses on this thread (NDJSON); the parsing thread has a parser of its own: a HAPI parser is not thread-safe. */
    private final IJsonLikeParser parser = (IJsonLikeParser) FHIR.newJsonParser();
    private final ReferenceData referenceData = new ReferenceData();
    private final Map<NhsNumber, Demographics> seen = new HashMap<>();
    private final List<PatientCommands> pending = new ArrayList<>();
    private final ImportReport report = new ImportReport();
    private Progress progress = Progress.NONE;
    private int patientsDone;
    private int patientsTotal;
    /** The characters of text the patients waiting for the next write hold (with 256 per entry for the rest). */
    private long pendingText;
    /**
     * A write goes when this much text is waiting, even short of the batch size: its memory (the commands, their
     * events serialised, the statements) is a few times its text, and a few patients with long documents can hold
     * more than a batch of ordinary ones. {@link #WRITES_IN_FLIGHT} + 1 batches are held at most: those being written,
     * and one being read.
     */
    private static final long MAX_PENDING_TEXT = 2L << 20;
    /** NDJSON spool buckets; 0: by the input's size. */
    private int ndjsonBuckets;
    /**
     * Batches written at once, each in a transaction of its own on a writer thread of its own, while this thread reads
     * and maps the next. A write is CPU work in the JVM (deciding, serialising, the read-back check) and then a wait
     * for the server (the statements, the commit): with one write in flight the writer thread was the import's
     * bottleneck and a quarter of two cores stood idle; with two, one write's wait overlaps the other's work. The
     * outcomes are reported on this thread in the order the batches were read, so the report is kept by one thread;
     * two batches may commit in either order, as two concurrent commands may (different patients' rows, so neither
     * waits for the other), and a re-run after a kill finds the patients of whichever committed.
     */
    static final int WRITES_IN_FLIGHT = 2;
    /** The writer threads ({@link #WRITES_IN_FLIGHT}), started with the first write. */
    private ExecutorService writerThreads;
    /** The parsing thread: Bundle entries' resources are parsed there, in order, with a parser of its own. */
    private ExecutorService parserThread;
    private final IJsonLikeParser entryParser = (IJsonLikeParser) FHIR.newJsonParser();
    /** The writes in flight, oldest first, each with the patients it holds. */
    private final ArrayDeque<Write> writes = new ArrayDeque<>();

    private record Write(Future<List<BulkWriter.Outcome>> outcomes, List<PatientCommands> batch) {
    }

    public FhirImport(BulkWriter writer, LedgerPatients ledger, Options options, Clock clock) {
        this.writer = writer;
        this.ledger = ledger;
        this.options = options;
        this.mapping = new FhirMapping(options.sourceSystem());
        this.at = clock.instant();
    }

    /** Spools NDJSON patient data into exactly {@code buckets} buckets (tests: several buckets from a small input). */
    FhirImport ndjsonBuckets(int buckets) {
        this.ndjsonBuckets = buckets;
        return this;
    }

    /** The user every migrated command is written by: a name-based UUID of the source system (docs/migration.md). */
    public static UserId migrationUser(String sourceSystem) {
        return new UserId(UUID.nameUUIDFromBytes(("careledger-migration|" + sourceSystem).getBytes(StandardCharsets.UTF_8)));
    }

    /** A patient's commands and what of the source they came from, on their way to the BulkWriter. */
    private record PatientCommands(String file, String resource, BulkWriter.PatientCommands commands,
                                   Map<String, Long> mappedTypes) {
    }

    // ---- files -------------------------------------------------------------------------------------------------

    /**
     * Imports the files and directories given (a directory: its *.json and *.ndjson files): the shared
     * reference files first, then the patient bundles, then the NDJSON patient data.
     */
    public ImportReport run(List<Path> inputs, Progress progress) throws IOException {
        this.progress = progress;
        try {
            return readAll(inputs);
        } finally {
            stopThreads();
        }
    }

    private ImportReport readAll(List<Path> inputs) throws IOException {
        long started = System.nanoTime();
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> list = Files.list(input)) {
                    list.filter(p -> name(p).endsWith(".json") || name(p).endsWith(".ndjson")).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(input)) {
                files.add(input);
            } else {
                throw new IllegalArgumentException("no such file or directory: " + input);
            }
        }
        List<Path> shared = files.stream().filter(FhirImport::isSharedFile).toList();
        List<Path> bundles = files.stream().filter(p -> !isSharedFile(p) && name(p).endsWith(".json")).toList();
        List<Path> ndjson = files.stream().filter(p -> !isSharedFile(p) && name(p).endsWith(".ndjson"))
                .sorted(Comparator.comparing((Path p) -> !name(p).startsWith("Patient")).thenComparing(FhirImport::name))
                .toList();
        patientsTotal = bundles.size();
        for (Path p : ndjson) {
            if (name(p).startsWith("Patient")) {
                try (Stream<String> lines = Files.lines(p)) {
                    patientsTotal += (int) lines.filter(l -> !l.isBlank()).count();
                }
            }
        }
        for (Path p : shared) {
            if (name(p).endsWith(".ndjson")) {
                try (InputStream in = Files.newInputStream(p)) {
                    readNdjson(name(p), in, null);
                }
            } else {
                try (InputStream in = Files.newInputStream(p)) {
                    readBundle(name(p), in);
                }
            }
        }
        for (Path p : bundles) {
            try (InputStream in = Files.newInputStream(p)) {
                readBundle(name(p), in);
            }
        }
        if (!ndjson.isEmpty()) {
            long bytes = 0;
            for (Path p : ndjson) {
                bytes += Files.size(p);
            }
            try (NdjsonSpool spool = new NdjsonSpool(bytes)) {
                for (Path p : ndjson) {
                    try (InputStream in = Files.newInputStream(p)) {
                        readNdjson(name(p), in, spool);
                    }
                }
                spool.finish();
            }
        }
        flush();
        awaitWrites();
        report.wallTime(Duration.ofNanos(System.nanoTime() - started));
        return report;
    }

    /** Imports one body (a Bundle, or NDJSON when {@code ndjson}): the HTTP endpoint's way in. */
    public ImportReport run(String name, InputStream body, boolean ndjson) throws IOException {
        long started = System.nanoTime();
        try {
            if (ndjson) {
                try (NdjsonSpool spool = new NdjsonSpool(-1)) {
                    readNdjson(name, body, spool);
                    spool.finish();
                }
            } else {
                readBundle(name, body);
            }
            flush();
            awaitWrites();
        } finally {
            stopThreads();
        }
        report.wallTime(Duration.ofNanos(System.nanoTime() - started));
        return report;
    }

    static boolean isSharedFile(Path p) {
        String n = name(p);
        if (n.startsWith("hospitalInformation") || n.startsWith("practitionerInformation")) {
            return true;
        }
        return n.endsWith(".ndjson") && ReferenceData.TYPES.stream().anyMatch(t -> n.startsWith(t + ".") || n.startsWith(t + "-"));
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    // ---- Bundles -----------------------------------------------------------------------------------------------

    /** One file's resources, mapped as they stream by, grouped by patient at the end of the file. */
    private final class FileAssembly {
        final String file;
        final Set<String> known = new HashSet<>();
        final Map<String, PatientAssembly> patientsByRef = new LinkedHashMap<>();
        final List<PatientAssembly> patients = new ArrayList<>();
        final List<Pending> entries = new ArrayList<>();
        /** Medication resources' codes, for medicines given by reference (read before the resources citing them). */
        final Map<String, org.hl7.fhir.r4.model.CodeableConcept> medications = new HashMap<>();

        /**
         * True for NDJSON, whose files hold many patients that name each other nowhere: a clinical resource about no
         * patient of the import is rejected alone. In a Bundle (one patient's file) it rejects the file's patients.
         */
        final boolean patientsIndependent;
        /** An NDJSON bucket's: what belongs to no patient (its ids, Medication codes), read in pass 1. */
        final FileAssembly common;

        FileAssembly(String file) {
            this.file = file;
            this.patientsIndependent = false;
            this.common = null;
        }

        /** An NDJSON bucket's assembly: it also knows what belongs to no patient. */
        FileAssembly(String file, FileAssembly common) {
            this.file = file;
            this.patientsIndependent = true;
            this.common = common;
        }

        org.hl7.fhir.r4.model.CodeableConcept medication(String reference) {
            org.hl7.fhir.r4.model.CodeableConcept code = medications.get(reference);
            return code != null || common == null ? code : common.medications.get(reference);
        }

        void resource(String fullUrl, Parsed parsed) {
            Resource resource = parsed.resource();
            String type = resource.fhirType();
            String id = resource.getIdElement().getIdPart();
            if (fullUrl != null) {
                known.add(fullUrl);
            }
            if (id != null) {
                known.add(type + "/" + id);
                known.add("urn:uuid:" + id);
            }
            if (referenceData.add(resource, fullUrl)) {
                report.referenceData(type);
                return;
            }
            if (resource instanceof Patient patient) {
                PatientAssembly p = new PatientAssembly(file, patient);
                patients.add(p);
                if (fullUrl != null) {
                    patientsByRef.put(fullUrl, p);
                }
                if (id != null) {
                    patientsByRef.put("Patient/" + id, p);
                    patientsByRef.put("urn:uuid:" + id, p);
                }
                return;
            }
            if (resource instanceof org.hl7.fhir.r4.model.Medication m && m.hasCode()) {
                // its code reaches the MedicationRequest/MedicationStatement citing it
                if (fullUrl != null) {
                    medications.put(fullUrl, m.getCode());
                }
                medications.put("Medication/" + id, m.getCode());
                medications.put("urn:uuid:" + id, m.getCode());
                report.referenceData(type);
                return;
            }
            if (!FhirMapping.ENTRY_TYPES.contains(type)) {
                report.unmapped(type);
                return;
            }
            entries.add(pending(parsed, this::medication));
        }

        void pendingError(String what, String reason) {
            entries.add(new Pending(what, null, null, List.of(), reason));
        }

        void finish() {
            for (Pending e : entries) {
                if (e.subject == null && e.error != null) {
                    // an unreadable resource: whose it is cannot be known, so none of the file's patients is safe
                    for (PatientAssembly q : patients) {
                        q.reject(e.resource, e.error);
                    }
                    if (patients.isEmpty()) {
                        report.rejectedFile(file, e.resource + ": " + e.error);
                        countRejected(1);
                    }
                    continue;
                }
                PatientAssembly p = e.subject == null ? null : patientsByRef.get(e.subject);
                if (p == null && patientsIndependent) {
                    // NDJSON: the resource names no patient of the import; the others are not in doubt
                    report.rejectedResource(file, e.resource, "unknown reference: subject "
                            + (e.subject == null ? "(none)" : e.subject));
                    continue;
                }
                if (p == null) {
                    // a resource about nobody in this file: its patient cannot be known, so none of the file's is safe
                    String reason = "unknown reference: subject " + (e.subject == null ? "(none)" : e.subject);
                    for (PatientAssembly q : patients) {
                        q.reject(e.resource, reason);
                    }
                    if (patients.isEmpty()) {
                        report.rejectedFile(file, e.resource + ": " + reason);
                        countRejected(1);
                    }
                    continue;
                }
                p.add(e, this::isKnown);
            }
            for (PatientAssembly p : patients) {
                p.checkReferences(this::isKnown);
                submit(p);
            }
        }

        boolean isKnown(String reference) {
            return known.contains(reference) || referenceData.knows(reference)
                    || (common != null && common.known.contains(reference));
        }
    }

    private void readBundle(String file, InputStream in) throws IOException {
        FileAssembly assembly = new FileAssembly(file);
        String resourceType = null;
        String bundleType = null;
        try (JsonParser p = new JsonFactory(json).createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                report.rejectedFile(file, "not a JSON object (a FHIR Bundle)");
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("resourceType") && value == JsonToken.VALUE_STRING) {
                    resourceType = p.getText();
                } else if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                    bundleType = p.getText();
                } else if (field.equals("entry") && value == JsonToken.START_ARRAY) {
                    int index = 0;
                    ArrayDeque<ParsingEntry> parsing = new ArrayDeque<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        parsing.add(entry(index++, json.readTree(p)));
                        if (parsing.size() > ENTRIES_IN_PARSE) {
                            parsing.poll().into(assembly);
                        }
                    }
                    while (!parsing.isEmpty()) {
                        parsing.poll().into(assembly);
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            report.rejectedFile(file, "invalid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
            countRejected(assembly.patients.size() == 0 ? 1 : assembly.patients.size());
            return;
        }
        if (!"Bundle".equals(resourceType)) {
            report.rejectedFile(file, "not a FHIR Bundle (resourceType " + resourceType + ")");
            countRejected(1);
            return;
        }
        if (!Set.of("transaction", "batch", "collection").contains(bundleType)) {
            report.rejectedFile(file, "Bundle type " + bundleType + " is not imported (transaction, batch or collection)");
            countRejected(1);
            return;
        }
        assembly.finish();
    }

    /**
     * A Bundle entry on its way into the file's assembly: its resource is parsed by HAPI on the parsing thread while
     * this thread reads the entries after it; {@link #into} takes them in the file's order, so what a resource's
     * mapping sees (the Medications before it, the Patient) is what a single thread would see.
     */
    private final class ParsingEntry {
        private final String what;
        private final String fullUrl;
        private final String error;
        private final Future<Parsed> resource;

        ParsingEntry(String what, String fullUrl, String error, Future<Parsed> resource) {
            this.what = what;
            this.fullUrl = fullUrl;
            this.error = error;
            this.resource = resource;
        }

        void into(FileAssembly assembly) {
            if (error != null) {
                assembly.pendingError(what, error);
                return;
            }
            Parsed parsed;
            try {
                parsed = resource.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what + " was parsed", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof DataFormatException || e.getCause() instanceof ClassCastException) {
                    assembly.pendingError(what, "not a valid FHIR R4 resource");
                    return;
                }
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("parsing " + what + " failed", e.getCause());
            }
            assembly.resource(fullUrl, parsed);
        }
    }

    /** Entries read ahead of the one going into the assembly: a few, so memory stays a few resources'. */
    private static final int ENTRIES_IN_PARSE = 16;

    private ParsingEntry entry(int index, JsonNode entry) {
        JsonNode node = entry.path("resource");
        String fullUrl = entry.path("fullUrl").isTextual() ? entry.path("fullUrl").asText() : null;
        if (!node.isObject()) {
            return new ParsingEntry("entry " + index, fullUrl, "a Bundle entry without a resource", null);
        }
        String what = node.path("resourceType").asText("?") + "/" + node.path("id").asText("?");
        if (parserThread == null) {
            parserThread = threads("import-parser", 1);
        }
        return new ParsingEntry(what, fullUrl, null,
                parserThread.submit(() -> parse(entryParser, (ObjectNode) node)));
    }

    // ---- NDJSON ------------------------------------------------------------------------------------------------

    /** The name NDJSON patient data's assemblies report under: a patient's resources come from several files. */
    private static final String NDJSON = "(ndjson)";
    /** NDJSON bytes per spool bucket, aimed at: a bucket is assembled in memory like one Bundle. */
    private static final long BUCKET_BYTES = 8L << 20;
    /** At most this many buckets (open files); past 8 GB of NDJSON the buckets grow instead. */
    private static final int MAX_BUCKETS = 1000;
    /** Buckets for a body of unknown size (the HTTP endpoint, whose bodies are limited in size). */
    private static final int DEFAULT_BUCKETS = 64;

    /**
     * NDJSON patient data, streamed in two passes with bounded memory (a region's NDJSON is many gigabytes, one file
     * per resource type, so a patient's resources are spread over every file). Pass 1 reads each line once: a
     * Patient is spooled by its id, a clinical resource by the patient its {@code subject} or {@code patient}
     * reference names, into one of up to {@link #MAX_BUCKETS} temporary files chosen by a hash of that id; what
     * belongs to no patient (Medication codes, reference data, types not imported) is taken in at once, and only that
     * stays in memory. Pass 2 reads the buckets one at a time: a bucket holds whole patients, so it is assembled and
     * submitted like one Bundle. A line that cannot be read is pinned on the patient it names; one that names nobody
     * stops all NDJSON patient data of the import (its patient cannot be known). The spool is deleted at the end.
     */
    private final class NdjsonSpool implements AutoCloseable {
        final FileAssembly common = new FileAssembly(NDJSON);
        final Path dir;
        final java.io.BufferedWriter[] buckets;
        int patients;
        boolean unattributable;

        NdjsonSpool(long bytes) throws IOException {
            int n = ndjsonBuckets > 0 ? ndjsonBuckets
                    : bytes < 0 ? DEFAULT_BUCKETS : (int) Math.min(MAX_BUCKETS, bytes / BUCKET_BYTES + 1);
            dir = Files.createTempDirectory("careledger-import-");
            buckets = new java.io.BufferedWriter[n];
            for (int i = 0; i < n; i++) {
                buckets[i] = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                        Files.newOutputStream(dir.resolve(i + ".ndjson")), StandardCharsets.UTF_8), 4096);
            }
        }

        /** Pass 1: one line of a patient-data file. */
        void line(String file, int lineNo, String line) throws IOException {
            JsonNode tree;
            try {
                tree = json.readTree(line);
            } catch (JsonProcessingException e) {
                tree = null;
            }
            if (tree == null || !tree.isObject()) {
                unreadable(file, lineNo, line);
                return;
            }
            String type = tree.path("resourceType").asText("");
            String patient = type.equals("Patient") ? tree.path("id").asText("") : patientId(tree);
            if (type.equals("Patient")) {
                patients++;
                spool('R', patient, file, lineNo, line);
            } else if (!patient.isEmpty() || FhirMapping.ENTRY_TYPES.contains(type)) {
                // a patient's (also a type not imported: it is counted, and what cites it finds it, in the bucket)
                spool('R', patient, file, lineNo, line);
            } else {
                Parsed resource;
                try {
                    resource = parse(parser, (ObjectNode) tree);
                } catch (DataFormatException | ClassCastException e) {
                    // belongs to no patient: a resource citing it then names an unknown reference and is refused
                    report.rejectedFile(file, "line " + lineNo + ": invalid JSON or not a valid FHIR R4 resource");
                    return;
                }
                common.resource(null, resource);
            }
        }

        private void unreadable(String file, int lineNo, String line) throws IOException {
            report.rejectedFile(file, "line " + lineNo + ": invalid JSON or not a valid FHIR R4 resource");
            Matcher m = PATIENT_REFERENCE.matcher(line.length() > 100_000 ? line.substring(0, 100_000) : line);
            if (m.find()) {
                spool('B', m.group(1), file, lineNo, "");
            } else {
                unattributable = true;
            }
        }

        private void spool(char kind, String patient, String file, int lineNo, String line) throws IOException {
            java.io.BufferedWriter w = buckets[Math.floorMod(patient.hashCode(), buckets.length)];
            w.write(kind);
            w.write('\t');
            w.write(patient.replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
            w.write('\t');
            w.write(Integer.toString(lineNo));
            w.write('\t');
            w.write(file.replace('\t', ' ').replace('\n', ' '));
            w.write('\t');
            w.write(line);
            w.write('\n');
        }

        /** Pass 2: each bucket assembled and submitted in turn. */
        void finish() throws IOException {
            for (java.io.BufferedWriter w : buckets) {
                w.close();
            }
            if (unattributable) {
                report.rejectedFile(NDJSON, "an unreadable line names no patient: nothing imported");
                countRejected(patients);
                return;
            }
            for (int i = 0; i < buckets.length; i++) {
                FileAssembly bucket = new FileAssembly(NDJSON, common);
                List<String> unreadable = new ArrayList<>();
                try (BufferedReader r = Files.newBufferedReader(dir.resolve(i + ".ndjson"), StandardCharsets.UTF_8)) {
                    String spooled;
                    while ((spooled = r.readLine()) != null) {
                        String[] f = spooled.split("\t", 5);
                        if (f[0].equals("B")) {
                            unreadable.add(f[1]);
                            continue;
                        }
                        Parsed resource;
                        try {
                            resource = parse(f[4]);
                        } catch (DataFormatException | ClassCastException e) {
                            report.rejectedFile(f[3], "line " + f[2] + ": invalid JSON or not a valid FHIR R4 resource");
                            unreadable.add(f[1]);
                            continue;
                        }
                        bucket.resource(null, resource);
                    }
                }
                for (String patient : unreadable) {
                    PatientAssembly p = bucket.patientsByRef.get("Patient/" + patient);
                    if (p != null) {
                        p.reject("(unreadable line)", "invalid JSON or not a valid FHIR R4 resource");
                    }
                }
                bucket.finish();
                Files.delete(dir.resolve(i + ".ndjson"));
            }
        }

        @Override
        public void close() throws IOException {
            for (java.io.BufferedWriter w : buckets) {
                w.close();
            }
            try (Stream<Path> left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** The id of the patient a clinical resource's subject (or patient) reference names, "" for none. */
    static String patientId(JsonNode resource) {
        for (String field : List.of("subject", "patient")) {
            JsonNode ref = resource.path(field).path("reference");
            if (ref.isTextual()) {
                String r = ref.asText();
                return r.startsWith("Patient/") ? r.substring("Patient/".length())
                        : r.startsWith("urn:uuid:") ? r.substring("urn:uuid:".length()) : r;
            }
        }
        return "";
    }

    /** A shared file's lines (Organization, Practitioner, ...), or, with a spool, patient data's (pass 1). */
    private void readNdjson(String file, InputStream in, NdjsonSpool spool) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        FileAssembly shared = new FileAssembly(file);
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (spool != null) {
                spool.line(file, lineNo, line);
                continue;
            }
            Parsed resource;
            try {
                resource = parse(line);
            } catch (DataFormatException | ClassCastException e) {
                report.rejectedFile(file, "line " + lineNo + ": invalid JSON or not a valid FHIR R4 resource");
                continue;
            }
            shared.resource(null, resource);
        }
        if (spool == null) {
            shared.finish(); // a shared file holding anything else: its patients and entries are not dropped
        }
    }

    // ---- one patient -------------------------------------------------------------------------------------------

    /** A mapped (or refused) clinical resource waiting for its patient. */
    private record Pending(String resource, String subject, FhirMapping.MappedEntry entry, List<String> references,
                           String error) {
    }

    private Pending pending(Parsed parsed,
                            java.util.function.Function<String, org.hl7.fhir.r4.model.CodeableConcept> medications) {
        Resource resource = parsed.resource();
        String what = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        String subject = subject(resource);
        try {
            FhirMapping.MappedEntry entry = mapping.entry(resource, medications);
            return new Pending(what, subject, entry, parsed.references(), null);
        } catch (Refusal r) {
            return new Pending(what, subject, null, parsed.references(), r.getMessage());
        }
    }

    /** A resource as HAPI read it, with the references it makes to other resources (see {@link #references}). */
    record Parsed(Resource resource, List<String> references) {
    }

    /** One resource's JSON text, parsed on this thread; {@link DataFormatException} when it is not a resource. */
    private Parsed parse(String text) {
        JsonNode tree;
        try {
            tree = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DataFormatException("invalid JSON");
        }
        if (!(tree instanceof ObjectNode node)) {
            throw new DataFormatException("not a JSON object");
        }
        return parse(parser, node);
    }

    /**
     * One resource's JSON tree, read by HAPI without a second parse of the text (decimals exactly as HAPI's own
     * reading has them), and its references read off the same tree.
     */
    private static Parsed parse(IJsonLikeParser parser, ObjectNode node) {
        JacksonStructure tree = new JacksonStructure();
        tree.setNativeObject(node);
        return new Parsed((Resource) parser.parseResource(tree), references(node));
    }

    /**
     * The references a resource's JSON makes to other resources, in document order: every {@code "reference"} string
     * at any depth (contained resources and extensions included), which in FHIR R4 JSON is {@code Reference.reference};
     * local ({@code #id}) and absolute http(s) references are left out. Read off the tree the parser reads, this costs a
     * walk of the tree, where HAPI's terser walked the parsed model by reflection (13 % of the reading thread's time).
     * A reference inside an element that FHIR R4 does not define, which HAPI's parser drops, is checked too.
     */
    static List<String> references(JsonNode resource) {
        List<String> found = new ArrayList<>();
        collectReferences(resource, found);
        return found;
    }

    private static void collectReferences(JsonNode node, List<String> found) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (value.isContainerNode()) {
                    collectReferences(value, found);
                } else if (value.isTextual() && field.getKey().equals("reference")) {
                    String ref = value.textValue();
                    if (!ref.startsWith("#") && !ref.startsWith("http://") && !ref.startsWith("https://")) {
                        found.add(ref);
                    }
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (element.isContainerNode()) {
                    collectReferences(element, found);
                }
            }
        }
    }

    private static String subject(Resource r) {
        for (String field : List.of("subject", "patient")) {
            if (r.getNamedProperty(field) != null && r.getNamedProperty(field).hasValues()
                    && r.getNamedProperty(field).getValues().get(0) instanceof Reference ref) {
                return ref.getReference();
            }
        }
        return null;
    }

    private final class PatientAssembly {
        final String file;
        final String resource;
        final Patient patient;
        final Map<org.careledger.shared.EntryId, FhirMapping.MappedEntry> entries = new LinkedHashMap<>();
        final Map<String, Long> mappedTypes = new TreeMap<>();
        final List<String> references = new ArrayList<>();
        String rejectedResource;
        String rejection;

        PatientAssembly(String file, Patient patient) {
            this.file = file;
            this.patient = patient;
            this.resource = "Patient/" + patient.getIdElement().getIdPart();
            patient.getGeneralPractitioner().forEach(r -> references.add(r.getReference()));
            if (patient.hasManagingOrganization()) {
                references.add(patient.getManagingOrganization().getReference());
            }
        }

        void reject(String what, String reason) {
            if (rejection == null) {
                rejectedResource = what;
                rejection = reason;
            }
        }

        void add(Pending e, java.util.function.Predicate<String> known) {
            if (e.error != null) {
                reject(e.resource, e.error);
                return;
            }
            references.addAll(e.references);
            if (e.entry == null) {
                mappedTypes.merge(e.resource.substring(0, e.resource.indexOf('/')) + " (entered in error: not imported)", 0L, Long::sum);
                report.unmapped(e.resource.substring(0, e.resource.indexOf('/')) + " (entered-in-error)");
                return;
            }
            FhirMapping.MappedEntry earlier = entries.putIfAbsent(e.entry.entry(), e.entry);
            if (earlier != null && !earlier.equals(e.entry)) {
                reject(e.resource, "the same resource twice with different content");
            } else if (earlier == null) {
                mappedTypes.merge(e.resource.substring(0, e.resource.indexOf('/')), 1L, Long::sum);
            }
        }

        void checkReferences(java.util.function.Predicate<String> known) {
            for (String ref : references) {
                if (ref != null && !known.test(ref)) {
                    reject(resource, "unknown reference " + ref);
                    return;
                }
            }
        }
    }

    private void submit(PatientAssembly p) {
        p.mappedTypes.values().removeIf(n -> n == 0L);
        if (p.rejection != null) {
            reject(p.file, p.rejectedResource, p.rejection);
            return;
        }
        try {
            Demographics demographics = FhirMapping.demographics(p.patient);
            NhsNumber nhs = FhirMapping.nhsNumber(p.patient);
            if (nhs == null && !options.assignNhsNumbers()) {
                reject(p.file, p.resource, "no NHS number (identifier system " + FhirMapping.NHS_NUMBER_SYSTEM
                        + "); assign test-range numbers with --assign-nhs-numbers");
                return;
            }
            OdsCode practice = practice(p);
            if (practice == null) {
                reject(p.file, p.resource, "no practice: give --practice or an ODS-coded generalPractitioner");
                return;
            }
            if (nhs != null) {
                Optional<Demographics> present = present(nhs);
                if (present.isPresent()) {
                    if (present.get().equals(demographics)) {
                        report.skipped();
                        done(0);
                    } else {
                        reject(p.file, p.resource, "duplicate NHS number " + nhs + " with different demographics");
                    }
                    return;
                }
            } else {
                for (int attempt = 0; ; attempt++) {
                    if (attempt == MAX_NHS_ATTEMPTS) {
                        reject(p.file, p.resource, "no free NHS number in the test range for this patient");
                        return;
                    }
                    NhsNumber candidate = mapping.derivedNhsNumber(p.patient.getIdElement().getIdPart(), attempt);
                    Optional<Demographics> present = present(candidate);
                    if (present.isEmpty()) {
                        nhs = candidate;
                        break;
                    }
                    if (present.get().equals(demographics)) {
                        report.skipped();
                        done(0);
                        return;
                    }
                }
            }
            seen.put(nhs, demographics);
            Actor by = Actor.staff(migrationUser(options.sourceSystem()), Role.GP, practice);
            List<Command> commands = new ArrayList<>(p.entries.size() + 1);
            commands.add(new RegisterPatient(nhs, demographics, practice, by, at));
            for (FhirMapping.MappedEntry e : p.entries.values()) {
                commands.add(new RecordEntry(nhs, e.entry(), e.section(), e.content(), Sensitivity.NORMAL, by, at));
            }
            pending.add(new PatientCommands(p.file, p.resource,
                    new BulkWriter.PatientCommands(p.file + "#" + p.resource, nhs, commands), Map.copyOf(p.mappedTypes)));
            for (FhirMapping.MappedEntry e : p.entries.values()) {
                pendingText += 256 + (e.content().text() == null ? 0 : e.content().text().length());
            }
            if (pending.size() >= options.batchSize() || pendingText >= MAX_PENDING_TEXT) {
                flush();
            }
        } catch (Refusal r) {
            reject(p.file, p.resource, r.getMessage());
        }
    }

    /** A patient already in the ledger, or earlier in this import (not yet written), with their demographics. */
    private Optional<Demographics> present(NhsNumber nhs) {
        Demographics earlier = seen.get(nhs);
        return earlier != null ? Optional.of(earlier) : ledger.demographics(nhs);
    }

    private OdsCode practice(PatientAssembly p) {
        if (options.practice() != null) {
            return options.practice();
        }
        List<Reference> candidates = new ArrayList<>(p.patient.getGeneralPractitioner());
        if (p.patient.hasManagingOrganization()) {
            candidates.add(p.patient.getManagingOrganization());
        }
        for (Reference r : candidates) {
            Optional<OdsCode> ods = referenceData.ods(r.getReference());
            if (ods.isPresent()) {
                return ods.get();
            }
            if (r.hasIdentifier() && ReferenceData.ODS_SYSTEM.equals(r.getIdentifier().getSystem())) {
                return OdsCode.of(r.getIdentifier().getValue());
            }
        }
        return null;
    }

    /**
     * Sends the waiting patients to a writer thread; when {@link #WRITES_IN_FLIGHT} writes are already in flight, the
     * oldest is waited for and reported first.
     */
    private void flush() {
        pendingText = 0;
        if (pending.isEmpty()) {
            return;
        }
        List<PatientCommands> batch = List.copyOf(pending);
        pending.clear();
        while (writes.size() >= WRITES_IN_FLIGHT) {
            awaitOldestWrite();
        }
        if (writerThreads == null) {
            writerThreads = threads("import-writer", WRITES_IN_FLIGHT);
        }
        List<BulkWriter.PatientCommands> commands = batch.stream().map(PatientCommands::commands).toList();
        writes.add(new Write(writerThreads.submit(() -> writer.write(commands)), batch));
    }

    /** Waits for every write in flight, oldest first, and reports their outcomes. */
    private void awaitWrites() {
        while (!writes.isEmpty()) {
            awaitOldestWrite();
        }
    }

    /** Waits for the oldest write in flight and reports its outcomes; a failure of the write is thrown here. */
    private void awaitOldestWrite() {
        Write write = writes.poll();
        List<BulkWriter.Outcome> outcomes;
        List<PatientCommands> batch = write.batch();
        try {
            outcomes = write.outcomes().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a write of " + batch.size() + " patients was in flight",
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a write of " + batch.size() + " patients failed", e.getCause());
        }
        for (int i = 0; i < outcomes.size(); i++) {
            BulkWriter.Outcome o = outcomes.get(i);
            PatientCommands p = batch.get(i);
            if (o.written()) {
                report.imported(o.eventsByType(), p.mappedTypes());
            } else {
                seen.remove(p.commands().patient());
                String what = o.refusedCommand() <= 0 ? p.resource() : "command " + o.refusedCommand() + " of " + p.resource();
                report.rejectedPatient(p.file(), what, o.reason());
            }
        }
        patientsDone += outcomes.size();
        progress.update(patientsDone, Math.max(patientsTotal, patientsDone), report.events());
    }

    /** Daemon threads of the import's own, named for thread dumps and profiles. */
    private static ExecutorService threads(String name, int count) {
        return Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stops the parsing and writer threads. If the import stops early (an exception), the writes still in flight are
     * let finish first: each is one transaction of whole patients, which commits or rolls back, never half.
     */
    private void stopThreads() {
        if (parserThread != null) {
            parserThread.shutdownNow(); // parsing only: nothing it does needs finishing
            parserThread = null;
        }
        if (writerThreads == null) {
            return;
        }
        writerThreads.shutdown();
        boolean stopped = false;
        while (!stopped) {
            try {
                stopped = writerThreads.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        writerThreads = null;
        writes.clear();
    }

    private void reject(String file, String resource, String reason) {
        report.rejectedPatient(file, resource, reason);
        done(0);
    }

    private void countRejected(int patients) {
        patientsDone += patients;
        progress.update(patientsDone, Math.max(patientsTotal, patientsDone), report.events());
    }

    private void done(long events) {
        patientsDone++;
        progress.update(patientsDone, Math.max(patientsTotal, patientsDone), report.events());
    }
}
