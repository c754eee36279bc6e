package org.careledger.api.http;

import ca.uhn.fhir.context.FhirContext;
import org.careledger.shared.NhsNumber;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FHIR import's round trip through the real server: an administrator posts a Bundle covering every mapped type,
 * a GP at the practice exports the record as FHIR ($everything, the normal audited read path), and the clinical
 * content (codes with their systems, values, dates, text) and every source id come back; a clinician may not
 * import, and an unreadable body is 400 problem+json.
 */
class ImportEndpointTest extends ApiTest {

    private static final FhirContext R4 = FhirContext.forR4Cached();
    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String CVX = "http://hl7.org/fhir/sid/cvx";

    /** What each source resource says, as the test expects to see it again: one coding, a date, maybe a value. */
    record Expected(String type, String system, String code, String date, BigDecimal value) {
    }

    private final Map<String, Expected> expected = new HashMap<>();

    @Test
    void an_imported_record_exports_its_clinical_content_codes_with_systems_and_source_ids() {
        NhsNumber nhs = freshNhsNumber();
        String id = "rt-" + UUID.randomUUID();
        String source = "urn:careledger:source:roundtrip-" + UUID.randomUUID();
        Bundle input = bundle(id, nhs.value());

        Answer imported = importBody("administrator", "practice=" + GP.organisation() + "&source=" + source,
                "application/fhir+json", R4.newJsonParser().encodeResourceToString(input));
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().path("patients").path("imported").asInt()).isEqualTo(1);
        assertThat(imported.body().path("unmapped").path("Claim").asInt()).isEqualTo(1);
        assertThat(imported.body().path("rejections").size()).isZero();

        Answer export = get(GP_USER, "/fhir/Patient/" + nhs + "/$everything?purpose=DIRECT_CARE");
        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        Bundle output = R4.newJsonParser().parseResource(Bundle.class, export.raw());
        Map<String, DomainResource> bySource = new HashMap<>();
        for (Bundle.BundleEntryComponent e : output.getEntry()) {
            Resource r = e.getResource();
            if (r.getMeta().hasSource()) {
                assertThat(r.getMeta().getSource()).startsWith(source + "#");
                bySource.put(r.getMeta().getSource().substring(source.length() + 1), (DomainResource) r);
            }
        }
        assertThat(bySource.keySet()).isEqualTo(expected.keySet());
        Patient patient = (Patient) output.getEntryFirstRep().getResource();
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Roundtrip");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1970-02-03");

        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            DomainResource r = bySource.get(e.getKey());
            Expected x = e.getValue();
            assertThat(r.fhirType()).as(e.getKey()).isEqualTo(x.type());
            Set<String> codings = new HashSet<>();
            for (CodeableConcept c : concepts(r)) {
                c.getCoding().forEach(coding -> codings.add(coding.getSystem() + "|" + coding.getCode()));
            }
            assertThat(codings).as(e.getKey() + " codings").contains(x.system() + "|" + x.code());
            assertThat(R4.newJsonParser().encodeResourceToString(r)).as(e.getKey() + " date").contains(x.date());
            if (x.value() != null) {
                assertThat(((Observation) r).getValueQuantity().getValue()).as(e.getKey())
                        .isEqualByComparingTo(x.value());
            }
        }
        DocumentReference note = (DocumentReference) bySource.get("DocumentReference/" + id + "-doc");
        assertThat(new String(note.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .contains("plan unchanged");
        Observation lab = (Observation) bySource.get("Observation/" + id + "-glucose");
        assertThat(lab.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("laboratory");

        // a second import of the same body adds nothing
        Answer again = importBody("administrator", "practice=" + GP.organisation() + "&source=" + source,
                "application/fhir+json", R4.newJsonParser().encodeResourceToString(input));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("patients").path("alreadyPresent").asInt()).isEqualTo(1);
        assertThat(again.body().path("events").asInt()).isZero();
    }

    @Test
    void only_administrators_import_and_an_unreadable_body_is_a_problem() {
        Answer clinician = importBody(GP_USER, "practice=" + GP.organisation(), "application/fhir+json", "{}");
        assertThat(clinician.status()).isEqualTo(403);
        Answer broken = importBody("administrator", "practice=" + GP.organisation(), "application/fhir+json",
                "{\"resourceType\":\"Bundle\",\"entry\":[{");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.header("Content-Type")).startsWith("application/problem+json");
        assertThat(broken.body().path("detail").asText()).startsWith("invalid JSON at line");
        Answer notAPractice = importBody("administrator", "practice=ZZZ99", "application/fhir+json", "{}");
        assertThat(notAPractice.status()).isEqualTo(422);
        assertThat(notAPractice.header("Content-Type")).startsWith("application/problem+json");
    }

    private Answer importBody(String user, String query, String type, String body) {
        return send(request(user, "/api/admin/imports?" + query).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static List<CodeableConcept> concepts(DomainResource r) {
        if (r instanceof Condition c) {
            return List.of(c.getCode());
        } else if (r instanceof MedicationStatement m) {
            return List.of(m.getMedicationCodeableConcept());
        } else if (r instanceof AllergyIntolerance a) {
            return List.of(a.getCode());
        } else if (r instanceof Observation o) {
            return List.of(o.getCode());
        } else if (r instanceof Immunization i) {
            return List.of(i.getVaccineCode());
        } else if (r instanceof CarePlan p) {
            return p.getCategory();
        } else if (r instanceof DocumentReference d) {
            return List.of(d.getType());
        }
        return List.of();
    }

    private Bundle bundle(String id, String nhs) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(nhs);
        p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Roundtrip").addGiven("Rita");
        p.setBirthDateElement(new DateType("1970-02-03"));
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.addAddress().addLine("2 Synthetic Row").setCity("Testbury").setPostalCode("ZZ99 3AC");
        add(b, p);
        Reference subject = new Reference("urn:uuid:" + id);

        Encounter e = new Encounter();
        e.setId(id + "-enc");
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.addType(concept(SNOMED, "185349003", "Encounter for check up"));
        e.setSubject(subject);
        e.setPeriod(new Period().setStartElement(new DateTimeType("2024-05-02T09:00:00+01:00")));
        add(b, e, "DocumentReference", SNOMED, "185349003", "2024-05-02", null);

        Condition c = new Condition();
        c.setId(id + "-cond");
        c.setCode(concept(SNOMED, "44054006", "Diabetes mellitus type 2"));
        c.setSubject(subject);
        c.setEncounter(new Reference("urn:uuid:" + id + "-enc"));
        c.setOnset(new DateTimeType("2019-03-01T10:00:00+00:00"));
        add(b, c, "Condition", SNOMED, "44054006", "2019-03-01", null);

        MedicationStatement m = new MedicationStatement();
        m.setId(id + "-med");
        m.setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE);
        m.setMedication(concept(RXNORM, "860975", "Metformin 500 MG Extended Release Oral Tablet"));
        m.setSubject(subject);
        m.setEffective(new DateTimeType("2019-03-02"));
        add(b, m, "MedicationStatement", RXNORM, "860975", "2019-03-02", null);

        AllergyIntolerance a = new AllergyIntolerance();
        a.setId(id + "-allergy");
        a.setCode(concept(SNOMED, "91936005", "Allergy to penicillin"));
        a.setPatient(subject);
        a.setRecordedDateElement(new DateTimeType("2015-06-01T10:00:00+00:00"));
        add(b, a, "AllergyIntolerance", SNOMED, "91936005", "2015-06-01", null);

        add(b, observation(id + "-weight", subject, "vital-signs", "29463-7", new BigDecimal("72.4"), "kg"),
                "Observation", LOINC, "29463-7", "2024-05-02", new BigDecimal("72.4"));
        add(b, observation(id + "-glucose", subject, "laboratory", "2339-0", new BigDecimal("5.6"), "mmol/L"),
                "Observation", LOINC, "2339-0", "2024-05-02", new BigDecimal("5.6"));
        Observation smoking = observation(id + "-smoking", subject, "social-history", "72166-2", null, null);
        smoking.setValue(concept(SNOMED, "266919005", "Never smoked tobacco"));
        add(b, smoking, "Observation", LOINC, "72166-2", "2024-05-02", null);

        DiagnosticReport r = new DiagnosticReport();
        r.setId(id + "-report");
        r.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        r.setCode(concept(LOINC, "51990-0", "Basic metabolic panel"));
        r.setSubject(subject);
        r.setEffective(new DateTimeType("2024-05-03"));
        r.setConclusion("Within range.");
        add(b, r, "Observation", LOINC, "51990-0", "2024-05-03", null);

        Immunization i = new Immunization();
        i.setId(id + "-imm");
        i.setStatus(Immunization.ImmunizationStatus.COMPLETED);
        i.setVaccineCode(concept(CVX, "140", "Influenza, seasonal, injectable"));
        i.setPatient(subject);
        i.setOccurrence(new DateTimeType("2023-10-12"));
        add(b, i, "Immunization", CVX, "140", "2023-10-12", null);

        Procedure pr = new Procedure();
        pr.setId(id + "-proc");
        pr.setStatus(Procedure.ProcedureStatus.COMPLETED);
        pr.setCode(concept(SNOMED, "430193006", "Medication reconciliation"));
        pr.setSubject(subject);
        pr.setPerformed(new DateTimeType("2024-05-04"));
        add(b, pr, "DocumentReference", SNOMED, "430193006", "2024-05-04", null);

        DocumentReference d = new DocumentReference();
        d.setId(id + "-doc");
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setType(concept(LOINC, "34117-2", "History and physical note"));
        d.setSubject(subject);
        d.setDateElement(new org.hl7.fhir.r4.model.InstantType("2024-05-05T09:20:00+01:00"));
        d.addContent().setAttachment(new Attachment().setContentType("text/plain")
                .setData("Reviewed; plan unchanged.".getBytes(StandardCharsets.UTF_8)));
        add(b, d, "DocumentReference", LOINC, "34117-2", "2024-05-05", null);

        CarePlan plan = new CarePlan();
        plan.setId(id + "-plan");
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
        plan.setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addCategory(concept(SNOMED, "698360004", "Diabetes self management plan"));
        plan.setSubject(subject);
        plan.setPeriod(new Period().setStartElement(new DateTimeType("2019-03-06")));
        add(b, plan, "CarePlan", SNOMED, "698360004", "2019-03-06", null);

        org.hl7.fhir.r4.model.Claim claim = new org.hl7.fhir.r4.model.Claim();
        claim.setId(id + "-claim");
        claim.setPatient(subject);
        add(b, claim);
        expected.remove("Claim/" + id + "-claim");
        return b;
    }

    private static Observation observation(String id, Reference subject, String category, String loinc,
                                           BigDecimal value, String unit) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(concept("http://terminology.hl7.org/CodeSystem/observation-category", category, null));
        o.setCode(concept(LOINC, loinc, "Observation " + loinc));
        o.setSubject(subject);
        o.setEffective(new DateTimeType("2024-05-02T09:10:00+01:00"));
        if (value != null) {
            o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        }
        return o;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display)).setText(display);
    }

    private static void add(Bundle b, Resource r) {
        b.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
    }

    private void add(Bundle b, Resource r, String exportedAs, String system, String code, String date, BigDecimal value) {
        add(b, r);
        expected.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), new Expected(exportedAs, system, code, date, value));
    }
}
