package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A GP, a district nurse and an out-of-hours clinician at work, through HTTP with real tokens. */
class ClinicianJourneyTest extends ApiTest {

    @Test
    void a_gp_finds_the_patient_and_opens_the_whole_record_on_the_registered_basis() {
        World w = world();
        Answer found = post(GP_USER, "/api/patients/search", Map.of("surname", "testington", "birthDate", "1970-01-02"));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body().findValuesAsText("nhsNumber")).contains(w.patient().value());
        Answer byNumber = post(GP_USER, "/api/patients/search", Map.of("nhsNumber", w.patient().value()));
        assertThat(byNumber.body().get(0).get("registeredPractice").asText()).isEqualTo(GP.organisation().value());

        Answer record = get(GP_USER, "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE");
        assertThat(record.status()).as(record.raw()).isEqualTo(200);
        assertThat(record.body().get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(record.body().get("demographics").get("familyName").asText()).isEqualTo("Testington");
        assertThat(sections(record.body())).contains("PROBLEMS", "MEDICATIONS", "SOCIAL_CARE", "SAFEGUARDING");
        assertThat(record.body().get("auditEvent").asText()).isNotBlank();
    }

    @Test
    void a_district_nurse_sees_only_the_nursing_sections_the_grant_and_consent_allow() {
        World w = world();
        String nurse = "district-nurse";
        Answer record = get(nurse, "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE");
        assertThat(record.status()).as(record.raw()).isEqualTo(200);
        assertThat(record.body().get("basis").asText()).isEqualTo("GRANT");
        assertThat(sections(record.body())).contains("PROBLEMS", "MEDICATIONS")
                .doesNotContain("SOCIAL_CARE", "SAFEGUARDING");
    }

    @Test
    void an_entry_is_amended_with_if_match_and_a_stale_or_missing_version_is_refused() {
        World w = world();
        String entry = entry(w.patient(), "CONSULTATIONS", Map.of("text", "Reviewed inhaler technique",
                "effectiveDate", "2024-02-01"));
        String path = "/api/patients/" + w.patient() + "/entries/" + entry;
        Answer history = get(GP_USER, path + "/history?purpose=DIRECT_CARE");
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.header("ETag")).isEqualTo("\"1\"");

        Map<String, Object> amendment = Map.of("content", Map.of("text", "Reviewed inhaler technique; spacer given",
                "effectiveDate", "2024-02-01"), "reason", "added the spacer");
        assertProblem(postIfMatch(GP_USER, path + "/amendments", amendment, null), 428, "precondition-required");
        Answer amended = postIfMatch(GP_USER, path + "/amendments", amendment, "\"1\"");
        assertThat(amended.status()).as(amended.raw()).isEqualTo(200);
        assertThat(amended.header("ETag")).isEqualTo("\"2\"");
        long before = writes();
        assertProblem(postIfMatch(GP_USER, path + "/amendments", amendment, "\"1\""), 412, "stale-version");
        assertThat(writes()).isEqualTo(before);

        Answer twoVersions = get(GP_USER, path + "/history?purpose=DIRECT_CARE");
        assertThat(twoVersions.header("ETag")).isEqualTo("\"2\"");
        assertThat(twoVersions.body().get("changes").size()).isEqualTo(2);

        assertThat(put(GP_USER, path + "/sensitivity", Map.of("sensitivity", "PRIVATE", "reason", "private"), "\"2\"")
                .status()).isEqualTo(204);
        assertThat(postIfMatch(GP_USER, path + "/entered-in-error", Map.of("reason", "wrong patient"), "\"2\"")
                .status()).isEqualTo(204);
        assertProblem(postIfMatch(GP_USER, path + "/entered-in-error", Map.of("reason", "again"), "\"2\""), 409,
                "entry-entered-in-error");
    }

    @Test
    void another_organisation_may_not_change_the_practices_entry() {
        World w = world();
        assertProblem(postIfMatch("district-nurse", "/api/patients/" + w.patient() + "/entries/" + w.problem()
                        + "/amendments", Map.of("content", Map.of("code", Map.of("system", "SNOMED_CT", "code", "195967001"),
                        "displayTerm", "Asthma", "effectiveDate", "2024-01-01"), "reason", "x"), "\"1\""),
                403, "not-authoring-organisation");
    }

    @Test
    void an_out_of_hours_clinician_breaks_glass_with_a_reason_and_then_reads_on_the_emergency_basis() {
        NhsNumber patient = register("Glassbreak", "1955-03-03");
        String ooh = "ooh-clinician";
        Answer before = get(ooh, "/api/patients/" + patient + "/record?purpose=EMERGENCY_CARE");
        assertProblem(before, 404, "record-not-available");
        assertProblem(post(ooh, "/api/patients/" + patient + "/emergency-access", Map.of("reason", " ")), 400,
                "missing-field");
        Answer glass = post(ooh, "/api/patients/" + patient + "/emergency-access",
                Map.of("reason", "Collapsed at home, no history available"));
        assertThat(glass.status()).as(glass.raw()).isEqualTo(201);
        assertThat(glass.body().get("validUntil").asText()).isNotBlank();
        Answer after = get(ooh, "/api/patients/" + patient + "/record?purpose=EMERGENCY_CARE");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body().get("basis").asText()).isEqualTo("EMERGENCY");
    }

    @Test
    void a_grant_is_created_and_revoked_and_revoking_twice_is_a_conflict() {
        World w = world();
        Answer grant = post(GP_USER, "/api/patients/" + w.other() + "/grants", Map.of(
                "grantee", Map.of("kind", "ORGANISATION", "id", "LA601"), "reason", "SOCIAL_CARE_ALLOCATION",
                "sections", List.of("DEMOGRAPHICS", "SOCIAL_CARE"),
                "validUntil", java.time.Instant.now().plusSeconds(86_400).toString()));
        assertThat(grant.status()).as(grant.raw()).isEqualTo(201);
        String revoke = "/api/patients/" + w.other() + "/grants/" + grant.body().get("grant").asText() + "/revocation";
        assertThat(post(GP_USER, revoke, Map.of("reason", "case closed")).status()).isEqualTo(204);
        assertProblem(post(GP_USER, revoke, Map.of("reason", "case closed")), 409, "grant-already-revoked");
    }

    @Test
    void a_sealed_entry_is_seen_by_its_author_and_by_a_colleague_only_once_a_sealed_entry_grant_names_them() {
        NhsNumber patient = register("Sealington", "1966-06-06");
        var colleague = staff("practice-nurse@" + GP.organisation().value()); // same practice, not the author
        String colleagueUser = colleague.username();
        Answer recorded = post(GP_USER, "/api/patients/" + patient + "/entries", Map.of("section", "PROBLEMS",
                "sensitivity", "SEALED", "content", Map.of("code", Map.of("system", "SNOMED_CT", "code", "73211009"),
                        "displayTerm", "Diabetes mellitus", "effectiveDate", "2024-03-01")));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        String sealed = recorded.body().get("entry").asText();
        String record = "/api/patients/" + patient + "/record?purpose=DIRECT_CARE";
        assertThat(entryIds(get(GP_USER, record).body())).contains(sealed);
        assertThat(entryIds(get(colleagueUser, record).body())).doesNotContain(sealed);

        Answer unsealed = post(GP_USER, "/api/patients/" + patient + "/sealed-entry-grants", Map.of(
                "grantee", Map.of("kind", "USER", "id", colleague.user().toString()), "entries", List.of(sealed),
                "reason", "Covering the diabetes clinic",
                "validUntil", java.time.Instant.now().plusSeconds(86_400).toString()));
        assertThat(unsealed.status()).as(unsealed.raw()).isEqualTo(201);
        assertThat(entryIds(get(colleagueUser, record).body())).contains(sealed);

        String revoke = "/api/patients/" + patient + "/grants/" + unsealed.body().get("grant").asText() + "/revocation";
        assertThat(post(GP_USER, revoke, Map.of("reason", "cover ended")).status()).isEqualTo(204);
        assertThat(entryIds(get(colleagueUser, record).body())).doesNotContain(sealed);
        assertProblem(post(GP_USER, "/api/patients/" + patient + "/sealed-entry-grants", Map.of(
                "grantee", Map.of("kind", "USER", "id", colleague.user().toString()), "entries", List.of(),
                "reason", "x", "validUntil", java.time.Instant.now().plusSeconds(60).toString())), 400, "missing-field");
    }

    @Test
    void every_demo_staff_member_can_sign_in_not_only_the_first_in_each_role_at_each_organisation() {
        assertThat(ACCOUNTS.allStaff().stream().map(s -> s.user()).distinct().count())
                .as("the demo's 600 staff").isEqualTo(600);
        var second = staff("gp@" + GP.organisation().value() + ".2");
        assertThat(second.user()).isNotEqualTo(GP.user());
        Answer whoami = get(second.username(), "/api/whoami");
        assertThat(whoami.status()).as(whoami.raw()).isEqualTo(200);
        assertThat(whoami.body().get("user").asText()).isEqualTo(second.user().toString());
        assertThat(whoami.body().get("organisation").asText()).isEqualTo(GP.organisation().value());
    }

    static List<String> entryIds(JsonNode record) {
        List<String> ids = new ArrayList<>();
        record.get("entries").forEach(e -> ids.add(e.get("entry").asText()));
        return ids;
    }

    static List<String> sections(JsonNode record) {
        List<String> sections = new ArrayList<>();
        record.get("entries").forEach(e -> sections.add(e.get("section").asText()));
        return sections;
    }
}
