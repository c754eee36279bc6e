package org.careledger.api.http;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import org.careledger.shared.NhsNumber;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FHIR R4 endpoints on the real server with real tokens: every resource they produce parses back with HAPI's
 * parser; a refused or unknown patient gets the REST endpoint's 404; the export is audited (RecordAccessed on
 * channel FHIR_EXPORT, view EXPORT, disclosing exactly the Bundle's entries); patients reach only their own; IG's
 * export holds no clinical content.
 */
class FhirEndpointsTest extends ApiTest {

    private static final FhirContext R4 = FhirContext.forR4();
    private static final String ENTRY_ID = "https://fhir.careledger.example/Id/entry";

    @Test
    void a_clinician_exports_the_record_as_a_bundle_audited_as_an_export_of_exactly_its_entries() {
        World w = world();
        Answer answer = get(GP_USER, "/fhir/Patient/" + w.patient() + "/$everything?purpose=DIRECT_CARE");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/fhir+json");
        Bundle bundle = parseBundle(answer.raw());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        List<String> types = bundle.getEntry().stream().map(e -> e.getResource().fhirType()).toList();
        assertThat(types).contains("Patient", "Condition", "MedicationStatement", "Provenance", "Practitioner");
        // one Provenance per author and organisation, together naming every entry once
        List<Provenance> provenances = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Provenance.class::isInstance).map(Provenance.class::cast).toList();
        List<String> targets = provenances.stream().flatMap(p -> p.getTarget().stream())
                .map(t -> t.getIdentifier().getValue()).toList();
        assertThat(targets).doesNotHaveDuplicates().hasSize(entriesOf(bundle).size());
        assertThat(provenances.stream().map(p -> p.getAgentFirstRep().getWho().getReference() + " "
                + p.getAgentFirstRep().getOnBehalfOf().getReference())).doesNotHaveDuplicates();
        assertThat(provenances.size()).isLessThan(targets.size());

        // the audit event the Bundle names: RecordAccessed, FHIR_EXPORT, EXPORT, disclosing the Bundle's entries
        String auditEvent = bundle.getIdentifier().getValue();
        JsonNode stored = storedEvent(auditEvent);
        assertThat(stored.get("type").asText()).isEqualTo("org.careledger.audit.RecordAccessed");
        JsonNode payload = stored.get("payload");
        assertThat(payload.get("channel").asText()).isEqualTo("FHIR_EXPORT");
        assertThat(payload.get("view").asText()).isEqualTo("EXPORT");
        assertThat(payload.get("purpose").asText()).isEqualTo("DIRECT_CARE");
        Set<String> disclosed = new HashSet<>();
        for (JsonNode d : payload.get("disclosed")) {
            disclosed.add(text(d.get("entry")) + "/" + d.get("version").asInt());
        }
        assertThat(disclosed).isEqualTo(entriesOf(bundle))
                .contains(w.problem() + "/1", w.medication() + "/1", w.socialCare() + "/1");
    }

    @Test
    void a_refused_or_unknown_patient_gets_the_same_404_as_the_rest_endpoint_and_the_refusal_is_audited() {
        World w = world();
        long refusals = refusalsOf(w.patient());
        Answer refused = get("pharmacist", "/fhir/Patient/" + w.patient() + "/$everything?purpose=DIRECT_CARE");
        Answer unknown = get(GP_USER, "/fhir/Patient/" + freshNhsNumber() + "/$everything?purpose=DIRECT_CARE");
        Answer rest = get("pharmacist", "/api/patients/" + w.patient() + "/record?purpose=DIRECT_CARE");
        for (Answer a : List.of(refused, unknown, rest)) {
            assertProblem(a, 404, "record-not-available");
            assertThat(a.raw()).doesNotContain("Testington").doesNotContain("Exception");
        }
        assertThat(withoutInstance(refused)).isEqualTo(withoutInstance(unknown)).isEqualTo(withoutInstance(rest));
        assertThat(refusalsOf(w.patient())).isEqualTo(refusals + 2);
        Long exportRefusals = jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.RecordAccessRefused'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'patient' = ?
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'channel' = 'FHIR_EXPORT'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'view' = 'EXPORT'""", Long.class, w.patient().value());
        assertThat(exportRefusals).isPositive();
        // IG never receives the record, FHIR or not
        assertProblem(get("ig-officer", "/fhir/Patient/" + w.patient() + "/$everything?purpose=DIRECT_CARE"), 404,
                "record-not-available");
        assertProblem(get(null, "/fhir/Patient/" + w.patient() + "/$everything?purpose=DIRECT_CARE"), 401,
                "unauthenticated");
    }

    @Test
    void a_patient_exports_their_record_access_history_and_consent_and_nobody_elses() {
        World w = world();
        String patient = w.patient().value();
        Answer record = get(patient, "/fhir/me/$everything");
        assertThat(record.status()).as(record.raw()).isEqualTo(200);
        assertThat(record.header("Content-Type")).startsWith("application/fhir+json");
        Bundle bundle = parseBundle(record.raw());
        JsonNode payload = storedEvent(bundle.getIdentifier().getValue()).get("payload");
        assertThat(payload.get("basis").asText()).isEqualTo("SELF");
        assertThat(payload.get("channel").asText()).isEqualTo("FHIR_EXPORT");
        assertThat(payload.get("view").asText()).isEqualTo("EXPORT");
        assertThat(entriesOf(bundle)).contains(w.problem() + "/1");

        // access history: the nurse's read shows up as an AuditEvent; asking is audited as the REST one is
        String nurseRead = get("district-nurse", "/api/patients/" + patient + "/record?purpose=DIRECT_CARE")
                .body().get("auditEvent").asText();
        eventually(() -> get(patient, "/fhir/me/AuditEvent").raw().contains(nurseRead),
                "the nurse's read among the patient's AuditEvents");
        long queried = auditQueries(patient);
        Answer history = get(patient, "/fhir/me/AuditEvent");
        assertThat(history.status()).as(history.raw()).isEqualTo(200);
        assertThat(history.header("Content-Type")).startsWith("application/fhir+json");
        assertThat(auditQueries(patient)).isEqualTo(queried + 1);
        assertThat(get(patient, "/api/me/access-history").status()).isEqualTo(200);
        assertThat(auditQueries(patient)).isEqualTo(queried + 2);
        Bundle events = parseBundle(history.raw());
        assertThat(events.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(e.getResource()).isInstanceOf(AuditEvent.class));
        AuditEvent nurse = events.getEntry().stream().map(e -> (AuditEvent) e.getResource())
                .filter(e -> e.getIdElement().getIdPart().endsWith(nurseRead)).findFirst().orElseThrow();
        assertThat(nurse.getAgentFirstRep().getName()).isEqualTo(staff("district-nurse").name());
        assertThat(nurse.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(patient);
        assertThat(history.raw()).doesNotContain("Asthma").doesNotContain("Lives alone");

        // consent, as Consent resources: an export, audited before it is returned
        long exportsBefore = consentViewsOf(patient, "EXPORT");
        long viewsBefore = consentViewsOf(patient, "CURRENT");
        Answer consent = get(patient, "/fhir/me/Consent");
        assertThat(consent.status()).as(consent.raw()).isEqualTo(200);
        assertThat(consentViewsOf(patient, "EXPORT")).isEqualTo(exportsBefore + 1);
        assertThat(get(patient, "/api/me/consent").status()).isEqualTo(200);
        assertThat(consentViewsOf(patient, "CURRENT")).isEqualTo(viewsBefore + 1);
        Bundle consents = parseBundle(consent.raw());
        assertThat(consents.getEntry()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getResource()).isInstanceOf(Consent.class));
        assertThat(consent.raw()).contains("RCX").contains(GP.organisation().value());

        // another patient's record, their history as IG sees it: refused, and the record refusal audited
        long refusals = refusalsOf(w.other());
        assertProblem(get(patient, "/fhir/Patient/" + w.other() + "/$everything?purpose=PATIENT_ACCESS"), 404,
                "record-not-available");
        assertThat(refusalsOf(w.other())).isEqualTo(refusals + 1);
        assertProblem(get(patient, "/fhir/AuditEvent?patient=" + w.other()), 403, "forbidden");
        // and staff have no "me"
        assertProblem(get(GP_USER, "/fhir/me/$everything"), 403, "forbidden");
    }

    @Test
    void ig_exports_a_patients_access_history_as_audit_events_without_clinical_content() {
        World w = world();
        String patient = w.patient().value();
        String since = java.time.Instant.now().minusSeconds(60).toString();
        String gpRead = get(GP_USER, "/fhir/Patient/" + patient + "/$everything?purpose=DIRECT_CARE").raw();
        String readEvent = parseBundle(gpRead).getIdentifier().getValue();
        eventually(() -> get("ig-officer", "/fhir/AuditEvent?patient=" + patient + "&from=" + since + "&_count=200").raw()
                .contains(readEvent), "the GP's export in IG's AuditEvent export");
        long queried = auditQueries(patient);
        Answer answer = get("ig-officer", "/fhir/AuditEvent?patient=" + patient + "&from=" + since + "&_count=200");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/fhir+json");
        assertThat(auditQueries(patient)).isEqualTo(queried + 1);
        Bundle events = parseBundle(answer.raw());
        assertThat(events.getEntry()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getResource()).isInstanceOf(AuditEvent.class));
        AuditEvent export = events.getEntry().stream().map(e -> (AuditEvent) e.getResource())
                .filter(e -> e.getIdElement().getIdPart().endsWith(readEvent)).findFirst().orElseThrow();
        assertThat(export.getEntity()).hasSizeGreaterThan(3); // the patient and each disclosed entry version
        assertThat(export.getEntityFirstRep().getDetail()).anySatisfy(d -> {
            assertThat(d.getType()).isEqualTo("view");
            assertThat(d.getValueStringType().getValue()).isEqualTo("EXPORT");
        });
        assertThat(answer.raw()).doesNotContain("Asthma").doesNotContain("Paracetamol").doesNotContain("Lives alone")
                .doesNotContain("Safeguarding concern").doesNotContain("Testington");

        // paging: a next link carrying the cursor
        Answer page = get("ig-officer", "/fhir/AuditEvent?patient=" + patient + "&_count=1");
        Bundle first = parseBundle(page.raw());
        assertThat(first.getEntry()).hasSize(1);
        assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
        assertThat(first.getLink(Bundle.LINK_NEXT).getUrl()).contains("after=").contains("_count=1");

        assertProblem(get(GP_USER, "/fhir/AuditEvent?patient=" + patient), 403, "forbidden");
        assertProblem(get("ig-officer", "/fhir/AuditEvent?patient=123"), 400, "invalid-nhs-number");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Parses with HAPI's R4 JSON parser, then every entry's resource again on its own: each must round-trip. */
    static Bundle parseBundle(String json) {
        IParser parser = R4.newJsonParser();
        Bundle bundle = parser.parseResource(Bundle.class, json);
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            assertThat(r).as("entry %s has a resource", e.getFullUrl()).isNotNull();
            String alone = R4.newJsonParser().encodeResourceToString(r);
            Resource back = (Resource) R4.newJsonParser().parseResource(alone);
            assertThat(back.fhirType()).isEqualTo(r.fhirType());
        }
        return bundle;
    }

    /** entry id/version of every Bundle resource that is a record entry (carries the entry identifier). */
    static Set<String> entriesOf(Bundle bundle) {
        Set<String> entries = new HashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            if (R4.getResourceDefinition(r).getChildByName("identifier") == null) {
                continue;
            }
            List<Identifier> ids = R4.newTerser().getValues(r, "identifier", Identifier.class);
            for (Identifier id : ids) {
                if (ENTRY_ID.equals(id.getSystem())) {
                    entries.add(id.getValue() + "/" + r.getMeta().getVersionId());
                }
            }
        }
        return entries;
    }

    JsonNode storedEvent(String eventId) {
        return jdbc.query("""
                SELECT payload_type, convert_from(payload, 'UTF8') FROM domain_event_entry
                 WHERE event_identifier = ?""", (rs, i) -> {
            try {
                com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
                node.put("type", rs.getString(1));
                node.set("payload", JSON.readTree(rs.getString(2)));
                return (JsonNode) node;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }, eventId).stream().findFirst().orElseThrow(() -> new AssertionError("no stored event " + eventId));
    }

    long auditQueries(String patient) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE payload_type = 'org.careledger.audit.AuditTrailQueried'
                   AND convert_from(payload, 'UTF8')::jsonb ->> 'subject' = ?""", Long.class, patient);
    }

    private static String text(JsonNode id) {
        return id.isTextual() ? id.asText() : id.get("value").asText();
    }

    private static JsonNode withoutInstance(Answer answer) {
        com.fasterxml.jackson.databind.node.ObjectNode body = answer.body().deepCopy();
        body.remove("instance");
        return body;
    }
}
