package org.careledger.api.http;

import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values that every later reader cannot carry (JSON, PostgreSQL, FHIR) are refused at the edge with 400
 * problem+json naming the field, nothing is written, and the patient's record stays readable and exportable.
 */
class PoisonInputTest extends ApiTest {

    private static Map<String, Object> observation(Object value, Object effectiveDate) {
        return Map.of("section", "OBSERVATIONS", "content", Map.of(
                "code", Map.of("system", "SNOMED_CT", "code", "75367002"), "displayTerm", "BP",
                "effectiveDate", effectiveDate, "value", Map.of("value", value, "unit", "mm[Hg]")));
    }

    private static String rawObservation(String value, String effectiveDate) {
        return """
                {"section":"OBSERVATIONS","content":{"code":{"system":"SNOMED_CT","code":"75367002"},
                 "displayTerm":"BP","effectiveDate":%s,"value":{"value":%s,"unit":"mm[Hg]"}}}""".formatted(effectiveDate, value);
    }

    private static String rawText(String escapedText) {
        return "{\"section\":\"CONSULTATIONS\",\"content\":{\"text\":\"" + escapedText
                + "\",\"effectiveDate\":\"2024-01-01\"}}";
    }

    private void assertRecordStillWorks(NhsNumber patient) {
        assertThat(get(GP_USER, "/api/patients/" + patient + "/record?purpose=DIRECT_CARE").status()).isEqualTo(200);
        assertThat(get(GP_USER, "/fhir/Patient/" + patient + "/$everything?purpose=DIRECT_CARE").status()).isEqualTo(200);
        assertThat(post(GP_USER, "/api/patients/" + patient + "/entries", rawText("still writable")).status())
                .isEqualTo(201);
    }

    @Test
    void numbers_no_reader_can_carry_are_refused_and_the_record_stays_readable() {
        NhsNumber patient = register("Poisonby", "1970-01-02");
        String entries = "/api/patients/" + patient + "/entries";
        long before = writes();
        for (String value : List.of("1e9999", "1e10001", "-1e9999", "1e-9999", "1e101", "1e-101", "1e18",
                "1234567890123456789", "0.1234567890123456789")) {
            Answer answer = post(GP_USER, entries, rawObservation(value, "\"2024-01-01\""));
            assertProblem(answer, 400, "invalid-input");
            assertThat(answer.body().get("detail").asText()).as(value).contains("value");
        }
        assertThat(writes()).isEqualTo(before);
        for (String value : List.of("120", "152.0", "123456789012345678", "1e17", "0.000001", "-3.5", "1e-100")) {
            assertThat(post(GP_USER, entries, rawObservation(value, "\"2024-01-01\"")).status()).as(value).isEqualTo(201);
        }
        assertRecordStillWorks(patient);
    }

    @Test
    void dates_outside_fhir_years_and_dates_as_numbers_are_refused() {
        NhsNumber patient = register("Datesby", "1970-01-02");
        String entries = "/api/patients/" + patient + "/entries";
        long before = writes();
        for (String date : List.of("\"0000-01-01\"", "\"-0001-01-01\"", "\"-4713-01-01\"", "\"+10000-01-01\"",
                "\"+999999999-12-31\"")) {
            Answer answer = post(GP_USER, entries, rawObservation("120", date));
            assertProblem(answer, 400, "invalid-input");
            assertThat(answer.body().get("detail").asText()).as(date).contains("date");
        }
        for (String date : List.of("20240101", "2147483647", "0", "-1")) {
            Answer answer = post(GP_USER, entries, rawObservation("120", date));
            assertThat(answer.status()).as(date + ": " + answer.raw()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.raw()).contains("effectiveDate");
        }
        Answer birth = post(GP_USER, "/api/patients/" + freshNhsNumber(), Map.of("demographics", Map.of(
                "givenName", "Alex", "familyName", "Ancient", "birthDate", "-0001-01-01", "gender", "UNKNOWN",
                "address", Map.of("line1", "1 Test Street", "town", "South Moor", "postcode", "SM1 1AA"))));
        assertProblem(birth, 400, "invalid-input");
        assertThat(writes()).isEqualTo(before);
        assertThat(post(GP_USER, entries, rawObservation("120", "\"0001-01-01\"")).status()).isEqualTo(201);
        assertThat(post(GP_USER, entries, rawObservation("120", "\"9999-12-31\"")).status()).isEqualTo(201);
        assertRecordStillWorks(patient);
    }

    @Test
    void control_characters_and_lone_surrogates_are_refused_but_newline_tab_and_real_pairs_are_kept() {
        NhsNumber patient = register("Textby", "1970-01-02");
        String entries = "/api/patients/" + patient + "/entries";
        long before = writes();
        for (String bad : List.of("a\\u0000b", "a\\u0007b", "a\\u001bb", "a\\u007fb", "a\\u0085b", "a\\ud800b",
                "a\\udc00b", "a\\ud800")) {
            Answer answer = post(GP_USER, entries, rawText(bad));
            assertProblem(answer, 400, "invalid-input");
            assertThat(answer.body().get("detail").asText()).as(bad).contains("text");
        }
        Answer badTerm = post(GP_USER, entries, "{\"section\":\"PROBLEMS\",\"content\":{\"code\":{\"system\":"
                + "\"SNOMED_CT\",\"code\":\"195967001\"},\"displayTerm\":\"Asth\\u0000ma\",\"effectiveDate\":\"2024-01-01\"}}");
        assertProblem(badTerm, 400, "invalid-input");
        assertThat(badTerm.body().get("detail").asText()).contains("display term");
        Answer badName = post(GP_USER, "/api/patients/" + freshNhsNumber(), Map.of("demographics", Map.of(
                "givenName", "Al\u0000ex", "familyName", "Nul", "birthDate", "1970-01-01", "gender", "UNKNOWN",
                "address", Map.of("line1", "1 Test Street", "town", "South Moor", "postcode", "SM1 1AA"))));
        assertProblem(badName, 400, "invalid-input");
        assertThat(writes()).isEqualTo(before);

        Answer kept = post(GP_USER, entries, rawText("line one\\nline two\\ttabbed \\ud83d\\ude00"));
        assertThat(kept.status()).as(kept.raw()).isEqualTo(201);
        Answer record = get(GP_USER, "/api/patients/" + patient + "/record?purpose=DIRECT_CARE");
        assertThat(record.body().get("entries").get(0).get("content").get("text").asText())
                .isEqualTo("line one\nline two\ttabbed \uD83D\uDE00");
        assertRecordStillWorks(patient);
    }

    @Test
    void paging_parameters_out_of_range_are_400_not_500() {
        World w = world();
        for (String size : List.of("0", "-1", "1001")) {
            assertProblem(get("ig-officer", "/api/audit/refusals?size=" + size), 400, "validation-failed");
            assertProblem(get("ig-officer", "/api/audit/emergencies?size=" + size), 400, "validation-failed");
            assertProblem(get("ig-officer", "/api/audit/alerts?size=" + size), 400, "validation-failed");
            assertProblem(get("ig-officer", "/api/audit/patients/" + w.patient() + "/accesses?size=" + size), 400,
                    "validation-failed");
            assertProblem(get(w.patient().value(), "/api/me/access-history?size=" + size), 400, "validation-failed");
            assertProblem(get(w.patient().value(), "/fhir/me/AuditEvent?_count=" + size), 400, "validation-failed");
            assertProblem(get("ig-officer", "/fhir/AuditEvent?patient=" + w.patient() + "&_count=" + size), 400,
                    "validation-failed");
        }
        Answer named = get("ig-officer", "/api/audit/refusals?size=0");
        assertThat(named.body().get("detail").asText()).contains("size");
        assertProblem(get("ig-officer", "/api/audit/refusals?size=99999999999"), 400, "wrong-type");
        assertProblem(get("ig-officer", "/api/audit/refusals?from=-999999999-01-01T00:00:00Z"), 400, "invalid-input");
        assertProblem(get("ig-officer", "/api/audit/refusals?to=%2B999999999-12-31T00:00:00Z"), 400, "invalid-input");
        assertProblem(get(w.patient().value(), "/api/me/access-history?from=0000-12-31T00:00:00Z"), 400,
                "invalid-input");
        assertProblem(get("ig-officer", "/api/audit/refusals?after=99999999999999.0:1"), 400, "invalid-input");
        assertProblem(get("ig-officer", "/api/audit/refusals?after=garbage"), 400, "invalid-input");
        assertProblem(post(GP_USER, "/api/patients/search", Map.of("surname", "Testington",
                "birthDate", "+999999999-12-31")), 400, "invalid-input");
        assertProblem(post(GP_USER, "/api/patients/search", Map.of("surname", "Test\u0000ington",
                "birthDate", "1970-01-02")), 400, "invalid-input");
        Answer grant = post(GP_USER, "/api/patients/" + w.patient() + "/grants", Map.of(
                "grantee", Map.of("kind", "ORGANISATION", "id", "RCX"), "reason", "REFERRAL",
                "sections", List.of("PROBLEMS"), "validFrom", "-999999999-01-01T00:00:00Z",
                "validUntil", "+999999999-12-31T00:00:00Z"));
        assertThat(grant.status()).as(grant.raw()).isBetween(400, 499);
        assertThat(grant.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void a_repeated_single_valued_parameter_is_refused() {
        World w = world();
        long refusals = refusalsOf(w.patient());
        Answer twice = get(GP_USER, "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE&purpose=RESEARCH");
        assertProblem(twice, 400, "validation-failed");
        assertThat(twice.body().get("detail").asText()).contains("purpose");
        assertProblem(get("ig-officer", "/api/audit/refusals?size=5&size=6"), 400, "validation-failed");
        assertThat(refusalsOf(w.patient())).isEqualTo(refusals);
    }

    @Test
    void a_path_traversal_url_answers_problem_json() {
        Answer answer = get(GP_USER, "/api/patients/..%2F..%2Fetc/record?purpose=DIRECT_CARE");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.raw()).doesNotContain("<html").doesNotContain("Exception");
        Answer dots = get(GP_USER, "/api/patients/%2e%2e/%2e%2e/record?purpose=DIRECT_CARE");
        assertThat(dots.status()).as(dots.raw()).isBetween(400, 404);
        assertThat(dots.header("Content-Type")).startsWith("application/problem+json");
    }
}
