package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "I don't recognise this access" end to end (DESIGN.md): the patient reports an access, it becomes an IG alert,
 * an IG officer reviews it and closes it with an outcome, and the outcome comes back to the patient in plain words.
 * Nobody but an IG officer may review or close; a closed case stays closed.
 */
class AlertCaseJourneyTest extends ApiTest {

    @Test
    void a_reported_access_is_reviewed_and_closed_by_ig_and_the_patient_sees_the_outcome() {
        World w = world();
        String patient = w.patient().value();
        Instant since = Instant.now().minusSeconds(120);
        Answer nurseRead = get("district-nurse", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        assertThat(nurseRead.status()).as(nurseRead.raw()).isEqualTo(200);
        String readEvent = nurseRead.body().get("auditEvent").asText();
        eventually(() -> line(patient, readEvent) != null, "the nurse's read in the patient's access history");

        Answer report = post(patient, "/api/me/access-history/" + readEvent + "/report",
                Map.of("comment", "I have never been seen by a district nurse"));
        assertThat(report.status()).as(report.raw()).isEqualTo(204);

        // IG sees the alert, OPEN
        JsonNode[] found = new JsonNode[1];
        eventually(() -> (found[0] = alert("OPEN", since, readEvent)) != null, "the OPEN alert for the report");
        String alert = found[0].get("alertId").asText();
        assertThat(found[0].get("kind").asText()).isEqualTo("UNRECOGNISED_ACCESS");
        assertThat(found[0].get("outcome").isNull()).isTrue();
        JsonNode reported = line(patient, readEvent);
        assertThat(reported.get("reported").asBoolean()).isTrue();
        assertThat(reported.get("reportStatus").asText()).isEqualTo("OPEN");
        assertThat(reported.get("reportSummary").asText()).contains("will look into it");

        // nobody but an IG officer reviews or closes, and nothing is written by those who try
        long writesBefore = writes();
        for (String user : List.of(GP_USER, "district-nurse", "social-worker", "administrator", patient)) {
            assertProblem(post(user, "/api/audit/alerts/" + alert + "/review", Map.of("note", "x")), 403, "forbidden");
            assertProblem(post(user, "/api/audit/alerts/" + alert + "/close",
                    Map.of("outcome", "NO_CONCERN", "note", "x")), 403, "forbidden");
            assertProblem(get(user, "/api/audit/alerts/" + alert), 403, "forbidden");
        }
        // bad input and unknown alerts
        assertProblem(post("ig-officer", "/api/audit/alerts/UNRECOGNISED_ACCESS:no-such-report/review",
                Map.of("note", "x")), 404, "not-found");
        assertProblem(get("ig-officer", "/api/audit/alerts/UNRECOGNISED_ACCESS:no-such-report"), 404, "not-found");
        assertThat(post("ig-officer", "/api/audit/alerts/" + alert + "/review", Map.of("note", " ")).status())
                .isEqualTo(400);
        assertThat(post("ig-officer", "/api/audit/alerts/" + alert + "/close",
                Map.of("outcome", "SHRUG", "note", "x")).status()).isEqualTo(400);
        assertThat(post("ig-officer", "/api/audit/alerts/" + alert + "/close", Map.of("note", "x")).status())
                .isEqualTo(400);
        assertThat(writes()).isEqualTo(writesBefore);

        // review: UNDER_REVIEW
        Answer review = post("ig-officer", "/api/audit/alerts/" + alert + "/review",
                Map.of("note", "Asked the community trust who was on the caseload"));
        assertThat(review.status()).as(review.raw()).isEqualTo(204);
        eventually(() -> alert("UNDER_REVIEW", since, readEvent) != null, "the alert UNDER_REVIEW");
        assertThat(alert("OPEN", since, readEvent)).isNull();
        eventually(() -> "UNDER_REVIEW".equals(line(patient, readEvent).path("reportStatus").asText()),
                "the patient sees the case under review");
        assertThat(line(patient, readEvent).get("reportSummary").asText()).contains("is looking into it");

        // close with an outcome: CLOSED, final
        Answer close = post("ig-officer", "/api/audit/alerts/" + alert + "/close",
                Map.of("outcome", "INAPPROPRIATE_ACCESS", "note", "Nurse was not on the caseload; manager informed"));
        assertThat(close.status()).as(close.raw()).isEqualTo(204);
        assertProblem(post("ig-officer", "/api/audit/alerts/" + alert + "/close",
                Map.of("outcome", "NO_CONCERN", "note", "again")), 409, "alert-already-closed");
        assertProblem(post("ig-officer", "/api/audit/alerts/" + alert + "/review", Map.of("note", "more")), 409,
                "alert-already-closed");
        eventually(() -> alert("CLOSED", since, readEvent) != null, "the alert CLOSED");
        JsonNode closed = alert("CLOSED", since, readEvent);
        assertThat(closed.get("outcome").asText()).isEqualTo("INAPPROPRIATE_ACCESS");
        assertThat(closed.get("status").asText()).isEqualTo("CLOSED");

        Answer kase = get("ig-officer", "/api/audit/alerts/" + alert);
        assertThat(kase.status()).as(kase.raw()).isEqualTo(200);
        assertThat(kase.body().get("alert").get("status").asText()).isEqualTo("CLOSED");
        assertThat(kase.body().get("actions")).hasSize(2);
        assertThat(kase.body().get("actions").get(1).get("outcome").asText()).isEqualTo("INAPPROPRIATE_ACCESS");

        // the outcome comes back to the patient, in plain words, without IG's notes
        eventually(() -> "CLOSED".equals(line(patient, readEvent).path("reportStatus").asText()),
                "the patient sees the case closed");
        JsonNode outcome = line(patient, readEvent);
        assertThat(outcome.get("reportOutcome").asText()).isEqualTo("INAPPROPRIATE_ACCESS");
        assertThat(outcome.get("reportSummary").asText()).contains("should not have happened");
        Answer history = get(patient, "/api/me/access-history");
        assertThat(history.raw()).doesNotContain("caseload").doesNotContain("manager informed");
    }

    /** The alert about the report of this access, among those of one status raised since the test began. */
    private JsonNode alert(String status, Instant since, String readEvent) {
        Answer answer = get("ig-officer", "/api/audit/alerts?status=" + status + "&from=" + since + "&size=200");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        for (JsonNode alert : answer.body().get("items")) {
            if (("patient reported access " + readEvent).equals(alert.path("detail").asText())) {
                return alert;
            }
        }
        return null;
    }

    private JsonNode line(String patient, String readEvent) {
        for (JsonNode access : get(patient, "/api/me/access-history").body().get("accesses")) {
            if (access.get("id").asText().equals(readEvent)) {
                return access;
            }
        }
        return null;
    }
}
