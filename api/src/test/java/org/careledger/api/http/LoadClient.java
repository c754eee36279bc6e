package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.careledger.shared.NhsNumber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that loads the HTTP API with concurrent writers (register a patient, record an entry) and readers (open a
 * record), and logs what the server acknowledged: every registration and entry answered 2xx (with its ids) and every
 * record read answered 200. Anything else that is not a transport failure (the server gone) nor a 503
 * problem+json is kept as unexpected. The acknowledgements are also appended to a log file, one line each.
 * <p>
 * The reliability tests (crash, database outage) check the ledger against this log afterwards.
 */
final class LoadClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A request that has not been answered after this long counts as hanging. */
    static final Duration HANGING = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path log;
    private final Random seeds;

    /** Every NHS number a writer tried to register (acknowledged or not). */
    final Set<String> attempted = ConcurrentHashMap.newKeySet();
    /** Registrations acknowledged (201). */
    final List<String> registered = new CopyOnWriteArrayList<>();
    /** Entries acknowledged (201): entry id to patient. */
    final Map<String, String> entries = new ConcurrentHashMap<>();
    /** Record reads answered 200, per patient. */
    final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    /** Answers per HTTP status. */
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    /** Requests that got no answer (connection refused or reset: the server was killed). */
    final AtomicLong transportFailures = new AtomicLong();
    /** Answers the reliability tests do not accept (a 500, a 503 that is not problem+json, a leak, a hang). */
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    private volatile URI base;
    private volatile String token;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();

    LoadClient(Path log, long seed) {
        this.log = log;
        this.seeds = new Random(seed);
    }

    /** Starts {@code writers} and {@code readers} threads against the server at {@code base}, signed in with token. */
    synchronized void start(URI base, String token, int writers, int readers) {
        this.base = base;
        this.token = token;
        running = true;
        threads.clear();
        for (int i = 0; i < writers + readers; i++) {
            boolean writer = i < writers;
            Random random = new Random(seeds.nextLong());
            Thread t = new Thread(() -> {
                while (running) {
                    if (writer) {
                        write(random);
                    } else {
                        read(random);
                    }
                }
            }, (writer ? "load-writer-" : "load-reader-") + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the threads and waits for their last requests to be answered or to fail. */
    synchronized void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(HANGING.toMillis() * 2);
        }
    }

    long acknowledgedWrites() {
        return registered.size() + entries.size();
    }

    long answeredReads() {
        return reads.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    long answered(int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    private void write(Random random) {
        if (registered.isEmpty() || random.nextInt(5) == 0) {
            String patient = freshNhsNumber(random);
            attempted.add(patient);
            Answer a = send("POST", "/api/patients/" + patient, """
                    {"demographics":{"givenName":"Load","familyName":"Crashley","birthDate":"1960-02-03",
                     "gender":"UNKNOWN","address":{"line1":"1 Load Street","town":"South Moor","postcode":"SM1 1AA"}}}""");
            if (a != null && a.status == 201) {
                registered.add(patient);
                logLine("registered " + patient);
            }
            return;
        }
        String patient = registered.get(random.nextInt(registered.size()));
        Answer a = send("POST", "/api/patients/" + patient + "/entries", """
                {"section":"CONSULTATIONS","content":{"text":"Load visit %d","effectiveDate":"2024-01-01"}}"""
                .formatted(random.nextInt(1_000_000)));
        if (a != null && a.status == 201) {
            String entry = a.json().get("entry").asText();
            entries.put(entry, patient);
            logLine("entry " + patient + " " + entry);
        }
    }

    private void read(Random random) {
        if (registered.isEmpty()) {
            // nobody to read yet: help the writers
            write(random);
            return;
        }
        String patient = registered.get(random.nextInt(registered.size()));
        Answer a = send("GET", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE", null);
        if (a != null && a.status == 200) {
            reads.computeIfAbsent(patient, p -> new AtomicInteger()).incrementAndGet();
            logLine("read " + patient);
        }
    }

    private String freshNhsNumber(Random random) {
        while (true) {
            String nine = "999" + String.format("%06d", random.nextInt(1_000_000));
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null && !attempted.contains(nine + check)) {
                return nine + check;
            }
        }
    }

    private record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The answer, or null when the server gave none (counted as a transport failure, or as hanging). */
    private Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(HANGING)
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            unexpected.add(method + " " + path + ": no answer within " + HANGING);
            return null;
        } catch (IOException e) {
            transportFailures.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return null;
        }
        int status = response.statusCode();
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        String raw = response.body() == null ? "" : response.body();
        boolean ok = status == 200 || status == 201;
        if (!ok) {
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (status != 503 || !type.startsWith("application/problem+json")
                    || !raw.contains("urn:careledger:problem:service-unavailable")) {
                unexpected.add(method + " " + path + ": " + status + " " + type + " " + raw);
            } else if (raw.contains("Exception") || raw.contains("\tat ") || raw.contains("Crashley")) {
                unexpected.add(method + " " + path + ": 503 leaks " + raw);
            }
        }
        return new Answer(status, raw);
    }

    private void logLine(String line) {
        if (log == null) {
            return;
        }
        synchronized (log) {
            try {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Checks the ledger (through {@code jdbc}, as the owner) against what was acknowledged: every acknowledged
     * registration and entry is there exactly once; every answered record read has its RecordAccessed event (at least
     * as many per patient as were answered: one committed just before a failure is audited but never answered) and
     * each such event its audit trail row; the views hold exactly the registrations and entries the ledger holds for
     * the patients tried (nothing missing, nothing half-present).
     *
     * @return the patients the ledger holds registered, of those tried
     */
    Set<String> assertLedgerHoldsWhatWasAcknowledged(JdbcTemplate jdbc, String at) {
        String[] patients = attempted.toArray(String[]::new);
        // every acknowledged registration and entry is in the ledger, exactly once
        Map<String, Long> registrations = countBy(jdbc, """
                SELECT aggregate_identifier, count(*) FROM domain_event_entry
                 WHERE payload_type = 'org.careledger.record.PatientRegistered' AND aggregate_identifier = ANY (?)
                 GROUP BY aggregate_identifier""", patients);
        for (String patient : registered) {
            assertThat(registrations.get(patient)).as(at + "registration of %s", patient).isEqualTo(1L);
        }
        Map<String, Long> recorded = countBy(jdbc, """
                SELECT convert_from(payload, 'UTF8')::jsonb ->> 'entry', count(*) FROM domain_event_entry
                 WHERE payload_type = 'org.careledger.record.EntryRecorded' AND aggregate_identifier = ANY (?)
                 GROUP BY 1""", patients);
        entries.forEach((entry, patient) ->
                assertThat(recorded.get(entry)).as(at + "entry %s of %s", entry, patient).isEqualTo(1L));

        // every answered read has its audit event in the ledger and its row in the trail
        Map<String, Long> accessed = countBy(jdbc, """
                SELECT convert_from(payload, 'UTF8')::jsonb ->> 'patient', count(*) FROM domain_event_entry
                 WHERE payload_type = 'org.careledger.audit.RecordAccessed'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ANY (?)
                 GROUP BY 1""", patients);
        Map<String, Long> trail = countBy(jdbc, """
                SELECT a.patient, count(*) FROM audit_event a JOIN domain_event_entry d ON d.event_identifier = a.event_id
                 WHERE d.payload_type = 'org.careledger.audit.RecordAccessed' AND a.patient = ANY (?)
                 GROUP BY 1""", patients);
        reads.forEach((patient, answered) -> {
            assertThat(accessed.getOrDefault(patient, 0L)).as(at + "RecordAccessed of %s", patient)
                    .isGreaterThanOrEqualTo(answered.get());
            assertThat(trail.getOrDefault(patient, 0L)).as(at + "trail rows of %s", patient)
                    .isEqualTo(accessed.getOrDefault(patient, 0L));
        });

        // the views hold what the ledger holds: nothing missing, nothing extra, nothing half-written
        assertThat(set(jdbc, "SELECT nhs_number FROM view_patient WHERE nhs_number = ANY (?)", patients))
                .as(at + "registered patients in the views").isEqualTo(registrations.keySet());
        assertThat(set(jdbc, "SELECT entry_id::text FROM view_entry WHERE nhs_number = ANY (?)", patients))
                .as(at + "entries in the views").isEqualTo(recorded.keySet());
        return registrations.keySet();
    }

    private static Map<String, Long> countBy(JdbcTemplate jdbc, String sql, String[] patients) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.query(sql, rs -> {
            counts.put(rs.getString(1).trim(), rs.getLong(2));
        }, (Object) patients);
        return counts;
    }

    static Set<String> set(JdbcTemplate jdbc, String sql, String[] patients) {
        Set<String> values = new HashSet<>();
        jdbc.query(sql, rs -> {
            values.add(rs.getString(1).trim());
        }, (Object) patients);
        return values;
    }

    /** A one-line summary of what was sent and answered. */
    String summary() {
        return "%d registrations and %d entries acknowledged, %d record reads answered, answers by status %s, %d without answer (server gone), %d unexpected"
                .formatted(registered.size(), entries.size(), answeredReads(), statuses, transportFailures.get(),
                        unexpected.size());
    }
}
