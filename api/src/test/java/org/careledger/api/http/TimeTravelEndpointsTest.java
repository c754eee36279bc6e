package org.careledger.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.careledger.api.fhir.FhirR4;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IG's time travel over HTTP: "who could have seen this entry / which sections of this record at D, on what basis",
 * as JSON and as FHIR Parameters (parsed back with HAPI). Only IG officers ask; every question is stored as
 * AuditTrailQueried before the answer; when that cannot be stored, nothing is answered.
 */
class TimeTravelEndpointsTest extends ApiTest {

    static final String IG = "ig-officer";
    static final String NURSE = staff("district-nurse").user().toString();
    static final String ADMIN_USER = "practice-admin@" + GP.organisation().value();
    static final String ADMIN = staff(ADMIN_USER).user().toString();
    static final String SOCIAL_WORKER = staff("social-worker").user().toString();

    /** A patient of this class alone (the shared world gains entries from other classes): three entries, consent
     * to share from the practice into the community trust, and a referral grant to the trust. */
    record Travel(org.careledger.shared.NhsNumber patient, String problem, String medication, String safeguarding) {
    }

    private static Travel travel;

    synchronized Travel travel() {
        if (travel == null) {
            org.careledger.shared.NhsNumber patient = register("Timewell", "1958-11-12");
            String problem = entry(patient, "PROBLEMS", Map.of("code", Map.of("system", "SNOMED_CT",
                    "code", "195967001"), "displayTerm", "Asthma", "effectiveDate", "2024-01-01"));
            String medication = entry(patient, "MEDICATIONS", Map.of("code", Map.of("system", "DMD",
                    "code", "322236009"), "displayTerm", "Paracetamol 500mg tablets", "effectiveDate", "2024-01-02"));
            String safeguarding = entry(patient, "SAFEGUARDING", Map.of("text", "Safeguarding concern noted",
                    "effectiveDate", "2024-01-04"));
            consent(patient, GP.organisation().value(), "SHARE_OUT");
            consent(patient, "RCX", "SHARE_IN");
            Answer grant = post(GP_USER, "/api/patients/" + patient + "/grants", Map.of(
                    "grantee", Map.of("kind", "ORGANISATION", "id", "RCX"), "reason", "REFERRAL",
                    "sections", List.of("DEMOGRAPHICS", "PROBLEMS", "MEDICATIONS", "ALLERGIES", "COMMUNITY_NURSING"),
                    "validUntil", Instant.now().plus(java.time.Duration.ofDays(30)).toString()));
            assertThat(grant.status()).as(grant.raw()).isEqualTo(201);
            travel = new Travel(patient, problem, medication, safeguarding);
        }
        return travel;
    }

    @Test
    void ig_asks_who_could_see_each_section_of_a_record_at_an_instant_and_the_question_is_audited() {
        Travel w = travel();
        Instant now = Instant.now();
        long asked = questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD");

        Answer answer = get(IG, "/api/audit/patients/" + w.patient() + "/who-could-see?at=" + now);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        JsonNode body = answer.body();
        assertThat(body.get("registeredPractice").asText()).isEqualTo(GP.organisation().value());
        assertThat(body.get("entries").asInt()).isEqualTo(3);
        JsonNode gp = reader(body, GP.user().toString());
        assertThat(gp.get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(sections(gp)).isEqualTo(Map.of("DEMOGRAPHICS", 0, "PROBLEMS", 1, "MEDICATIONS", 1,
                "SAFEGUARDING", 1));
        JsonNode admin = reader(body, ADMIN);
        assertThat(admin.get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(sections(admin)).isEqualTo(Map.of("DEMOGRAPHICS", 0));
        JsonNode nurse = reader(body, NURSE);
        assertThat(nurse.get("basis").asText()).isEqualTo("GRANT");
        assertThat(nurse.get("grant").asText()).isNotBlank();
        assertThat(sections(nurse)).isEqualTo(Map.of("DEMOGRAPHICS", 0, "PROBLEMS", 1, "MEDICATIONS", 1));
        assertThat(nurse.get("receipt")).hasSize(3); // the grant, share-out at the practice, share-in at RCX
        assertThat(readerOrNull(body, SOCIAL_WORKER)).as("no grant, no basis").isNull();
        JsonNode patient = null;
        for (JsonNode r : body.get("readers")) {
            if (r.get("role").asText().equals("PATIENT")) {
                patient = r;
            }
        }
        assertThat(patient).isNotNull();
        assertThat(patient.get("basis").asText()).isEqualTo("SELF");
        assertThat(answer.raw()).doesNotContain("Timewell").doesNotContain("Asthma");

        // before the patient was registered nobody could see anything
        JsonNode before = get(IG, "/api/audit/patients/" + w.patient() + "/who-could-see?at=2001-01-01T00:00:00Z")
                .body();
        assertThat(before.get("registeredPractice").isNull()).isTrue();
        assertThat(before.get("readers")).isEmpty();

        assertThat(questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD")).isEqualTo(asked + 2);
    }

    @Test
    void ig_asks_who_could_see_one_entry_at_an_instant() {
        Travel w = travel();
        Instant now = Instant.now();
        long asked = questions(w.safeguarding(), "WHO_COULD_HAVE_SEEN_ENTRY");

        JsonNode problem = get(IG, "/api/audit/patients/" + w.patient() + "/entries/" + w.problem()
                + "/who-could-see?at=" + now).body();
        assertThat(problem.get("entryExisted").asBoolean()).isTrue();
        assertThat(problem.get("section").asText()).isEqualTo("PROBLEMS");
        assertThat(reader(problem, GP.user().toString()).get("basis").asText()).isEqualTo("REGISTERED");
        assertThat(reader(problem, NURSE).get("basis").asText()).isEqualTo("GRANT");
        assertThat(readerOrNull(problem, ADMIN)).as("DEMOGRAPHICS only").isNull();

        Answer safeguarding = get(IG, "/api/audit/patients/" + w.patient() + "/entries/" + w.safeguarding()
                + "/who-could-see?at=" + now);
        assertThat(safeguarding.status()).as(safeguarding.raw()).isEqualTo(200);
        assertThat(readerOrNull(safeguarding.body(), GP.user().toString())).isNotNull();
        assertThat(readerOrNull(safeguarding.body(), NURSE)).as("outside the grant and the nurse's view").isNull();
        assertThat(questions(w.safeguarding(), "WHO_COULD_HAVE_SEEN_ENTRY")).isEqualTo(asked + 1);
    }

    @Test
    void the_fhir_export_is_a_parameters_resource_hapi_reads_back() {
        Travel w = travel();
        Instant now = Instant.now();
        Answer answer = get(IG, "/fhir/Patient/" + w.patient() + "/$who-could-see?at=" + now);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/fhir+json");
        Parameters parameters = FhirR4.context().newJsonParser().parseResource(Parameters.class, answer.raw());
        assertThat(((Identifier) parameters.getParameter("patient").getValue()).getValue())
                .isEqualTo(w.patient().value());
        assertThat(((Identifier) parameters.getParameter("registeredPractice").getValue()).getValue())
                .isEqualTo(GP.organisation().value());
        Map<String, ParametersParameterComponent> readers = new HashMap<>();
        for (ParametersParameterComponent p : parameters.getParameter()) {
            if (p.getName().equals("reader")) {
                Reference who = (Reference) part(p, "who").getValue();
                readers.put(who.getIdentifier().getValue(), p);
            }
        }
        ParametersParameterComponent nurse = readers.get(NURSE);
        assertThat(nurse).isNotNull();
        assertThat(((Coding) part(nurse, "basis").getValue()).getCode()).isEqualTo("GRANT");
        assertThat(((Coding) part(nurse, "role").getValue()).getCode()).isEqualTo("DISTRICT_NURSE");
        Map<String, Integer> sections = new LinkedHashMap<>();
        for (ParametersParameterComponent s : nurse.getPart()) {
            if (s.getName().equals("section")) {
                sections.put(((Coding) part(s, "code").getValue()).getCode(),
                        ((IntegerType) part(s, "entries").getValue()).getValue());
            }
        }
        assertThat(sections).isEqualTo(Map.of("DEMOGRAPHICS", 0, "PROBLEMS", 1, "MEDICATIONS", 1));
        ParametersParameterComponent self = readers.get(w.patient().value());
        assertThat(((Coding) part(self, "basis").getValue()).getCode()).isEqualTo("SELF");

        Answer entry = get(IG, "/fhir/Patient/" + w.patient() + "/$who-could-see?at=" + now + "&entry=" + w.problem());
        assertThat(entry.status()).as(entry.raw()).isEqualTo(200);
        Parameters one = FhirR4.context().newJsonParser().parseResource(Parameters.class, entry.raw());
        assertThat(((Identifier) one.getParameter("entry").getValue()).getValue()).isEqualTo(w.problem());
        assertThat(one.getParameter("entryExisted").getValue().primitiveValue()).isEqualTo("true");
        assertThat(one.getParameter()).filteredOn(p -> p.getName().equals("reader"))
                .extracting(p -> ((Reference) part(p, "who").getValue()).getIdentifier().getValue())
                .contains(GP.user().toString(), NURSE).doesNotContain(ADMIN);
    }

    @Test
    void only_ig_officers_ask_and_nothing_is_audited_for_a_refused_caller() {
        Travel w = travel();
        long asked = questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD");
        for (String user : List.of(GP_USER, "district-nurse", ADMIN_USER, "administrator", w.patient().value())) {
            assertProblem(get(user, "/api/audit/patients/" + w.patient() + "/who-could-see?at=" + Instant.now()), 403,
                    "forbidden");
            assertProblem(get(user, "/api/audit/patients/" + w.patient() + "/entries/" + w.problem()
                    + "/who-could-see?at=" + Instant.now()), 403, "forbidden");
            assertProblem(get(user, "/fhir/Patient/" + w.patient() + "/$who-could-see?at=" + Instant.now()), 403,
                    "forbidden");
        }
        assertProblem(get(IG, "/api/audit/patients/" + w.patient() + "/who-could-see"), 400, "missing-parameter");
        assertThat(questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD")).isEqualTo(asked);
    }

    @Test
    void when_the_question_cannot_be_audited_the_answer_carries_no_patient_data() {
        Travel w = travel();
        long asked = questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD");
        String name = "fail_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload_type = 'org.careledger.audit.AuditTrailQueried'
                       AND convert_from(NEW.payload, 'UTF8') LIKE '%%%2$s%%' THEN
                        RAISE EXCEPTION 'audit store unavailable (test)';
                    END IF;
                    RETURN NEW;
                END; $$""".formatted(name, w.patient().value()));
        Owner.of(jdbc).execute("CREATE TRIGGER %1$s BEFORE INSERT ON domain_event_entry FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name));
        try {
            for (String path : List.of("/api/audit/patients/" + w.patient() + "/who-could-see?at=" + Instant.now(),
                    "/fhir/Patient/" + w.patient() + "/$who-could-see?at=" + Instant.now())) {
                Answer answer = get(IG, path);
                assertProblem(answer, 500, "internal-error");
                assertThat(answer.raw()).doesNotContain(GP.user().toString()).doesNotContain(NURSE)
                        .doesNotContain("REGISTERED").doesNotContain("readers").doesNotContain("Timewell");
            }
        } finally {
            Owner.of(jdbc).execute("DROP TRIGGER %1$s ON domain_event_entry".formatted(name));
            jdbc.execute("DROP FUNCTION %1$s()".formatted(name));
        }
        assertThat(questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD")).isEqualTo(asked);
        // the store back: the same question is audited and answered
        assertThat(get(IG, "/api/audit/patients/" + w.patient() + "/who-could-see?at=" + Instant.now()).status())
                .isEqualTo(200);
        assertThat(questions(w.patient().value(), "WHO_COULD_HAVE_SEEN_RECORD")).isEqualTo(asked + 1);
    }

    private long questions(String subject, String question) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.AuditTrailQueried'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'subject' = ?
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'question' = ?""", Long.class, subject, question);
    }

    private static JsonNode reader(JsonNode answer, String user) {
        JsonNode reader = readerOrNull(answer, user);
        assertThat(reader).as("reader " + user + " in " + answer).isNotNull();
        return reader;
    }

    private static JsonNode readerOrNull(JsonNode answer, String user) {
        for (JsonNode r : answer.get("readers")) {
            if (user.equals(r.path("user").asText(null))) {
                return r;
            }
        }
        return null;
    }

    private static Map<String, Integer> sections(JsonNode reader) {
        Map<String, Integer> sections = new LinkedHashMap<>();
        reader.get("sections").fields().forEachRemaining(e -> sections.put(e.getKey(), e.getValue().asInt()));
        return sections;
    }

    private static ParametersParameterComponent part(ParametersParameterComponent parent, String name) {
        return parent.getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
    }
}
