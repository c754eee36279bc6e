package org.careledger.migration;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;

/** FHIR R4 test data made with HAPI: Synthea-shaped transaction bundles, one file per patient. */
final class FhirFixtures {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String SNOMED = "http://snomed.info/sct";
    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String CVX = "http://hl7.org/fhir/sid/cvx";
    static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    static final String SYNTHEA = "https://github.com/synthetichealth/synthea";
    static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private FhirFixtures() {
    }

    /** The shared practitioner/organisation file patient bundles refer to conditionally. */
    static Bundle shared(String practiceOds) {
        Bundle b = new Bundle().setType(Bundle.BundleType.BATCH);
        Organization o = new Organization();
        o.setId("org-practice");
        o.addIdentifier().setSystem(SYNTHEA).setValue("org-practice");
        o.addIdentifier().setSystem(ReferenceData.ODS_SYSTEM).setValue(practiceOds);
        o.setName("Synthetic Practice");
        put(b, o, "Organization?identifier=" + SYNTHEA + "|org-practice");
        Practitioner p = new Practitioner();
        p.setId("pr-1");
        p.addIdentifier().setSystem(NPI).setValue("9999912345");
        put(b, p, "Practitioner?identifier=" + NPI + "|9999912345");
        return b;
    }

    /** A patient with one resource of every mapped type (and a Claim, not mapped). */
    static Bundle everyType(String id, String nhsNumber, String given) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = patient(id, nhsNumber, given);
        add(b, patient);
        Reference subject = new Reference("urn:uuid:" + id);
        Reference gp = new Reference("Practitioner?identifier=" + NPI + "|9999912345");
        Reference org = new Reference("Organization?identifier=" + SYNTHEA + "|org-practice");

        Encounter e = new Encounter();
        e.setId(id + "-enc");
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
        e.addType(concept(SNOMED, "185349003", "Encounter for check up (procedure)"));
        e.setSubject(subject);
        e.addParticipant().setIndividual(gp);
        e.setServiceProvider(org);
        e.setPeriod(new Period().setStartElement(new DateTimeType("2024-05-02T09:00:00+01:00"))
                .setEndElement(new DateTimeType("2024-05-02T09:15:00+01:00")));
        add(b, e);
        Reference encounter = new Reference("urn:uuid:" + id + "-enc");

        Condition c = new Condition();
        c.setId(id + "-cond");
        c.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null));
        c.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null));
        c.setCode(concept(SNOMED, "44054006", "Diabetes mellitus type 2 (disorder)"));
        c.setSubject(subject);
        c.setEncounter(encounter);
        c.setOnset(new DateTimeType("2019-03-01T10:00:00+00:00"));
        add(b, c);

        MedicationRequest m = new MedicationRequest();
        m.setId(id + "-med");
        m.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        m.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        m.setMedication(concept(RXNORM, "860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"));
        m.setSubject(subject);
        m.setEncounter(encounter);
        m.setAuthoredOnElement(new DateTimeType("2019-03-01T10:00:00+00:00"));
        m.setRequester(gp);
        add(b, m);

        AllergyIntolerance a = new AllergyIntolerance();
        a.setId(id + "-allergy");
        a.setCode(concept(SNOMED, "91936005", "Allergy to penicillin"));
        a.setPatient(subject);
        a.setRecordedDateElement(new DateTimeType("2015-06-01T10:00:00+00:00"));
        add(b, a);

        add(b, observation(id + "-weight", subject, "vital-signs", "29463-7", "Body Weight", new BigDecimal("72.4"), "kg"));
        add(b, observation(id + "-glucose", subject, "laboratory", "2339-0", "Glucose", new BigDecimal("5.60"), "mmol/L"));
        Observation smoking = observation(id + "-smoking", subject, "social-history", "72166-2",
                "Tobacco smoking status", null, null);
        smoking.setValue(concept(SNOMED, "266919005", "Never smoked tobacco (finding)"));
        add(b, smoking);
        Observation bp = observation(id + "-bp", subject, "vital-signs", "85354-9", "Blood pressure panel", null, null);
        bp.addComponent().setCode(concept(LOINC, "8480-6", "Systolic Blood Pressure"))
                .setValue(new Quantity().setValue(new BigDecimal("128")).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
        bp.addComponent().setCode(concept(LOINC, "8462-4", "Diastolic Blood Pressure"))
                .setValue(new Quantity().setValue(new BigDecimal("82")).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
        add(b, bp);

        DiagnosticReport r = new DiagnosticReport();
        r.setId(id + "-report");
        r.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        r.setCode(concept(LOINC, "51990-0", "Basic metabolic panel - Blood"));
        r.setSubject(subject);
        r.setEffective(new DateTimeType("2024-05-02T09:10:00+01:00"));
        r.addResult(new Reference("urn:uuid:" + id + "-glucose"));
        r.setConclusion("Within range.");
        add(b, r);

        Immunization i = new Immunization();
        i.setId(id + "-imm");
        i.setStatus(Immunization.ImmunizationStatus.COMPLETED);
        i.setVaccineCode(concept(CVX, "140", "Influenza, seasonal, injectable, preservative free"));
        i.setPatient(subject);
        i.setOccurrence(new DateTimeType("2023-10-12T10:00:00+01:00"));
        add(b, i);

        Procedure p = new Procedure();
        p.setId(id + "-proc");
        p.setStatus(Procedure.ProcedureStatus.COMPLETED);
        p.setCode(concept(SNOMED, "430193006", "Medication Reconciliation (procedure)"));
        p.setSubject(subject);
        p.setPerformed(new Period().setStartElement(new DateTimeType("2024-05-02T09:05:00+01:00")));
        add(b, p);

        DocumentReference d = new DocumentReference();
        d.setId(id + "-doc");
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setType(concept(LOINC, "34117-2", "History and physical note"));
        d.setSubject(subject);
        d.setDateElement(new org.hl7.fhir.r4.model.InstantType("2024-05-02T09:20:00+01:00"));
        d.addContent().setAttachment(new Attachment().setContentType("text/plain; charset=utf-8")
                .setData("Reviewed diabetes; plan unchanged.".getBytes(StandardCharsets.UTF_8)));
        add(b, d);

        CarePlan plan = new CarePlan();
        plan.setId(id + "-plan");
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
        plan.setIntent(CarePlan.CarePlanIntent.ORDER);
        plan.addCategory(concept(SNOMED, "698360004", "Diabetes self management plan"));
        plan.setSubject(subject);
        plan.setPeriod(new Period().setStartElement(new DateTimeType("2019-03-01")));
        plan.addActivity().getDetail().setCode(concept(SNOMED, "160670007", "Diabetic diet"));
        add(b, plan);

        Claim claim = new Claim();
        claim.setId(id + "-claim");
        claim.setPatient(subject);
        add(b, claim);
        return b;
    }

    static Patient patient(String id, String nhsNumber, String given) {
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem(SYNTHEA).setValue(id);
        if (nhsNumber != null) {
            p.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(nhsNumber);
        }
        p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Testmigrant").addGiven(given);
        p.setBirthDateElement(new DateType("1961-07-14"));
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.addAddress().addLine("1 Synthetic Row").setCity("Testbury").setPostalCode("ZZ99 3AB");
        p.addGeneralPractitioner(new Reference("Organization?identifier=" + SYNTHEA + "|org-practice"));
        return p;
    }

    static Observation observation(String id, Reference subject, String category, String loinc, String display,
                                   BigDecimal value, String unit) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(concept(CATEGORY, category, null));
        o.setCode(concept(LOINC, loinc, display));
        o.setSubject(subject);
        o.setEffective(new DateTimeType("2024-05-02T09:10:00+01:00"));
        if (value != null) {
            o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        }
        return o;
    }

    static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display)).setText(display);
    }

    static void add(Bundle b, Resource r) {
        b.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
    }

    static void put(Bundle b, Resource r, String ifNoneExist) {
        b.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType()).setIfNoneExist(ifNoneExist);
    }

    static Path write(Path dir, String name, Bundle b) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(b));
        return file;
    }
}
