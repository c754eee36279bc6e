package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.api.CareLedgerApplication;
import org.careledger.demo.DemoRegion;
import org.careledger.shared.NhsNumber;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the HTTP tests: ONE application context (shared by every subclass) on a random port with an embedded
 * PostgreSQL in a throwaway directory, the demo region's directory and a few demo patients loaded, and real tokens
 * from the development identity provider (client credentials acting as a named demo user). No security bypass.
 */
@SpringBootTest(classes = CareLedgerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"careledger.demo.patients=3", "careledger.demo.threads=1", "careledger.dev-idp.enabled=true"})
abstract class ApiTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "api-" + UUID.randomUUID());
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final DemoPeople ACCOUNTS = new DemoPeople(DemoRegion.DEFAULT_SEED);
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    record Answer(int status, java.net.http.HttpHeaders headers, JsonNode body, String raw) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String type() {
            return body == null || body.get("type") == null ? null : body.get("type").asText();
        }
    }

    /** A real access token from the development identity provider, for a demo username. */
    String token(String username) {
        return TOKENS.computeIfAbsent(username, u -> {
            String basic = Base64.getEncoder().encodeToString("careledger-script:demo-script-secret"
                    .getBytes(StandardCharsets.UTF_8));
            Answer answer = send(HttpRequest.newBuilder(uri("/oauth2/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as=" + u)));
            assertThat(answer.status()).as("token for " + u + ": " + answer.raw()).isEqualTo(200);
            return answer.body().get("access_token").asText();
        });
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    Answer get(String user, String path) {
        return send(request(user, path).GET());
    }

    Answer post(String user, String path, Object body) {
        return send(request(user, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    Answer put(String user, String path, Object body, String ifMatch) {
        HttpRequest.Builder b = request(user, path).header("Content-Type", "application/json");
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return send(b.PUT(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    Answer postIfMatch(String user, String path, Object body, String ifMatch) {
        HttpRequest.Builder b = request(user, path).header("Content-Type", "application/json");
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    HttpRequest.Builder request(String user, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            b.header("Authorization", "Bearer " + token(user));
        }
        return b;
    }

    static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body() == null || response.body().isBlank() ? null : parse(response.body());
            return new Answer(response.statusCode(), response.headers(), body, response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            return null;
        }
    }

    static void assertProblem(Answer answer, int status, String kind) {
        assertThat(answer.status()).as(answer.raw()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.type()).isEqualTo("urn:careledger:problem:" + kind);
        assertThat(answer.raw()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** A valid NHS number in the test range that nobody has registered yet. */
    NhsNumber freshNhsNumber() {
        while (true) {
            String nine = "999" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
            Integer check = NhsNumber.checkDigit(nine);
            if (check == null) {
                continue;
            }
            NhsNumber candidate = NhsNumber.of(nine + check);
            Integer known = jdbc.queryForObject("SELECT count(*) FROM patient WHERE nhs_number = ?", Integer.class,
                    candidate.value());
            if (known == 0) {
                return candidate;
            }
        }
    }

    /** Events in the ledger other than audit events (reads, searches, audit queries): what "nothing written" counts. */
    long writes() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type NOT LIKE 'org.careledger.audit.%'""",
                Long.class);
    }

    /** ConsentViewed events for a patient: a read of their consent, on screen or exported. */
    long consentViewsOf(String patient, String view) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.ConsentViewed'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ?
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'view' = ?""", Long.class, patient, view);
    }

    long refusalsOf(NhsNumber patient) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.RecordAccessRefused'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ?""", Long.class, patient.value());
    }

    static void eventually(BooleanSupplier condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    // ---- the demo people the tests sign in as ------------------------------------------------------------

    static DemoPeople.Staff staff(String username) {
        return ACCOUNTS.staff(username).orElseThrow();
    }

    static final DemoPeople.Staff GP = staff("gp");
    static final String GP_USER = "gp@" + GP.organisation().value();

    /**
     * The world most journeys share, made once through the API itself: a patient registered at the GP's practice
     * with a problem, a medication, a social care and a safeguarding entry; consent for the practice to share out
     * and for the community trust (the district nurses) to share in; a referral grant to the community trust for the
     * nursing sections. And a second patient of the same practice, for "someone else's record".
     */
    record World(NhsNumber patient, NhsNumber other, String problem, String medication, String socialCare,
                 String safeguarding) {
    }

    private static World world;

    synchronized World world() {
        if (world == null) {
            NhsNumber patient = register("Testington", "1970-01-02");
            NhsNumber other = register("Otherby", "1980-05-06");
            String problem = entry(patient, "PROBLEMS", Map.of("code", Map.of("system", "SNOMED_CT", "code", "195967001"),
                    "displayTerm", "Asthma", "effectiveDate", "2024-01-01"));
            String medication = entry(patient, "MEDICATIONS", Map.of("code", Map.of("system", "DMD", "code", "322236009"),
                    "displayTerm", "Paracetamol 500mg tablets", "effectiveDate", "2024-01-02"));
            String social = entry(patient, "SOCIAL_CARE", Map.of("text", "Lives alone; carer visits daily",
                    "effectiveDate", "2024-01-03"));
            String safeguarding = entry(patient, "SAFEGUARDING", Map.of("text", "Safeguarding concern noted",
                    "effectiveDate", "2024-01-04"));
            consent(patient, GP.organisation().value(), "SHARE_OUT");
            consent(patient, "RCX", "SHARE_IN");
            Answer grant = post(GP_USER, "/api/patients/" + patient + "/grants", Map.of(
                    "grantee", Map.of("kind", "ORGANISATION", "id", "RCX"), "reason", "REFERRAL",
                    "sections", java.util.List.of("DEMOGRAPHICS", "PROBLEMS", "MEDICATIONS", "ALLERGIES",
                            "COMMUNITY_NURSING"),
                    "validUntil", java.time.Instant.now().plus(Duration.ofDays(30)).toString()));
            assertThat(grant.status()).as(grant.raw()).isEqualTo(201);
            world = new World(patient, other, problem, medication, social, safeguarding);
        }
        return world;
    }

    NhsNumber register(String surname, String birthDate) {
        NhsNumber patient = freshNhsNumber();
        Answer registered = post(GP_USER, "/api/patients/" + patient, Map.of("demographics", Map.of(
                "givenName", "Alex", "familyName", surname, "birthDate", birthDate, "gender", "UNKNOWN",
                "address", Map.of("line1", "1 Test Street", "town", "South Moor", "postcode", "SM1 1AA"))));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        return patient;
    }

    String entry(NhsNumber patient, String section, Map<String, Object> content) {
        Answer recorded = post(GP_USER, "/api/patients/" + patient + "/entries",
                Map.of("section", section, "content", content));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        return recorded.body().get("entry").asText();
    }

    void consent(NhsNumber patient, String organisation, String direction) {
        Answer answer = post(GP_USER, "/api/patients/" + patient + "/consent/decisions", Map.of(
                "organisation", organisation, "direction", direction, "decision", "GRANTED", "method", "VERBAL"));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(204);
    }
}
