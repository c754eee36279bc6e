package org.careledger.api.bench;

import org.careledger.storage.TimeOrderedIdentifierFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
import org.careledger.record.Address;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.Quantity;
import org.careledger.record.RecordEntry;
import org.careledger.record.RegisterPatient;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same operations over HTTP and in process, in one JVM on one database, alternated in blocks so that both see the
 * same warmth of the JIT, the same caches and the same background work (issue 10): recording an entry (the
 * controller's {@link Commands#send} against {@code POST /api/patients/{nhs}/entries}), opening a record
 * ({@link RecordReads#open} against {@code GET /api/patients/{nhs}/record}, gzip accepted), and FHIR
 * {@code $everything} over HTTP only. The HTTP clients are curl processes (see {@link #overHttp}), signed in with a
 * real token from the development identity provider; the in-process calls act as the same user. A harness, not a test: its figures go in docs/benchmarks.md.
 */
public final class HttpBenchmark {

    /** The development identity provider's script client and the demo directory's GP (seed 42). */
    static final String SCRIPT_CLIENT = "careledger-script:demo-script-secret";
    static final String SIGN_IN_NAME = "gp";

    private static final String ENTRY_JSON = """
            {"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"271649006"},\
            "displayTerm":"Systolic blood pressure","value":{"value":128,"unit":"mm[Hg]"},"effectiveDate":"2024-01-01"}}""";

    private final URI base;
    private final Commands commands;
    private final RecordReads reads;
    private final ObjectMapper json;
    private final AtomicLong nextNumber;
    private String token;
    private SignedInUser user;

    public HttpBenchmark(URI base, Commands commands, RecordReads reads, ObjectMapper json, long firstNumber) {
        this.base = base;
        this.commands = commands;
        this.reads = reads;
        this.json = json;
        this.nextNumber = new AtomicLong(firstNumber);
    }

    /** One path's figures for one block or for the blocks of a row together. */
    public record Measured(long operations, double seconds, Histogram micros, long bytes) {
        static Measured empty() {
            return new Measured(0, 0, new Histogram(3_600_000_000L, 3), 0);
        }

        Measured plus(Measured other) {
            Histogram h = micros.copy();
            h.add(other.micros);
            return new Measured(operations + other.operations, seconds + other.seconds, h, bytes + other.bytes);
        }

        public double perSecond() {
            return operations / seconds;
        }

        public double millis(double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }

        public double kilobytes() {
            return operations == 0 ? 0 : bytes / 1024.0 / operations;
        }
    }

    /** One in-process client's operation. */
    interface Operation {
        void run() throws Exception;
    }

    // ---- set-up --------------------------------------------------------------------------------------------------

    /**
     * Signs in as the demo GP through the development identity provider (retrying while the demo directory loads),
     * and asks {@code /api/whoami} who that is, so that the in-process calls act as the same user.
     */
    public void signIn(Duration patience) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/oauth2/token"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            SCRIPT_CLIENT.getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as=" + SIGN_IN_NAME))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                token = json.readTree(response.body()).path("access_token").asText();
                break;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no token for the demo GP: HTTP " + response.statusCode()
                        + " (is the demo directory loaded? it needs careledger.demo.patients > 0)");
            }
            Thread.sleep(500);
        }
        HttpResponse<String> me = http.send(authorised("/api/whoami").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (me.statusCode() != 200) {
            throw new IllegalStateException("whoami answered HTTP " + me.statusCode());
        }
        JsonNode who = json.readTree(me.body());
        user = new SignedInUser(new UserId(UUID.fromString(who.path("user").asText())), who.path("name").asText(),
                Role.valueOf(who.path("role").asText()), OdsCode.of(who.path("organisation").asText()), null);
    }

    /** Registers a new test-range patient at the GP's practice, in process (skipping numbers already registered). */
    public NhsNumber newPatient() {
        while (true) {
            NhsNumber patient = nextTestNumber();
            try {
                commands.send(new RegisterPatient(patient, new Demographics("Bench", "Http", LocalDate.of(1970, 1, 2),
                        Demographics.Gender.UNKNOWN, new Address("1 High Street", null, "South Moor", "SM1 1AA")),
                        user.organisation(), user.actor(), commands.now()));
                return patient;
            } catch (Refusal refusal) {
                if (refusal.kind() != Refusal.Kind.ALREADY_EXISTS) {
                    throw refusal;
                }
            }
        }
    }

    private NhsNumber nextTestNumber() {
        while (true) {
            long candidate = nextNumber.getAndIncrement();
            String digits = Long.toString(candidate);
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (digits.charAt(i) - '0') * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return NhsNumber.of(digits + check);
            }
        }
    }

    // ---- the operations ------------------------------------------------------------------------------------------

    /** Records an entry as the controller does: {@link Commands#send} of a {@link RecordEntry}. */
    public Operation recordInProcess(NhsNumber patient) {
        return () -> {
            commands.send(new RecordEntry(patient, new EntryId(TimeOrderedIdentifierFactory.timeOrdered()), Section.OBSERVATIONS,
                    observation(), Sensitivity.NORMAL, user.actor(), commands.now()));
        };
    }

    /** Opens a record as the controller does, for direct care, through the one door ({@link RecordReads}). */
    public Operation openInProcess(NhsNumber patient) {
        return () -> {
            RecordRead read = reads.open(user.reader(), patient, Purpose.DIRECT_CARE, Channel.API);
            if (!read.allowed()) {
                throw new IllegalStateException("the benchmark's GP was refused their own patient's record");
            }
        };
    }

    /** A request that one HTTP client repeats: method, path, JSON body (or null) and the status it must answer. */
    public record Call(String method, String path, String body, int expected) {
    }

    public Call recordOverHttp(NhsNumber patient) {
        return new Call("POST", "/api/patients/" + patient.value() + "/entries", ENTRY_JSON, 201);
    }

    public Call openOverHttp(NhsNumber patient) {
        return new Call("GET", "/api/patients/" + patient.value() + "/record?purpose=DIRECT_CARE", null, 200);
    }

    /**
     * A signed-in request that does no ledger work: Tomcat, the security filter chain, MVC and a small JSON answer.
     * What any authenticated request costs over HTTP here, the floor under the other calls' HTTP overhead.
     */
    public Call whoAmIOverHttp() {
        return new Call("GET", "/api/whoami", null, 200);
    }

    public Call everythingOverHttp(NhsNumber patient) {
        return new Call("GET", "/fhir/Patient/" + patient.value() + "/$everything?purpose=DIRECT_CARE", null, 200);
    }

    private HttpRequest.Builder authorised(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
    }

    /** The same content as {@link #ENTRY_JSON}. */
    static EntryContent observation() {
        return new EntryContent(ClinicalCode.snomed("271649006"), "Systolic blood pressure", null,
                new Quantity(new BigDecimal("128"), "mm[Hg]"), LocalDate.of(2024, 1, 1), null);
    }

    // ---- running -------------------------------------------------------------------------------------------------

    /**
     * Runs {@code requests} HTTP requests on each of the clients at once (client i repeats {@code calls.get(i)}), each
     * client one curl process that keeps its connection alive between its requests as a browser would, and sends
     * {@code Accept-Encoding: gzip} as browsers and FHIR clients do (the body is counted, not unpacked). A client in
     * its own process, as a clinician's browser is: not a Java client sharing this JVM's threads, heap and JIT.
     * Latency is curl's {@code time_total} of each request; the block's time is from the first start to the last end.
     */
    public Measured overHttp(List<Call> calls, int requests) throws Exception {
        List<Process> clients = new ArrayList<>();
        List<Path> configs = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (Call call : calls) {
                Path config = Files.createTempFile("careledger-bench-http-", ".curl");
                configs.add(config);
                Files.writeString(config, curlConfig(call, requests));
                clients.add(new ProcessBuilder("curl", "--silent", "--show-error", "--config", config.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            Measured all = Measured.empty();
            for (int i = 0; i < clients.size(); i++) {
                all = all.plus(parse(calls.get(i), new String(clients.get(i).getInputStream().readAllBytes(),
                        StandardCharsets.US_ASCII), requests));
                if (clients.get(i).waitFor() != 0) {
                    throw new IllegalStateException("curl exited with " + clients.get(i).exitValue());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measured(all.operations(), seconds, all.micros(), all.bytes());
        } finally {
            clients.forEach(Process::destroyForcibly);
            for (Path config : configs) {
                Files.deleteIfExists(config);
            }
        }
    }

    private String curlConfig(Call call, int requests) {
        String one = "url = " + quoted(base.resolve(call.path()).toString()) + "\n"
                + "request = " + call.method() + "\n"
                + "header = " + quoted("Authorization: Bearer " + token) + "\n"
                + (call.body() == null ? "header = \"Accept-Encoding: gzip\"\n"
                : "header = \"Content-Type: application/json\"\ndata-binary = " + quoted(call.body()) + "\n")
                + "output = /dev/null\n"
                + "write-out = \"%{http_code} %{time_total} %{size_download}\\n\"\n";
        return String.join("next\n", java.util.Collections.nCopies(requests, one));
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Measured parse(Call call, String output, int requests) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long bytes = 0;
        long n = 0;
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            if (Integer.parseInt(f[0]) != call.expected()) {
                throw new IllegalStateException(call.method() + " " + call.path() + " answered HTTP " + f[0]
                        + ", not " + call.expected());
            }
            h.recordValue(Math.max(1, Math.round(Double.parseDouble(f[1]) * 1e6)));
            bytes += Long.parseLong(f[2]);
            n++;
        }
        if (n != requests) {
            throw new IllegalStateException("curl reported " + n + " of " + requests + " requests");
        }
        return new Measured(n, 0, h, bytes);
    }

    /**
     * Runs {@code requests} operations on each of the clients at once (client i runs {@code operations.get(i)}) and
     * measures each one's latency; the block's time is from the first start to the last end.
     */
    public static Measured inProcess(List<Operation> operations, int requests) throws Exception {
        int clients = operations.size();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Measured>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (Operation operation : operations) {
                done.add(pool.submit((Callable<Measured>) () -> {
                    Histogram h = new Histogram(3_600_000_000L, 3);
                    for (int i = 0; i < requests; i++) {
                        long t0 = System.nanoTime();
                        operation.run();
                        h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                    return new Measured(requests, 0, h, 0);
                }));
            }
            Measured all = Measured.empty();
            for (Future<Measured> f : done) {
                all = all.plus(f.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measured(all.operations(), seconds, all.micros(), all.bytes());
        } finally {
            pool.shutdownNow();
        }
    }
}
