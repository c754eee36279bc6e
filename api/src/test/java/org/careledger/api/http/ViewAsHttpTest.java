package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "View as" over HTTP with real tokens (ADR 24): a GP previews the district nurse's view of their patient and is
 * shown only what both may see, with the nurse's own note counted, never shown; an IG officer gets ids and sections
 * without content; a district nurse, a pharmacist and the patient are refused (403, audited); a GP of another
 * practice gets the answer of an unknown patient; bad input is a problem naming the parameter.
 */
class ViewAsHttpTest extends ApiTest {

    @Test
    void a_gp_and_an_ig_officer_preview_the_district_nurses_view_and_everyone_else_is_refused() {
        NhsNumber patient = register("Previewson", "1961-07-08");
        String problem = entry(patient, "PROBLEMS", Map.of("code", Map.of("system", "SNOMED_CT", "code", "195967001"),
                "displayTerm", "Asthma", "effectiveDate", "2024-01-01"));
        String social = entry(patient, "SOCIAL_CARE", Map.of("text", "Lives alone", "effectiveDate", "2024-01-03"));
        consent(patient, GP.organisation().value(), "SHARE_OUT");
        consent(patient, "RCX", "SHARE_IN");
        Answer grant = post(GP_USER, "/api/patients/" + patient + "/grants", Map.of(
                "grantee", Map.of("kind", "ORGANISATION", "id", "RCX"), "reason", "REFERRAL",
                "sections", List.of("DEMOGRAPHICS", "PROBLEMS", "COMMUNITY_NURSING"),
                "validUntil", java.time.Instant.now().plus(Duration.ofDays(30)).toString()));
        assertThat(grant.status()).as(grant.raw()).isEqualTo(201);
        Answer note = post("district-nurse", "/api/patients/" + patient + "/entries", Map.of("section",
                "COMMUNITY_NURSING", "content", Map.of("text", "Leg ulcer dressed", "effectiveDate", "2024-02-01")));
        assertThat(note.status()).as(note.raw()).isEqualTo(201);
        String nursing = note.body().get("entry").asText();
        String path = "/api/patients/" + patient + "/record/preview?role=DISTRICT_NURSE&organisation=RCX"
                + "&purpose=CARE_PLANNING";

        Answer gp = get(GP_USER, path);
        assertThat(gp.status()).as(gp.raw()).isEqualTo(200);
        assertThat(gp.body().get("basis").asText()).isEqualTo("GRANT");
        assertThat(gp.body().get("contentShown").asBoolean()).isTrue();
        assertThat(ids(gp.body())).containsExactly(problem);
        assertThat(gp.body().get("entries").get(0).get("content").get("displayTerm").asText()).isEqualTo("Asthma");
        assertThat(gp.raw()).doesNotContain(nursing).doesNotContain("Leg ulcer");
        assertThat(gp.body().get("notShown").asInt()).isEqualTo(1); // the nurse's own note: a number only
        assertThat(gp.body().get("wouldSee").asInt()).isEqualTo(2);
        assertThat(gp.body().get("withheldReasons").get("ROLE_VIEW").asInt()).isEqualTo(1); // the social care entry
        assertThat(trailRow(gp.body().get("auditEvent").asText()))
                .isEqualTo("PREVIEWED " + GP.user().value() + " DISTRICT_NURSE@RCX 1");

        Answer ig = get("ig-officer", path);
        assertThat(ig.status()).as(ig.raw()).isEqualTo(200);
        assertThat(ig.body().get("contentShown").asBoolean()).isFalse();
        assertThat(ids(ig.body())).containsExactlyInAnyOrder(problem, nursing);
        for (JsonNode e : ig.body().get("entries")) {
            assertThat(e.get("section").asText()).isIn("PROBLEMS", "COMMUNITY_NURSING");
            assertThat(e.get("content").isNull()).isTrue();
            assertThat(e.get("author").isNull()).isTrue();
        }
        assertThat(ig.raw()).doesNotContain("Asthma").doesNotContain("Leg ulcer").doesNotContain(social);
        assertThat(trailRow(ig.body().get("auditEvent").asText()))
                .isEqualTo("PREVIEWED " + staff("ig-officer").user().value() + " DISTRICT_NURSE@RCX 2");

        for (String refused : List.of("district-nurse", "pharmacist", patient.value())) {
            long before = refusedPreviews();
            assertProblem(get(refused, path), 403, "forbidden");
            assertThat(refusedPreviews()).as(refused + "'s refusal is audited").isEqualTo(before + 1);
        }
        String otherGp = ACCOUNTS.allStaff().stream()
                .filter(s -> s.role() == org.careledger.shared.Role.GP && !s.organisation().equals(GP.organisation()))
                .findFirst().orElseThrow().username();
        long before = refusedPreviews();
        assertProblem(get(otherGp, path), 404, "record-not-available");
        assertThat(refusedPreviews()).isEqualTo(before + 1);

        String base = "/api/patients/" + patient + "/record/preview?purpose=CARE_PLANNING";
        assertProblem(get(GP_USER, base + "&role=IG_OFFICER&organisation=RCX"), 400, "invalid-input");
        assertProblem(get(GP_USER, base + "&role=NURSE&organisation=RCX"), 400, "wrong-type");
        assertProblem(get(GP_USER, base + "&role=DISTRICT_NURSE&organisation=ZZ999"), 422, "unknown-organisation");
        assertProblem(get(GP_USER, base + "&role=DISTRICT_NURSE"), 400, "missing-parameter");
    }

    private List<String> ids(JsonNode preview) {
        List<String> ids = new ArrayList<>();
        preview.get("entries").forEach(e -> ids.add(e.get("entry").asText()));
        return ids;
    }

    private String trailRow(String eventId) {
        return jdbc.queryForObject("SELECT kind || ' ' || user_id || ' ' || subject || ' ' || disclosed_count"
                + " FROM audit_event WHERE event_id = ?", String.class, eventId);
    }

    private long refusedPreviews() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE kind = 'REFUSED' AND record_view = 'PREVIEW'",
                Long.class);
    }
}
