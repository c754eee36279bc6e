package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A patient changes GP practice through the API (ADR 14): the receiving practice sends the transfer; before it the
 * new practice has no basis, after it the old practice has none and the new one reads entries authored at the old
 * practice only with share-out(old) and share-in(new) GRANTED (DESIGN.md). Refusals are problem+json, audited as
 * RecordWriteRefused, and tell nobody who may not transfer whether the patient exists.
 */
class TransferJourneyTest extends ApiTest {

    static final String OLD_GP = GP_USER;
    static final String NEW_PRACTICE = ACCOUNTS.allStaff().stream()
            .filter(s -> s.role() == Role.GP && !s.organisation().equals(GP.organisation()))
            .findFirst().orElseThrow().organisation().value();
    static final String NEW_GP = "gp@" + NEW_PRACTICE;
    static final String NEW_ADMIN = "practice-admin@" + NEW_PRACTICE;

    @Test
    void the_receiving_practice_takes_the_registration_and_the_old_practice_loses_its_basis() {
        NhsNumber patient = register("Movington", "1965-04-03");
        String problem = entry(patient, "PROBLEMS", Map.of("code", Map.of("system", "SNOMED_CT", "code", "195967001"),
                "displayTerm", "Asthma", "effectiveDate", "2024-01-01"));

        // before: the old practice reads on REGISTERED, the new one has no basis
        JsonNode before = open(OLD_GP, patient);
        assertThat(before.get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(entryIds(before)).containsExactly(problem);
        assertProblem(get(NEW_GP, record(patient)), 404, "record-not-available");

        Answer transferred = post(NEW_ADMIN, transfer(patient), "");
        assertThat(transferred.status()).as(transferred.raw()).isEqualTo(201);
        assertThat(transferred.body().get("registeredPractice").asText()).isEqualTo(NEW_PRACTICE);
        assertThat(transferred.header("Location")).endsWith("/api/patients/" + patient + "/record");
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.record.RegistrationTransferred'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ?""", Long.class, patient.value()))
                .isEqualTo(1);

        // after: the old practice has no basis; the new one is REGISTERED, the old practice's entry needs consent
        assertProblem(get(OLD_GP, record(patient)), 404, "record-not-available");
        JsonNode after = open(NEW_GP, patient);
        assertThat(after.get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(after.get("demographics").get("familyName").asText()).isEqualTo("Movington");
        assertThat(entryIds(after)).isEmpty();
        assertThat(after.get("withheld").asInt()).isEqualTo(1);
        JsonNode admin = open(NEW_ADMIN, patient);
        assertThat(admin.get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(admin.get("demographics").get("familyName").asText()).isEqualTo("Movington");
        assertThat(entryIds(admin)).isEmpty();

        // share-in at the new practice alone is not enough; with share-out at the old one the entry is shared
        decide(NEW_GP, patient, NEW_PRACTICE, "SHARE_IN");
        assertThat(entryIds(open(NEW_GP, patient))).isEmpty();
        decide(NEW_GP, patient, GP.organisation().value(), "SHARE_OUT");
        JsonNode shared = open(NEW_GP, patient);
        assertThat(entryIds(shared)).containsExactly(problem);
        assertThat(shared.get("entries").get(0).get("authoringOrganisation").asText())
                .isEqualTo(GP.organisation().value());
        assertThat(shared.get("withheld").asInt()).isZero();

        // the new practice writes on its REGISTERED basis; the old one may no longer write
        String own = post(NEW_GP, "/api/patients/" + patient + "/entries", Map.of("section", "CONSULTATIONS",
                "content", Map.of("text", "New patient check", "effectiveDate", "2024-02-01"))).body().get("entry")
                .asText();
        assertThat(entryIds(open(NEW_GP, patient))).containsExactlyInAnyOrder(problem, own);
        assertProblem(post(OLD_GP, "/api/patients/" + patient + "/entries", Map.of("section", "CONSULTATIONS",
                "content", Map.of("text", "seen", "effectiveDate", "2024-02-02"))), 404, "record-not-available");
        assertProblem(get(OLD_GP, record(patient)), 404, "record-not-available");

        // the transfer back is the old practice's to send, as the receiving one
        assertThat(post(OLD_GP, transfer(patient), "").status()).isEqualTo(201);
        assertThat(open(OLD_GP, patient).get("basis").asText()).isEqualTo("REGISTERED");
        assertProblem(get(NEW_GP, record(patient)), 404, "record-not-available");
    }

    @Test
    void refusals_are_problems_audited_and_tell_nobody_who_may_not_transfer_whether_the_patient_exists() {
        NhsNumber patient = register("Stayputt", "1972-08-09");
        NhsNumber unknown = freshNhsNumber();
        long writes = writes();
        List<String> notAtAPractice = List.of("pharmacist", "district-nurse", "social-worker", "specialist");
        for (String user : notAtAPractice) {
            long refused = writeRefusalsOf(patient);
            Answer known = post(user, transfer(patient), "");
            assertProblem(known, 403, "not-permitted");
            assertThat(writeRefusalsOf(patient)).as(user + ": refusal audited").isEqualTo(refused + 1);
            Answer none = post(user, transfer(unknown), "");
            assertProblem(none, 403, "not-permitted");
            assertThat(none.body().get("detail")).isEqualTo(known.body().get("detail"));
        }
        assertThat(writeRefusalsOf(unknown)).isEqualTo(notAtAPractice.size());

        // a practice that may transfer: an unknown patient is as any record not available, and audited
        Answer unknownAtPractice = post(NEW_GP, transfer(unknown), "");
        assertProblem(unknownAtPractice, 404, "record-not-available");
        assertThat(writeRefusalsOf(unknown)).isEqualTo(notAtAPractice.size() + 1);
        // the registered practice cannot take what it already has
        assertProblem(post(OLD_GP, transfer(patient), ""), 409, "conflicting-state");
        // IG officers and administrators never reach it
        assertProblem(post("ig-officer", transfer(patient), ""), 403, "forbidden");
        assertProblem(post("administrator", transfer(patient), ""), 403, "forbidden");
        // a bad NHS number is bad input
        assertProblem(post(NEW_GP, "/api/patients/12345/registration/transfer", ""), 400,
                "invalid-nhs-number");

        assertThat(writes()).as("nothing written by a refused transfer").isEqualTo(writes);
        assertThat(open(OLD_GP, patient).get("basis").asText()).isEqualTo("REGISTERED");
    }

    private static String transfer(NhsNumber patient) {
        return "/api/patients/" + patient + "/registration/transfer";
    }

    private static String record(NhsNumber patient) {
        return "/api/patients/" + patient + "/record?purpose=DIRECT_CARE";
    }

    private JsonNode open(String user, NhsNumber patient) {
        Answer answer = get(user, record(patient));
        assertThat(answer.status()).as(user + ": " + answer.raw()).isEqualTo(200);
        return answer.body();
    }

    private static List<String> entryIds(JsonNode record) {
        List<String> ids = new ArrayList<>();
        record.get("entries").forEach(e -> ids.add(e.get("entry").asText()));
        return ids;
    }

    private void decide(String user, NhsNumber patient, String organisation, String direction) {
        Answer answer = post(user, "/api/patients/" + patient + "/consent/decisions", Map.of(
                "organisation", organisation, "direction", direction, "decision", "GRANTED", "method", "VERBAL"));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(204);
    }

    private long writeRefusalsOf(NhsNumber patient) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.RecordWriteRefused'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ?
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'command' = 'TransferRegistration'""",
                Long.class, patient.value());
    }
}
