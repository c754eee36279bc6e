package org.careledger.api.http;

import org.careledger.audit.RecordWriteRefused;
import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint × every role (and a patient on their own, another's and an unknown record) → allowed or refused
 * as DESIGN.md says. Record reads: the basis decides, and every refused read is answered exactly like an unknown
 * patient (same status and body) and audited as a RecordAccessRefused event. Everything else: the role table of
 * SecurityConfiguration (403 forbidden), checked before any command is sent (nothing written).
 */
class AuthorisationMatrixTest extends ApiTest {

    /** The signed-in users of the matrix; the patients are filled in from the world. */
    Map<String, String> users(World w) {
        Map<String, String> users = new LinkedHashMap<>();
        users.put("GP at the registered practice", GP_USER);
        users.put("practice admin at the registered practice", "practice-admin@" + GP.organisation().value());
        users.put("district nurse (granted, consented)", "district-nurse");
        users.put("social worker (no grant)", "social-worker");
        users.put("pharmacist (no grant)", "pharmacist");
        users.put("mental health practitioner (no grant)", "mental-health-practitioner");
        users.put("specialist (no grant)", "specialist");
        users.put("IG officer", "ig-officer");
        users.put("administrator", "administrator");
        users.put("the patient", w.patient().value());
        users.put("another patient", w.other().value());
        return users;
    }

    @Test
    void opening_the_record_is_allowed_on_a_basis_only_and_every_refusal_is_audited_and_looks_like_an_unknown_patient() {
        World w = world();
        NhsNumber unknown = freshNhsNumber();
        Map<String, Integer> expected = Map.of(
                "GP at the registered practice", 200,
                "practice admin at the registered practice", 200,
                "district nurse (granted, consented)", 200,
                "the patient", 200);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> user : users(w).entrySet()) {
            int status = expected.getOrDefault(user.getKey(), 404);
            long refusalsBefore = refusalsOf(w.patient());
            Answer answer = get(user.getValue(), "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE");
            if (answer.status() != status) {
                wrong.add(user.getKey() + ": " + answer.status() + " " + answer.raw());
                continue;
            }
            if (status == 200) {
                String disclosure = disclosedWrongly(user.getKey(), answer, w);
                if (disclosure != null) {
                    wrong.add(user.getKey() + ": " + disclosure + " in " + answer.raw());
                }
            }
            if (status == 404) {
                assertProblem(answer, 404, "record-not-available");
                assertThat(refusalsOf(w.patient())).as(user.getKey() + " refusal audited").isEqualTo(refusalsBefore + 1);
                Answer unknownAnswer = get(user.getValue(), "/api/patients/" + unknown + "/record?purpose=DIRECT_CARE");
                assertThat(unknownAnswer.status()).isEqualTo(404);
                assertThat(unknownAnswer.body().get("type")).isEqualTo(answer.body().get("type"));
                assertThat(unknownAnswer.body().get("title")).isEqualTo(answer.body().get("title"));
                assertThat(unknownAnswer.body().get("detail")).isEqualTo(answer.body().get("detail"));
                // the entry history of a refused record: refused and audited alike
                Answer history = get(user.getValue(), "/api/patients/" + w.patient() + "/entries/" + w.problem()
                        + "/history?purpose=DIRECT_CARE");
                assertProblem(history, 404, "record-not-available");
                assertThat(refusalsOf(w.patient())).isEqualTo(refusalsBefore + 2);
            }
        }
        assertThat(wrong).isEmpty();
        // the patient reaches only their own NHS number, wherever they ask
        assertProblem(get(w.patient().value(), "/api/patients/" + w.other() + "/record?purpose=PATIENT_ACCESS"), 404,
                "record-not-available");
    }

    /**
     * What an allowed open of the world's patient must disclose, per reader (DESIGN.md's role views, basis and
     * consent): null when the answer is right, else what is wrong. The world's four entries are a problem and a
     * medication (in the district nurse's referral grant, with consent), a social care and a safeguarding entry.
     */
    static String disclosedWrongly(String who, Answer answer, World w) {
        com.fasterxml.jackson.databind.JsonNode body = answer.body();
        List<String> ids = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        body.get("entries").forEach(e -> {
            ids.add(e.get("entry").asText());
            sections.add(e.get("section").asText());
        });
        List<String> world = List.of(w.problem(), w.medication(), w.socialCare(), w.safeguarding());
        if (body.get("demographics") == null || !"Testington".equals(body.get("demographics").path("familyName").asText())) {
            return "demographics missing";
        }
        return switch (who) {
            case "GP at the registered practice" -> !"REGISTERED".equals(body.get("basis").asText())
                    ? "basis " + body.get("basis") : !ids.containsAll(world) ? "not every entry: " + ids : null;
            case "practice admin at the registered practice" -> !"REGISTERED".equals(body.get("basis").asText())
                    ? "basis " + body.get("basis")
                    : sections.stream().anyMatch(s -> !s.equals("DEMOGRAPHICS")) ? "beyond DEMOGRAPHICS: " + sections
                    : world.stream().anyMatch(ids::contains) ? "clinical entries: " + ids : null;
            case "district nurse (granted, consented)" -> !"GRANT".equals(body.get("basis").asText())
                    ? "basis " + body.get("basis")
                    : !ids.containsAll(List.of(w.problem(), w.medication())) ? "granted entries missing: " + ids
                    : ids.contains(w.socialCare()) || ids.contains(w.safeguarding()) ? "outside the nurse's view: " + ids
                    : sections.stream().anyMatch(s -> !List.of("DEMOGRAPHICS", "PROBLEMS", "MEDICATIONS", "ALLERGIES",
                    "COMMUNITY_NURSING").contains(s)) ? "outside the grant's scope: " + sections : null;
            case "the patient" -> !"SELF".equals(body.get("basis").asText()) ? "basis " + body.get("basis")
                    : !ids.containsAll(world) ? "not every entry: " + ids : null;
            default -> "nothing should be disclosed";
        };
    }

    /**
     * One endpoint and which users of the matrix may reach it (the rest get 403 forbidden before anything runs);
     * for a read, what an allowed answer must show (null when right, else what is wrong).
     */
    record Endpoint(String method, String path, Object body, List<String> allowed,
                    java.util.function.BiFunction<String, Answer, String> disclosed) {
        Endpoint(String method, String path, Object body, List<String> allowed) {
            this(method, path, body, allowed, null);
        }
    }

    @Test
    void every_other_endpoint_admits_only_its_roles() {
        World w = world();
        String p = "/api/patients/" + w.patient();
        List<String> clinicians = List.of("GP at the registered practice", "practice admin at the registered practice",
                "district nurse (granted, consented)", "social worker (no grant)", "pharmacist (no grant)",
                "mental health practitioner (no grant)", "specialist (no grant)");
        List<String> patients = List.of("the patient", "another patient");
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/patients/search", Map.of("nhsNumber", w.patient().value()), clinicians),
                new Endpoint("POST", p + "/entries", Map.of(), clinicians),
                new Endpoint("POST", p + "/consent/decisions", Map.of(), clinicians),
                new Endpoint("POST", p + "/grants", Map.of(), clinicians),
                new Endpoint("POST", p + "/sealed-entry-grants", Map.of(), clinicians),
                new Endpoint("POST", p + "/emergency-access", Map.of(), clinicians),
                new Endpoint("GET", "/api/me/record", null, patients, (who, a) -> ok(a)
                        && a.body().get("patient").asText().equals(nhsOf(who, w)) && "SELF".equals(a.body().get("basis")
                        .asText()) ? null : "not their own record"),
                new Endpoint("GET", "/api/me/consent", null, patients, (who, a) -> ok(a)
                        && sharesOutFromThePractice(a) == who.equals("the patient") ? null : "not their own consent"),
                new Endpoint("POST", "/api/me/consent/decisions", Map.of(), patients),
                new Endpoint("GET", "/api/audit/refusals", null, List.of("IG officer"), (who, a) -> ok(a)
                        && a.body().get("items").isArray() && noClinicalContent(a) ? null : "not a page of ids"),
                new Endpoint("GET", "/api/audit/alerts", null, List.of("IG officer"), (who, a) -> ok(a)
                        && a.body().get("items").isArray() && noClinicalContent(a) ? null : "not a page of ids"),
                new Endpoint("GET", "/api/audit/counts?by=BASIS", null, List.of("IG officer"), (who, a) -> ok(a)
                        && a.body().isArray() && noClinicalContent(a) ? null : "not a list of counts"),
                new Endpoint("POST", "/api/audit/alerts/EMERGENCY_ACCESS:x/review", Map.of(), List.of("IG officer")),
                new Endpoint("POST", "/api/audit/alerts/EMERGENCY_ACCESS:x/close", Map.of(), List.of("IG officer")),
                new Endpoint("GET", "/api/audit/patients/" + w.patient() + "/accesses", null, List.of("IG officer"),
                        (who, a) -> {
                            if (!ok(a) || !noClinicalContent(a)) {
                                return "not a page of ids";
                            }
                            for (com.fasterxml.jackson.databind.JsonNode item : a.body().get("items")) {
                                if (!item.get("patient").asText().equals(w.patient().value())) {
                                    return "another patient's access";
                                }
                            }
                            return null;
                        }),
                new Endpoint("GET", "/fhir/me/$everything", null, patients, (who, a) -> ok(a)
                        && onlyMentions(a, who, w) && a.raw().contains("\"resourceType\":\"Patient\"")
                        && (!who.equals("the patient") || a.raw().contains("Asthma")) ? null : "not their own record"),
                new Endpoint("GET", "/fhir/me/AuditEvent", null, patients, (who, a) -> ok(a)
                        && !a.raw().contains(otherOf(who, w)) && noClinicalContent(a)
                        ? null : "not their own access history"),
                new Endpoint("GET", "/fhir/me/Consent", null, patients, (who, a) -> ok(a)
                        && !a.raw().contains(otherOf(who, w)) && (!who.equals("the patient") || onlyMentions(a, who, w))
                        ? null : "not their own consent"),
                new Endpoint("GET", "/fhir/AuditEvent?patient=" + w.patient(), null, List.of("IG officer"),
                        (who, a) -> ok(a) && noClinicalContent(a) && !a.raw().contains(w.other().value())
                                ? null : "not this patient's access history alone"),
                new Endpoint("GET", "/api/patients/" + w.patient() + "/record/preview?role=DISTRICT_NURSE&organisation=RCX"
                        + "&purpose=CARE_PLANNING", null, List.of("GP at the registered practice", "IG officer"),
                        (who, a) -> ok(a) && (who.equals("IG officer") ? noClinicalContent(a)
                                : a.raw().contains("Asthma") && !a.raw().contains("Safeguarding concern"))
                                ? null : "more than the previewer may see"),
                new Endpoint("GET", "/api/directory/organisations", null,
                        List.of("administrator", "GP at the registered practice", "IG officer"),
                        (who, a) -> ok(a) && a.raw().contains(GP.organisation().value()) && noClinicalContent(a)
                                ? null : "not the directory"),
                new Endpoint("POST", "/api/directory/staff", Map.of(), List.of("administrator")),
                new Endpoint("POST", "/api/policy/versions", "x", List.of("administrator", "IG officer")));
        List<String> wrong = new ArrayList<>();
        long writesBefore = writes();
        for (Endpoint endpoint : endpoints) {
            for (Map.Entry<String, String> user : users(w).entrySet()) {
                Answer answer = switch (endpoint.method()) {
                    case "GET" -> get(user.getValue(), endpoint.path());
                    default -> endpoint.body() instanceof String
                            ? send(request(user.getValue(), endpoint.path()).header("Content-Type", "text/plain")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("")))
                            : post(user.getValue(), endpoint.path(), endpoint.body());
                };
                boolean allowed = endpoint.allowed().contains(user.getKey());
                boolean forbidden = answer.status() == 403 && "urn:careledger:problem:forbidden".equals(answer.type());
                String what = endpoint.method() + " " + endpoint.path() + " as " + user.getKey() + ": ";
                if (allowed == forbidden || answer.status() >= 500) {
                    wrong.add(what + answer.status() + " " + answer.raw());
                } else if (allowed && endpoint.disclosed() != null) {
                    String disclosure = endpoint.disclosed().apply(user.getKey(), answer);
                    if (disclosure != null) {
                        wrong.add(what + disclosure + " in " + answer.status() + " " + answer.raw());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(writes()).as("the matrix sends only empty or refused bodies: nothing written").isEqualTo(writesBefore);
    }

    @Test
    void a_write_to_a_patient_the_writer_has_no_care_relationship_with_is_refused_like_an_unknown_patient() {
        World w = world();
        NhsNumber unknown = freshNhsNumber();
        Map<String, Object> entry = Map.of("section", "CONSULTATIONS",
                "content", Map.of("text", "seen", "effectiveDate", "2024-01-01"));
        Map<String, Object> consent = Map.of("organisation", "LA601", "direction", "SHARE_IN", "decision", "GRANTED",
                "method", "VERBAL");
        Map<String, Object> grant = Map.of("grantee", Map.of("kind", "ORGANISATION", "id", "LA601"),
                "reason", "REFERRAL", "sections", List.of("DEMOGRAPHICS", "PROBLEMS"),
                "validUntil", java.time.Instant.now().plusSeconds(86_400).toString());
        Map<String, Map<String, Object>> writes = new LinkedHashMap<>();
        writes.put("/entries", entry);
        writes.put("/consent/decisions", consent);
        writes.put("/grants", grant);
        List<String> unrelated = List.of("social-worker", "pharmacist", "mental-health-practitioner", "specialist");
        long writesBefore = writes();
        long refusedBefore = writeRefusals();
        for (String user : unrelated) {
            for (Map.Entry<String, Map<String, Object>> write : writes.entrySet()) {
                Answer known = post(user, "/api/patients/" + w.patient() + write.getKey(), write.getValue());
                assertProblem(known, 404, "record-not-available");
                Answer none = post(user, "/api/patients/" + unknown + write.getKey(), write.getValue());
                assertThat(none.status()).as(user + " " + write.getKey()).isEqualTo(404);
                assertThat(none.body().get("type")).isEqualTo(known.body().get("type"));
                assertThat(none.body().get("title")).isEqualTo(known.body().get("title"));
                assertThat(none.body().get("detail")).isEqualTo(known.body().get("detail"));
            }
        }
        assertThat(writes()).as("nothing written for a writer without a care relationship").isEqualTo(writesBefore);
        assertThat(writeRefusals()).as("every refused write audited, known and unknown patient alike")
                .isEqualTo(refusedBefore + 2L * unrelated.size() * writes.size());
    }

    static boolean ok(Answer answer) {
        return answer.status() == 200 && answer.body() != null;
    }

    /** The NHS number a patient user of the matrix signs in with. */
    static String nhsOf(String who, World w) {
        return who.equals("the patient") ? w.patient().value() : w.other().value();
    }

    static String otherOf(String who, World w) {
        return who.equals("the patient") ? w.other().value() : w.patient().value();
    }

    /** A patient's answer names their own NHS number and never the other patient's. */
    static boolean onlyMentions(Answer answer, String who, World w) {
        return answer.raw().contains(nhsOf(who, w)) && !answer.raw().contains(otherOf(who, w));
    }

    /** The consent the world recorded for its patient (and only for them): share-out GRANTED at the GP's practice. */
    static boolean sharesOutFromThePractice(Answer consent) {
        for (com.fasterxml.jackson.databind.JsonNode d : consent.body().get("decisions")) {
            if (d.get("organisation").asText().equals(GP.organisation().value())
                    && d.get("direction").asText().equals("SHARE_OUT") && d.get("decision").asText().equals("GRANTED")) {
                return true;
            }
        }
        return false;
    }

    /** None of the world's clinical text or codes. */
    static boolean noClinicalContent(Answer answer) {
        return List.of("Asthma", "195967001", "Paracetamol", "Lives alone", "Safeguarding concern").stream()
                .noneMatch(answer.raw()::contains);
    }

    long writeRefusals() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = ?", Long.class,
                RecordWriteRefused.class.getName());
    }
}
