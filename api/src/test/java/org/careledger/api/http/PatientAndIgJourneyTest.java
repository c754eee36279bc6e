package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A patient reads their record, sees who looked at it in plain words, changes their consent, reports an access
 * they do not recognise; the IG officer finds it among the alerts and in the trail, without clinical content.
 */
class PatientAndIgJourneyTest extends ApiTest {

    @Test
    void the_patient_sees_their_record_who_looked_and_reports_an_access_ig_then_sees_the_alert() {
        World w = world();
        String patient = w.patient().value();
        Answer record = get(patient, "/api/me/record");
        assertThat(record.status()).as(record.raw()).isEqualTo(200);
        assertThat(record.body().get("basis").asText()).isEqualTo("SELF");
        assertThat(ClinicianJourneyTest.sections(record.body())).contains("PROBLEMS", "SOCIAL_CARE");

        Answer nurseRead = get("district-nurse", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        String readEvent = nurseRead.body().get("auditEvent").asText();
        String nurseName = staff("district-nurse").name();

        JsonNode[] line = new JsonNode[1];
        eventually(() -> {
            Answer history = get(patient, "/api/me/access-history");
            for (JsonNode access : history.body().get("accesses")) {
                if (access.get("id").asText().equals(readEvent)) {
                    line[0] = access;
                    return true;
                }
            }
            return false;
        }, "the nurse's read in the patient's access history");
        assertThat(line[0].get("who").asText()).isEqualTo(nurseName);
        assertThat(line[0].get("organisationName").asText()).contains("Community Health");
        assertThat(line[0].get("basis").asText()).isEqualTo("GRANT");
        assertThat(line[0].get("summary").asText()).contains(nurseName).contains("opened your record");
        assertThat(line[0].get("sections").toString()).contains("PROBLEMS");

        Answer report = post(patient, "/api/me/access-history/" + readEvent + "/report",
                Map.of("comment", "I have not seen a district nurse"));
        assertThat(report.status()).as(report.raw()).isEqualTo(204);
        assertProblem(post(patient, "/api/me/access-history/" + readEvent + "/report", Map.of()), 409,
                "already-exists");

        eventually(() -> get("ig-officer", "/api/audit/alerts?size=200").body().get("items").toString()
                .contains("patient reported access " + readEvent), "the IG alert for the reported access");
        Answer trail = get("ig-officer", "/api/audit/patients/" + patient + "/accesses?size=200");
        assertThat(trail.status()).isEqualTo(200);
        assertThat(trail.raw()).contains(readEvent).doesNotContain("Asthma").doesNotContain("Lives alone");
    }

    @Test
    void the_patient_changes_their_consent_online_and_may_not_record_it_as_staff_would() {
        World w = world();
        String patient = w.other().value();
        Answer changed = post(patient, "/api/me/consent/decisions", Map.of("organisation", "RCX",
                "direction", "SHARE_IN", "decision", "REFUSED"));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(204);
        Answer consent = get(patient, "/api/me/consent");
        assertThat(consent.body().get("decisions").toString()).contains("RCX").contains("REFUSED");
        assertThat(post(patient, "/api/me/consent/dissent", Map.of()).status()).isEqualTo(204);
        assertThat(get(patient, "/api/me/consent").body().get("dissentInForce").asBoolean()).isTrue();
        assertThat(post(patient, "/api/me/consent/dissent/withdrawal", Map.of()).status()).isEqualTo(204);
        assertProblem(post(patient, "/api/patients/" + patient + "/consent/decisions", Map.of("organisation", "RCX",
                "direction", "SHARE_IN", "decision", "GRANTED", "method", "VERBAL")), 403, "forbidden");
    }

    @Test
    void an_administrator_keeps_the_directory_and_nobody_else_may() {
        Answer orgs = get("administrator", "/api/directory/organisations");
        assertThat(orgs.status()).isEqualTo(200);
        assertThat(orgs.raw()).contains("RCX");
        String ods = "T" + (10000 + (int) (Math.random() * 89999));
        Answer created = post("administrator", "/api/directory/organisations",
                Map.of("ods", ods, "name", "Test Clinic", "type", "OUTPATIENT_CLINIC"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Answer staff = post("administrator", "/api/directory/staff", Map.of("displayName", "Tess Tester"));
        assertThat(staff.status()).isEqualTo(201);
        String user = staff.body().get("id").asText();
        assertThat(post("administrator", "/api/directory/staff/" + user + "/roles",
                Map.of("role", "SPECIALIST", "organisation", ods)).status()).isEqualTo(204);
        assertProblem(post("administrator", "/api/directory/staff/" + user + "/roles",
                Map.of("role", "SPECIALIST", "organisation", ods)), 409, "already-exists");
        assertProblem(post(GP_USER, "/api/directory/staff", Map.of("displayName", "X")), 403, "forbidden");
    }
}
