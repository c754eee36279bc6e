package org.careledger.api.fhir;

import org.careledger.access.AccessDecision;
import org.careledger.reading.EntryVersion;
import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordRead;
import org.careledger.record.Address;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.Quantity;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.api.fhir.FhirAssertions.assertSelfContained;
import static org.careledger.api.fhir.FhirAssertions.idOf;
import static org.careledger.api.fhir.FhirAssertions.resources;
import static org.careledger.api.fhir.FhirAssertions.roundTrip;

class RecordBundleMapperTest {

    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final OdsCode PRACTICE = OdsCode.of("Y01234");
    static final OdsCode TRUST = OdsCode.of("RX1");
    static final UserId GP = new UserId(UUID.fromString("11111111-1111-4111-8111-111111111111"));
    static final UserId NURSE = new UserId(UUID.fromString("22222222-2222-4222-8222-222222222222"));
    static final Instant NOW = Instant.parse("2026-03-03T10:15:30.123Z");
    static final LocalDate ON = LocalDate.of(2025, 11, 2);
    static final String AUDIT_EVENT = "0b7c2a5e-7a61-4c57-9a0c-3f9d4b1e2a10";
    static final Demographics DEMOGRAPHICS = new Demographics("Ann", "Example", LocalDate.of(1970, 5, 17),
            Demographics.Gender.FEMALE, new Address("1 High Street", "Flat 2", "Leeds", "LS1 4AP"));

    static final FhirNames NAMES = new FhirNames() {
        @Override
        public String person(UUID user) {
            return user.equals(GP.value()) ? "Dr Grace Parker" : null;
        }

        @Override
        public String organisation(OdsCode organisation) {
            return organisation.equals(PRACTICE) ? "High Street Surgery" : null;
        }
    };

    private final List<ReadEntry> entries = new ArrayList<>();

    private EntryId entry(Section section, int version, EntryContent content, Sensitivity sensitivity) {
        EntryId id = new EntryId(UUID.nameUUIDFromBytes((section + "/" + entries.size()).getBytes()));
        boolean atTrust = section == Section.COMMUNITY_NURSING || section == Section.OBSERVATIONS;
        entries.add(new ReadEntry(id, version, section, atTrust ? TRUST : PRACTICE, atTrust ? NURSE : GP,
                sensitivity, content, NOW.minusSeconds(3600 - 60L * entries.size()), content.effectiveDate()));
        return id;
    }

    private RecordRead read() {
        return new RecordRead(PATIENT, AccessDecision.Basis.REGISTERED, null, null, null, "3", List.of("e1"),
                DEMOGRAPHICS, entries, List.of(), 2, AUDIT_EVENT);
    }

    private EntryContent coded(String code, String term) {
        return EntryContent.coded(ClinicalCode.snomed(code), term, ON);
    }

    @Test
    void everySectionBecomesItsResourceWithVersionSectionAndProvenanceAndSurvivesHapisParser() {
        EntryId problem = entry(Section.PROBLEMS, 3, new EntryContent(ClinicalCode.snomed("195967001"), "Asthma",
                "well controlled", null, ON, null), Sensitivity.NORMAL);
        EntryId medication = entry(Section.MEDICATIONS, 1,
                EntryContent.coded(ClinicalCode.dmd("322236009"), "Paracetamol 500mg tablets", ON), Sensitivity.NORMAL);
        EntryId allergy = entry(Section.ALLERGIES, 1, coded("271649006", "Penicillin allergy"), Sensitivity.NORMAL);
        EntryId bp = entry(Section.OBSERVATIONS, 1, new EntryContent(ClinicalCode.snomed("38341003"),
                "Systolic blood pressure", null, new Quantity(new BigDecimal("128"), "mm[Hg]"), ON, null),
                Sensitivity.NORMAL);
        EntryId result = entry(Section.TEST_RESULTS, 1, new EntryContent(ClinicalCode.snomed("22298006"), "HbA1c",
                null, new Quantity(new BigDecimal("48.5"), "mmol/mol"), ON, null), Sensitivity.PRIVATE);
        EntryId vaccine = entry(Section.IMMUNISATIONS, 1, coded("195967001", "Influenza vaccination"), Sensitivity.NORMAL);
        EntryId letter = entry(Section.DOCUMENTS, 2, new EntryContent(null, null,
                "Dear Dr Parker, seen in clinic — plan: review in 6 weeks.", null, ON, null), Sensitivity.SEALED);
        EntryId plan = entry(Section.CARE_PLANS, 1, new EntryContent(null, "Falls prevention",
                "Weekly physiotherapy", null, ON, "falls-v1"), Sensitivity.NORMAL);
        EntryId language = entry(Section.DEMOGRAPHICS, 1, EntryContent.text("Prefers Welsh", ON), Sensitivity.NORMAL);
        List<EntryId> documents = new ArrayList<>();
        for (Section s : List.of(Section.CONSULTATIONS, Section.REFERRALS, Section.COMMUNITY_NURSING,
                Section.MENTAL_HEALTH, Section.SOCIAL_CARE, Section.SAFEGUARDING)) {
            documents.add(entry(s, 1, EntryContent.text(s + " note", ON), Sensitivity.NORMAL));
        }

        Bundle bundle = roundTrip(RecordBundleMapper.recordBundle(read(), PRACTICE, NAMES, NOW));

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(bundle.getIdentifier().getValue()).isEqualTo(AUDIT_EVENT);
        assertThat(bundle.getTimestamp().toInstant()).isEqualTo(NOW);
        Map<String, Resource> byUrl = assertSelfContained(bundle);

        // Patient
        Patient patient = resources(bundle, Patient.class).get(0);
        assertThat(patient.getIdentifierFirstRep().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("9990000018");
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Example");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Ann");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1970-05-17");
        assertThat(patient.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
        assertThat(patient.getAddressFirstRep().getLine()).extracting(Object::toString)
                .containsExactly("1 High Street", "Flat 2");
        assertThat(patient.getAddressFirstRep().getCity()).isEqualTo("Leeds");
        assertThat(patient.getAddressFirstRep().getPostalCode()).isEqualTo("LS1 4AP");
        Organization gp = (Organization) byUrl.get(patient.getGeneralPractitionerFirstRep().getReference());
        assertThat(gp.getIdentifierFirstRep().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/ods-organization-code");
        assertThat(gp.getIdentifierFirstRep().getValue()).isEqualTo("Y01234");
        assertThat(gp.getName()).isEqualTo("High Street Surgery");

        // one resource per disclosed entry, of the section's type, with id/identifier = entry id and its version
        Map<String, DomainResource> byEntry = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> !(r instanceof Patient || r instanceof Practitioner || r instanceof Organization
                        || r instanceof Provenance))
                .map(DomainResource.class::cast).collect(Collectors.toMap(FhirAssertions::idOf, r -> r));
        assertThat(byEntry).hasSize(entries.size());
        for (ReadEntry e : entries) {
            DomainResource r = byEntry.get(e.entry().toString());
            assertThat(r.fhirType()).isEqualTo(RecordBundleMapper.resourceType(e.section()));
            assertThat(r.getMeta().getVersionId()).isEqualTo(String.valueOf(e.version()));
            assertThat(r.getMeta().getTag()).anySatisfy(t -> assertThat(t.getCode()).isEqualTo(e.section().name()));
            assertThat(r.getMeta().getSecurity()).anySatisfy(t -> assertThat(t.getCode())
                    .isEqualTo(e.sensitivity().name()));
            assertThat(FhirR4.context().newTerser().getSinglePrimitiveValueOrNull(r, "identifier.value"))
                    .isEqualTo(e.entry().toString());
        }

        Condition condition = (Condition) byEntry.get(problem.toString());
        assertThat(condition.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(condition.getCode().getCodingFirstRep().getCode()).isEqualTo("195967001");
        assertThat(condition.getCode().getCodingFirstRep().getDisplay()).isEqualTo("Asthma");
        assertThat(condition.getNoteFirstRep().getText()).isEqualTo("well controlled");
        assertThat(condition.getOnsetDateTimeType().getValueAsString()).isEqualTo("2025-11-02");
        assertThat(condition.getMeta().hasLastUpdated()).as("only version 1 knows its last update").isFalse();
        assertThat(((Practitioner) byUrl.get(condition.getRecorder().getReference())).getNameFirstRep().getText())
                .isEqualTo("Dr Grace Parker");

        MedicationStatement med = (MedicationStatement) byEntry.get(medication.toString());
        assertThat(med.getMedicationCodeableConcept().getCodingFirstRep().getSystem()).isEqualTo("https://dmd.nhs.uk");
        assertThat(med.getMedicationCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("322236009");
        assertThat(med.getMeta().getLastUpdated().toInstant()).isEqualTo(NOW.minusSeconds(3600 - 60));

        assertThat(((AllergyIntolerance) byEntry.get(allergy.toString())).getCode().getCodingFirstRep().getCode())
                .isEqualTo("271649006");

        Observation pressure = (Observation) byEntry.get(bp.toString());
        assertThat(pressure.getValueQuantity().getValue()).isEqualByComparingTo("128");
        assertThat(pressure.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(pressure.getValueQuantity().getCode()).isEqualTo("mm[Hg]");
        Observation hba1c = (Observation) byEntry.get(result.toString());
        assertThat(hba1c.getValueQuantity().getValue()).isEqualByComparingTo("48.5");
        assertThat(hba1c.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("laboratory");
        assertThat(hba1c.getMeta().getSecurity()).anySatisfy(c -> assertThat(c.getCode()).isEqualTo("R"));

        assertThat(((Immunization) byEntry.get(vaccine.toString())).getVaccineCode().getCodingFirstRep().getCode())
                .isEqualTo("195967001");

        DocumentReference doc = (DocumentReference) byEntry.get(letter.toString());
        assertThat(new String(doc.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .isEqualTo("Dear Dr Parker, seen in clinic — plan: review in 6 weeks.");
        assertThat(doc.getContentFirstRep().getAttachment().getContentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(doc.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("DOCUMENTS");
        assertThat(doc.getMeta().getSecurity()).anySatisfy(c -> assertThat(c.getCode()).isEqualTo("V"));
        assertThat(doc.getMeta().getVersionId()).isEqualTo("2");
        for (EntryId d : documents) {
            DocumentReference other = (DocumentReference) byEntry.get(d.toString());
            assertThat(new String(other.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                    .endsWith(" note");
        }

        CarePlan carePlan = (CarePlan) byEntry.get(plan.toString());
        assertThat(carePlan.getTitle()).isEqualTo("Falls prevention");
        assertThat(carePlan.getDescription()).isEqualTo("Weekly physiotherapy");
        assertThat(carePlan.getIntent()).isEqualTo(CarePlan.CarePlanIntent.PLAN);

        Observation demographic = (Observation) byEntry.get(language.toString());
        assertThat(demographic.getValueStringType().getValue()).isEqualTo("Prefers Welsh");
        assertThat(demographic.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("social-history");

        // one Provenance per author and organisation (not per entry): its targets are exactly that author's
        // resources at their versions, author at the authoring organisation, CREATE, recorded = the latest
        // recording, occurred = first to latest; each resource keeps its own recording time
        List<Provenance> provenances = resources(bundle, Provenance.class);
        assertThat(provenances).hasSize(2);
        Map<String, Provenance> byTarget = new java.util.HashMap<>();
        for (Provenance p : provenances) {
            for (var target : p.getTarget()) {
                assertThat(byTarget.put(target.getIdentifier().getValue(), p)).as("one Provenance per entry").isNull();
                assertThat(target.getExtensionByUrl(RecordBundleMapper.RESOLVE_AS_VERSION_SPECIFIC)).isNotNull();
            }
        }
        assertThat(byTarget).hasSize(entries.size());
        for (ReadEntry e : entries) {
            Provenance p = byTarget.get(e.entry().toString());
            var target = p.getTarget().stream().filter(t -> t.getIdentifier().getValue().equals(e.entry().toString()))
                    .findFirst().orElseThrow();
            assertThat(idOf(byUrl.get(target.getReference()))).isEqualTo(e.entry().toString());
            assertThat(target.getDisplay()).endsWith("version " + e.version());
            assertThat(p.getActivity().getCodingFirstRep().getCode()).isEqualTo("CREATE");
            Practitioner author = (Practitioner) byUrl.get(p.getAgentFirstRep().getWho().getReference());
            assertThat(author.getIdentifierFirstRep().getValue()).isEqualTo(e.author().toString());
            Organization at = (Organization) byUrl.get(p.getAgentFirstRep().getOnBehalfOf().getReference());
            assertThat(at.getIdentifierFirstRep().getValue()).isEqualTo(e.authoringOrganisation().value());
            assertThat(p.getOccurredPeriod().getStart().toInstant()).isBeforeOrEqualTo(e.recordedAt());
            assertThat(p.getRecorded().toInstant()).isAfterOrEqualTo(e.recordedAt());
            // the entry's own recording time is on its resource
            String recorded = FhirR4.context().newTerser().getSinglePrimitiveValueOrNull(byEntry.get(
                    e.entry().toString()), switch (RecordBundleMapper.resourceType(e.section())) {
                        case "Condition", "AllergyIntolerance" -> "recordedDate";
                        case "MedicationStatement" -> "dateAsserted";
                        case "Observation" -> "issued";
                        case "Immunization" -> "recorded";
                        case "CarePlan" -> "created";
                        default -> "date";
                    });
            assertThat(Instant.parse(recorded)).isEqualTo(e.recordedAt());
        }
        for (Provenance p : provenances) {
            List<Instant> times = entries.stream().filter(e -> byTarget.get(e.entry().toString()) == p)
                    .map(ReadEntry::recordedAt).sorted().toList();
            assertThat(p.getRecorded().toInstant()).isEqualTo(times.get(times.size() - 1));
            assertThat(p.getOccurredPeriod().getStart().toInstant()).isEqualTo(times.get(0));
        }
        // the parties once each: two authors, two organisations
        assertThat(resources(bundle, Practitioner.class)).hasSize(2);
        assertThat(resources(bundle, Organization.class)).hasSize(2);
        assertThat(bundle.getEntry()).hasSize(1 + entries.size() + 2 + 4);
    }

    @Test
    void anEmptyReadStillExportsThePatientAndTheSameReadExportsTheSameIds() {
        entry(Section.PROBLEMS, 1, coded("195967001", "Asthma"), Sensitivity.NORMAL);
        Bundle once = RecordBundleMapper.recordBundle(read(), PRACTICE, FhirNames.NONE, NOW);
        Bundle again = RecordBundleMapper.recordBundle(read(), PRACTICE, FhirNames.NONE, NOW);
        assertThat(FhirR4.encode(once)).isEqualTo(FhirR4.encode(again));

        entries.clear();
        Bundle empty = roundTrip(RecordBundleMapper.recordBundle(read(), null, null, NOW));
        assertSelfContained(empty);
        assertThat(empty.getEntry()).hasSize(1);
        assertThat(((Patient) empty.getEntryFirstRep().getResource()).hasGeneralPractitioner()).isFalse();
    }

    @Test
    void eachAuthorsAndOrganisationsNameIsLookedUpOncePerExport() {
        for (int i = 0; i < 40; i++) {
            entry(i % 2 == 0 ? Section.PROBLEMS : Section.OBSERVATIONS, 1, coded("195967001", "Asthma"), Sensitivity.NORMAL);
        }
        Map<Object, Integer> lookups = new java.util.HashMap<>();
        FhirNames counting = new FhirNames() {
            @Override
            public String person(UUID user) {
                lookups.merge(user, 1, Integer::sum);
                return NAMES.person(user);
            }

            @Override
            public String organisation(OdsCode organisation) {
                lookups.merge(organisation, 1, Integer::sum);
                return NAMES.organisation(organisation);
            }
        };

        Bundle bundle = RecordBundleMapper.recordBundle(read(), PRACTICE, counting, NOW);

        // two authors (GP, NURSE) at two organisations (PRACTICE, TRUST): four lookups for 40 entries, each name
        // still on every entry's reference
        assertThat(lookups).containsOnlyKeys(GP.value(), NURSE.value(), PRACTICE, TRUST).allSatisfy((k, n) ->
                assertThat(n).as("lookups of " + k).isEqualTo(1));
        assertThat(bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof Condition).map(r -> ((Condition) r).getRecorder().getDisplay()))
                .hasSize(20).containsOnly("Dr Grace Parker");
    }

    @Test
    void aRefusedReadHasNothingToExport() {
        RecordRead refused = new RecordRead(PATIENT, null, AccessDecision.Refused.NO_BASIS, null, null, "3",
                List.of(), null, List.of(), List.of(), 0, AUDIT_EVENT);
        assertThatThrownBy(() -> RecordBundleMapper.recordBundle(refused, PRACTICE, NAMES, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHistoryReadBecomesAHistoryBundleWithAProvenancePerVersion() {
        EntryId id = new EntryId(UUID.randomUUID());
        Actor gp = Actor.staff(GP, Role.GP, PRACTICE);
        Actor nurse = Actor.staff(NURSE, Role.PRACTICE_NURSE, PRACTICE);
        List<EntryVersion> versions = List.of(
                new EntryVersion(id, 1, EntryVersion.Change.RECORDED, 1, coded("195967001", "Asthma"),
                        Sensitivity.NORMAL, gp, NOW.minusSeconds(7200), null),
                new EntryVersion(id, 2, EntryVersion.Change.SENSITIVITY_CHANGED, 1, null, Sensitivity.PRIVATE,
                        gp, NOW.minusSeconds(5000), "third-party information"),
                new EntryVersion(id, 3, EntryVersion.Change.AMENDED, 2, new EntryContent(
                        ClinicalCode.snomed("195967001"), "Asthma", "now severe", null, ON, null), null, nurse,
                        NOW.minusSeconds(3600), "severity corrected"));
        RecordRead read = new RecordRead(PATIENT, AccessDecision.Basis.REGISTERED, null, null, null, "3",
                List.of(), DEMOGRAPHICS, List.of(), versions, 0, AUDIT_EVENT);

        Bundle bundle = roundTrip(RecordBundleMapper.historyBundle(read, Section.PROBLEMS, PRACTICE, NAMES, NOW));

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        Map<String, Resource> byUrl = assertSelfContained(bundle);
        List<Condition> conditions = resources(bundle, Condition.class);
        assertThat(conditions).extracting(c -> c.getMeta().getVersionId()).containsExactly("1", "2");
        assertThat(conditions.get(1).getNoteFirstRep().getText()).isEqualTo("now severe");
        assertThat(conditions.get(1).getMeta().getSecurity()).anySatisfy(c -> assertThat(c.getCode())
                .isEqualTo("PRIVATE"));
        List<Provenance> provenances = resources(bundle, Provenance.class);
        assertThat(provenances).extracting(p -> p.getActivity().getCodingFirstRep().getCode())
                .containsExactly("CREATE", "UPDATE");
        assertThat(provenances.get(1).getReasonFirstRep().getText()).isEqualTo("severity corrected");
        assertThat(provenances.get(1).getRecorded().toInstant()).isEqualTo(NOW.minusSeconds(3600));
        assertThat(((Practitioner) byUrl.get(provenances.get(1).getAgentFirstRep().getWho().getReference()))
                .getIdentifierFirstRep().getValue()).isEqualTo(NURSE.toString());
        assertThat(provenances).extracting(FhirAssertions::idOf).doesNotHaveDuplicates();
    }
}
