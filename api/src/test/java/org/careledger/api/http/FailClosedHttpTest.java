package org.careledger.api.http;

import org.careledger.shared.NhsNumber;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No data leaves unaudited, seen from outside: the ledger is made to refuse, for real (a trigger in PostgreSQL), to
 * store one kind of audit event for one patient; every read that needs it answers 500 problem+json carrying nothing
 * of the patient (no name, entry, consent decision or reader), and stores no audit event of that kind. With the
 * store back, the same requests answer with the data, so the data was there to leak.
 */
class FailClosedHttpTest extends ApiTest {

    @Test
    void reads_and_exports_of_a_record_whose_audit_event_cannot_be_stored_answer_nothing() {
        NhsNumber patient = register("Closedbook", "1961-06-07");
        String entry = entry(patient, "PROBLEMS", Map.of("code", Map.of("system", "SNOMED_CT", "code", "195967001"),
                "displayTerm", "Asthma", "effectiveDate", "2024-01-01"));
        String p = patient.value();
        List<String[]> reads = List.of(
                new String[]{GP_USER, "/api/patients/" + p + "/record?purpose=DIRECT_CARE"},
                new String[]{GP_USER, "/api/patients/" + p + "/entries/" + entry + "/history?purpose=DIRECT_CARE"},
                new String[]{GP_USER, "/fhir/Patient/" + p + "/$everything?purpose=DIRECT_CARE"},
                new String[]{p, "/api/me/record"},
                new String[]{p, "/fhir/me/$everything"});
        long stored = eventsFor("RecordAccessed", p);
        try (AutoCloseable down = refuseToStore("RecordAccessed", p)) {
            for (String[] read : reads) {
                Answer answer = get(read[0], read[1]);
                assertProblem(answer, 500, "internal-error");
                assertThat(answer.raw()).as(read[1]).doesNotContain("Closedbook").doesNotContain("Asthma")
                        .doesNotContain("195967001");
                java.util.Set<String> fields = new java.util.HashSet<>();
                answer.body().fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("a bare problem, nothing else").containsExactlyInAnyOrder("type", "title",
                        "status", "detail", "instance");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(eventsFor("RecordAccessed", p)).isEqualTo(stored);
        for (String[] read : reads) {
            Answer answer = get(read[0], read[1]);
            assertThat(answer.status()).as(read[1] + " " + answer.raw()).isEqualTo(200);
            assertThat(answer.raw()).contains(read[1].contains("history") ? "195967001" : "Closedbook");
        }
        assertThat(eventsFor("RecordAccessed", p)).isEqualTo(stored + reads.size());
    }

    @Test
    void a_refusal_that_cannot_be_audited_is_not_answered_as_a_refusal() {
        NhsNumber patient = register("Refusedrow", "1962-06-07");
        long stored = eventsFor("RecordAccessRefused", patient.value());
        try (AutoCloseable down = refuseToStore("RecordAccessRefused", patient.value())) {
            assertProblem(get("pharmacist", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE"), 500,
                    "internal-error");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(eventsFor("RecordAccessRefused", patient.value())).isEqualTo(stored);
        assertProblem(get("pharmacist", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE"), 404,
                "record-not-available");
        assertThat(eventsFor("RecordAccessRefused", patient.value())).isEqualTo(stored + 1);
    }

    @Test
    void consent_reads_whose_audit_event_cannot_be_stored_answer_nothing() {
        NhsNumber patient = register("Consentless", "1963-06-07");
        consent(patient, "RCX", "SHARE_IN");
        String p = patient.value();
        long stored = eventsFor("ConsentViewed", p);
        try (AutoCloseable down = refuseToStore("ConsentViewed", p)) {
            for (String path : List.of("/api/me/consent", "/fhir/me/Consent")) {
                Answer answer = get(p, path);
                assertProblem(answer, 500, "internal-error");
                assertThat(answer.raw()).as(path).doesNotContain("RCX").doesNotContain("SHARE_IN")
                        .doesNotContain("GRANTED");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(eventsFor("ConsentViewed", p)).isEqualTo(stored);
        for (String path : List.of("/api/me/consent", "/fhir/me/Consent")) {
            Answer answer = get(p, path);
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            assertThat(answer.raw()).contains("RCX");
        }
    }

    @Test
    void the_patients_access_history_whose_question_cannot_be_stored_answers_nothing() {
        NhsNumber patient = register("Historyless", "1964-06-07");
        String p = patient.value();
        assertThat(get(GP_USER, "/api/patients/" + p + "/record?purpose=DIRECT_CARE").status()).isEqualTo(200);
        eventually(() -> jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE patient = ? AND kind = 'ACCESSED'",
                Long.class, p) > 0, "the read in the trail");
        long stored = eventsFor("AuditTrailQueried", p);
        try (AutoCloseable down = refuseToStore("AuditTrailQueried", p)) {
            for (String path : List.of("/api/me/access-history", "/fhir/me/AuditEvent")) {
                Answer answer = get(p, path);
                assertProblem(answer, 500, "internal-error");
                assertThat(answer.raw()).as(path).doesNotContain(GP.user().toString()).doesNotContain("REGISTERED");
            }
            // IG's questions about the same patient, on screen and as the FHIR export
            for (String path : List.of("/api/audit/patients/" + p + "/accesses", "/fhir/AuditEvent?patient=" + p)) {
                Answer answer = get("ig-officer", path);
                assertProblem(answer, 500, "internal-error");
                assertThat(answer.raw()).as(path).doesNotContain(GP.user().toString()).doesNotContain("REGISTERED");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(eventsFor("AuditTrailQueried", p)).isEqualTo(stored);
        Answer history = get(p, "/api/me/access-history");
        assertThat(history.status()).as(history.raw()).isEqualTo(200);
        assertThat(history.raw()).contains(GP.organisation().value());
    }

    /** Events of this audit type whose payload names the patient. */
    private long eventsFor(String type, String patient) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = ?
                   AND convert_from(payload, 'UTF8') LIKE ?""", Long.class, "org.careledger.audit." + type,
                "%" + patient + "%");
    }

    /** A trigger that refuses to store audit events of this type naming the patient, until closed. */
    private AutoCloseable refuseToStore(String type, String patient) {
        String name = "fail_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload_type = 'org.careledger.audit.%2$s'
                       AND convert_from(NEW.payload, 'UTF8') LIKE '%%%3$s%%' THEN
                        RAISE EXCEPTION 'audit store unavailable (test)';
                    END IF;
                    RETURN NEW;
                END; $$""".formatted(name, type, patient));
        Owner.of(jdbc).execute("CREATE TRIGGER %1$s BEFORE INSERT ON domain_event_entry FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name));
        return () -> {
            Owner.of(jdbc).execute("DROP TRIGGER %1$s ON domain_event_entry".formatted(name));
            jdbc.execute("DROP FUNCTION %1$s()".formatted(name));
        };
    }
}
