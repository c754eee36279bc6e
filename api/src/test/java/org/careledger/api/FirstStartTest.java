package org.careledger.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first run, in-process: the whole web application with the demo loader on a new, empty embedded
 * PostgreSQL and only the README's defaults (the demo region is prefix-stable, so a small patient count stands for
 * the 2,000), then demo records opened over HTTP with real tokens from the development identity provider, as the
 * registered GP, as a district nurse whose team holds the caseload grant, and as the patient. Each must see exactly
 * the entries DESIGN.md gives them, computed here from the entries, consent and grants the demo wrote:
 * the GP every section, the district nurse their role's sections inside the grant and the patient's consent, the
 * patient everything but what is withheld from them.
 * <p>
 * {@link DemoOnStartupTest} only checks how many patients the loader is asked for; the HTTP tests create their own
 * data after start-up. Neither opened a demo record, so neither saw the demo region load before the policy existed
 * and every role view stay empty (issue 8).
 */
@SpringBootTest(classes = CareLedgerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "careledger.demo.patients=40")
@ExtendWith(OutputCaptureExtension.class)
class FirstStartTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "first-start-" + UUID.randomUUID());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void emptyDatabase(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void demoRecordsShowEachRoleTheEntriesDesignMdGivesIt(CapturedOutput output) {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_patient", Long.class)).isEqualTo(40);
        Map<String, Object> chosen = jdbc.queryForMap("""
                SELECT g.nhs_number, g.grantee_id, g.scope_sections, p.registered_practice
                FROM view_grant g JOIN view_patient p ON p.nhs_number = g.nhs_number
                WHERE g.kind = 'ACCESS' AND g.grantee_kind = 'TEAM' AND g.reason = 'CASELOAD' AND g.revoked_at IS NULL
                  AND now() BETWEEN g.valid_from AND g.valid_until
                  AND NOT EXISTS (SELECT 1 FROM view_grant s WHERE s.nhs_number = g.nhs_number AND s.kind = 'SEALED')
                ORDER BY (SELECT count(*) FROM view_entry w WHERE w.nhs_number = g.nhs_number
                            AND w.sensitivity = 'WITHHELD_FROM_PATIENT') DESC, g.nhs_number
                LIMIT 1""");
        String patient = (String) chosen.get("nhs_number");
        String practice = (String) chosen.get("registered_practice");
        Set<String> grantScope = sections(chosen.get("scope_sections"));

        // who signs in, as the directory (the registers) holds them: the first GP of the patient's practice and a
        // district nurse of the granted team, each by "<user id>/<role>@<ODS>" at the development provider
        Map<String, Object> gp = jdbc.queryForMap("""
                SELECT user_id::text AS user_id, ods_code FROM role_assignment WHERE role = 'GP' AND ods_code = ?
                ORDER BY user_id LIMIT 1""", practice);
        Map<String, Object> nurse = jdbc.queryForMap("""
                SELECT a.user_id::text AS user_id, a.ods_code FROM role_assignment a
                JOIN view_team_member m ON m.user_id = a.user_id
                WHERE a.role = 'DISTRICT_NURSE' AND m.team_id::text = ? ORDER BY a.user_id LIMIT 1""",
                chosen.get("grantee_id"));
        String gpUsername = gp.get("user_id") + "/gp@" + gp.get("ods_code");
        String nurseUsername = nurse.get("user_id") + "/district-nurse@" + nurse.get("ods_code");

        Set<String> everySection = new TreeSet<>();
        for (Section s : Section.values()) {
            everySection.add(s.name());
        }
        Set<String> nurseSections = new TreeSet<>();
        for (Section s : RolePolicy.defaultPolicy().readableSections(Role.DISTRICT_NURSE)) {
            if (grantScope.contains(s.name())) {
                nurseSections.add(s.name());
            }
        }

        JsonNode asGp = open(gpUsername, "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        assertThat(asGp.get("basis").asText()).isEqualTo("REGISTERED");
        Set<String> gpExpected = visibleToStaff(patient, everySection, (String) gp.get("ods_code"),
                (String) gp.get("user_id"));
        assertThat(entryIds(asGp)).isNotEmpty().isEqualTo(gpExpected);

        JsonNode asNurse = open(nurseUsername, "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        assertThat(asNurse.get("basis").asText()).isEqualTo("GRANT");
        Set<String> nurseExpected = visibleToStaff(patient, nurseSections, (String) nurse.get("ods_code"),
                (String) nurse.get("user_id"));
        assertThat(entryIds(asNurse)).isNotEmpty().isEqualTo(nurseExpected);
        assertThat(sectionsOf(asNurse)).isSubsetOf(nurseSections);
        assertThat(gpExpected).as("the GP sees sections the nurse does not").hasSizeGreaterThan(nurseExpected.size());

        JsonNode asPatient = open(patient, "/api/me/record");
        assertThat(asPatient.get("basis").asText()).isEqualTo("SELF");
        Set<String> patientExpected = new TreeSet<>(jdbc.queryForList("""
                SELECT entry_id::text FROM view_entry WHERE nhs_number = ? AND NOT entered_in_error
                   AND sensitivity <> 'WITHHELD_FROM_PATIENT'""", String.class, patient));
        assertThat(entryIds(asPatient)).isNotEmpty().isEqualTo(patientExpected);
        assertThat(asPatient.get("withheld").asInt()).isEqualTo(jdbc.queryForObject("""
                SELECT count(*) FROM view_entry WHERE nhs_number = ? AND NOT entered_in_error
                   AND sensitivity = 'WITHHELD_FROM_PATIENT'""", Integer.class, patient));

        assertThat(output.getAll()).contains("start-up: embedded PostgreSQL started", "start-up: shipped role policy activated",
                "start-up: views up to date with the ledger", "start-up: demo region loaded: 40 patients",
                "start-up: CareLedger ready on port " + port);
        assertThat(output.getAll().indexOf("start-up: shipped role policy activated"))
                .as("the policy is in force before the demo is loaded")
                .isLessThan(output.getAll().indexOf("Loading demo region"));
    }

    /**
     * DESIGN.md's rules for a staff reader with a basis, over what the demo wrote: the sections of their view, current
     * entries; PRIVATE only at the authoring organisation, SEALED only for its author (the chosen patient has no
     * sealed-entry grants); entries from elsewhere only with share-out there, share-in here and no dissent.
     */
    private Set<String> visibleToStaff(String patient, Set<String> sections, String organisation, String user) {
        return new TreeSet<>(jdbc.queryForList("""
                SELECT e.entry_id::text FROM view_entry e
                WHERE e.nhs_number = ? AND NOT e.entered_in_error AND e.section = ANY (string_to_array(?, ','))
                  AND (e.sensitivity IN ('NORMAL', 'WITHHELD_FROM_PATIENT')
                       OR (e.sensitivity = 'PRIVATE' AND e.authoring_organisation = ?)
                       OR (e.sensitivity = 'SEALED' AND e.author_user::text = ?))
                  AND (e.authoring_organisation = ?
                       OR (NOT EXISTS (SELECT 1 FROM view_dissent d WHERE d.nhs_number = e.nhs_number AND d.in_force)
                           AND EXISTS (SELECT 1 FROM view_consent c WHERE c.nhs_number = e.nhs_number
                                         AND c.organisation = e.authoring_organisation AND c.direction = 'SHARE_OUT'
                                         AND c.decision = 'GRANTED')
                           AND EXISTS (SELECT 1 FROM view_consent c WHERE c.nhs_number = e.nhs_number
                                         AND c.organisation = ? AND c.direction = 'SHARE_IN'
                                         AND c.decision = 'GRANTED')))""",
                String.class, patient, String.join(",", sections), organisation, user, organisation, organisation));
    }

    private static Set<String> sections(Object sqlArray) {
        try {
            Object[] values = (Object[]) ((java.sql.Array) sqlArray).getArray();
            Set<String> out = new TreeSet<>();
            for (Object v : values) {
                out.add((String) v);
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> entryIds(JsonNode record) {
        Set<String> ids = new TreeSet<>();
        record.get("entries").forEach(e -> ids.add(e.get("entry").asText()));
        return ids;
    }

    private static Set<String> sectionsOf(JsonNode record) {
        Set<String> sections = new TreeSet<>();
        record.get("entries").forEach(e -> sections.add(e.get("section").asText()));
        return sections;
    }

    private JsonNode open(String username, String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token(username)).GET());
        assertThat(response.statusCode()).as(username + " " + path + ": " + response.body()).isEqualTo(200);
        return parse(response.body());
    }

    /** A real signed token from the development identity provider, acting as a demo person (docs/api.md). */
    private String token(String username) {
        String basic = Base64.getEncoder().encodeToString("careledger-script:demo-script-secret"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&act_as=" + username)));
        assertThat(response.statusCode()).as("token for " + username + ": " + response.body()).isEqualTo(200);
        return parse(response.body()).get("access_token").asText();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
