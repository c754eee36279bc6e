package org.careledger.api.fhir;

import org.careledger.reading.EntryVersion;
import org.careledger.reading.ReadEntry;
import org.careledger.reading.RecordRead;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.careledger.api.fhir.FhirIds.date;
import static org.careledger.api.fhir.FhirIds.dateTime;
import static org.careledger.api.fhir.FhirIds.instant;
import static org.careledger.api.fhir.FhirIds.urn;

/**
 * A read of a patient's record, as the reader was allowed to see it, to a FHIR R4 Bundle. The mapper takes the
 * already-decided {@link RecordRead} (from RecordReads, after its audit event was stored): it never decides
 * access, never loads anything, and puts in exactly the demographics and disclosed entries the read carries.
 * <p>
 * Bundle: type {@code collection} (a set of resources for download, no Composition: CareLedger does not attest
 * a clinical document, and the export answers no search), identifier = the id of the read's audit event, so an
 * export can be traced to the audit row that disclosed it. Every {@code fullUrl} is {@code urn:uuid:<id>} and
 * every reference inside the Bundle points at one ({@link FhirIds}).
 * <p>
 * Mapping decisions:
 * <ul>
 *   <li>Patient: NHS number identifier, official name, birth date, administrative gender, home address,
 *       generalPractitioner = the registered practice (Organization with its ODS code).</li>
 *   <li>Each disclosed entry: resource id = entry id, identifier = entry id, meta.versionId = entry version,
 *       meta.tag = its record section, meta.security = its sensitivity (CareLedger code plus the HL7
 *       confidentiality code: NORMAL N, PRIVATE R, SEALED V, WITHHELD_FROM_PATIENT R). meta.lastUpdated only for
 *       version 1 (the read knows when an entry was recorded, not when it was last amended).</li>
 *   <li>Migrated entries (docs/migration.md): every coding the source gave follows the ledger's code, with its own
 *       system and display; meta.source = the source system URI + {@code #Type/id} of the source resource.</li>
 *   <li>Codes: SNOMED CT {@value FhirIds#SNOMED}, dm+d {@value FhirIds#DMD}, display = the display term. Free text
 *       goes to a note, except where it is the resource's content (DocumentReference, CarePlan, uncoded
 *       DEMOGRAPHICS entries).</li>
 *   <li>PROBLEMS → Condition (problem-list-item, active, confirmed); MEDICATIONS → MedicationStatement (active);
 *       ALLERGIES → AllergyIntolerance (active, confirmed); OBSERVATIONS, TEST_RESULTS → Observation (final,
 *       valueQuantity in UCUM; TEST_RESULTS category laboratory); IMMUNISATIONS → Immunization (completed);
 *       CARE_PLANS → CarePlan (active, plan; text = description); DOCUMENTS, CONSULTATIONS, REFERRALS,
 *       COMMUNITY_NURSING, MENTAL_HEALTH, SOCIAL_CARE, SAFEGUARDING → DocumentReference (current) whose one
 *       attachment carries the free text inline as {@code text/plain; charset=utf-8} data (the export must be
 *       self-contained and an entry's text is at most 20,000 characters; a coded entry without text carries its
 *       display term).</li>
 *   <li>DEMOGRAPHICS entries (notes beside the structured demographics: preferred language, next of kin, ...) →
 *       Observation with category social-history: the code when coded, else code.text "Demographic detail" and
 *       the text as valueString. The structured demographics stay on Patient.</li>
 *   <li>A value (Quantity) on a non-Observation entry goes into a note (value and UCUM unit).</li>
 *   <li>Authorship: a Practitioner per author (user id identifier, display name when {@link FhirNames} knows it),
 *       an Organization per authoring organisation (ODS identifier), and one Provenance per author and
 *       organisation: targets = that author's resources (each at its version), agent author = the Practitioner on
 *       behalf of the Organization, activity CREATE, occurredPeriod = the first to the latest recording, recorded =
 *       the latest; each resource carries its own recording time. A current read knows the entry's original author
 *       and time only, so its Provenance is of the creation ({@link #historyBundle} gives one Provenance per
 *       version, CREATE/UPDATE, with who, when and why).</li>
 *   <li>How many entries were withheld is not exported (a Bundle has no extensions); the audit trail has it.</li>
 * </ul>
 */
public final class RecordBundleMapper {

    private static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    private static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    private static final String PROVENANCE_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    static final String RESOLVE_AS_VERSION_SPECIFIC =
            "http://hl7.org/fhir/StructureDefinition/resolve-as-version-specific";
    private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private RecordBundleMapper() {
    }

    /**
     * The current record of an allowed read as a {@code collection} Bundle.
     *
     * @param registeredPractice the patient's registered practice (a demographic every reader with a basis sees),
     *                           or null if not known to the caller: then Patient has no generalPractitioner
     * @param generatedAt        the Bundle's timestamp
     */
    public static Bundle recordBundle(RecordRead read, OdsCode registeredPractice, FhirNames names,
                                      Instant generatedAt) {
        requireAllowed(read);
        Builder b = new Builder(read.patient(), names == null ? FhirNames.NONE : names);
        Bundle bundle = b.bundle(Bundle.BundleType.COLLECTION, read.auditEvent(), generatedAt);
        b.add(b.patient(read.demographics(), registeredPractice));
        Map<String, Authored> authored = new LinkedHashMap<>();
        for (ReadEntry e : read.entries()) {
            Reference author = b.practitioner(e.author().value());
            Reference organisation = b.organisation(e.authoringOrganisation());
            DomainResource resource = entryResource(b, e.section(), e.entry(), e.content(), author, organisation,
                    e.recordedAt());
            label(resource, e.entry(), e.version(), e.section(), e.sensitivity(), e.version() == 1 ? e.recordedAt() : null);
            source(resource, e.content());
            b.add(resource);
            String agent = e.author().value() + "|" + (e.authoringOrganisation() == null ? ""
                    : e.authoringOrganisation().value());
            authored.computeIfAbsent(agent, k -> new Authored(author, organisation, new ArrayList<>()))
                    .entries().add(new Authored.Target(resource, e.entry(), e.version(), e.recordedAt()));
        }
        authored.values().forEach(a -> b.add(a.provenance()));
        b.flush();
        return bundle;
    }

    /**
     * What one author (on behalf of one organisation) created among a read's entries: one Provenance for them all
     * (a Provenance per entry made a 200-entry export ~40 % Provenance). Nothing is lost: each resource carries its
     * own recording time (recordedDate, dateAsserted, issued, recorded, created or date), and the Provenance names
     * every target at its version, recorded = the latest recording, occurredPeriod = the first to the latest.
     */
    private record Authored(Reference author, Reference organisation, List<Target> entries) {

        record Target(DomainResource resource, EntryId entry, int version, Instant recordedAt) {
        }

        Provenance provenance() {
            StringBuilder key = new StringBuilder("CREATE");
            Instant first = null;
            Instant last = null;
            Provenance p = new Provenance();
            for (Target t : entries) {
                key.append('|').append(t.entry()).append('/').append(t.version());
                p.addTarget(target(t.resource(), t.entry(), t.version()));
                first = first == null || t.recordedAt().isBefore(first) ? t.recordedAt() : first;
                last = last == null || t.recordedAt().isAfter(last) ? t.recordedAt() : last;
            }
            p.setId(FhirIds.named("provenance", key.toString()));
            p.setOccurred(new Period().setStartElement(dateTime(first)).setEndElement(dateTime(last)));
            p.setRecordedElement(instant(last));
            p.setActivity(concept(DATA_OPERATION, "CREATE", "create"));
            agent(p, author, organisation);
            return p;
        }
    }

    /**
     * The versions of an entry from an allowed history read as a {@code history} Bundle: each version (RECORDED,
     * AMENDED) as the entry's resource at that meta.versionId, each with its Provenance (CREATE for the recording,
     * UPDATE for an amendment, with who, when, and the amendment's reason as Provenance.reason text). Markers (ENTERED_IN_ERROR, SENSITIVITY_CHANGED) carry no content and are not
     * resources; entered-in-error entries are never in a current read.
     *
     * @param section the entry's section (fixed for an entry), which decides the resource type
     */
    public static Bundle historyBundle(RecordRead read, Section section, OdsCode registeredPractice,
                                       FhirNames names, Instant generatedAt) {
        requireAllowed(read);
        Refusal.requireValue(section, "section");
        Builder b = new Builder(read.patient(), names == null ? FhirNames.NONE : names);
        Bundle bundle = b.bundle(Bundle.BundleType.HISTORY, read.auditEvent(), generatedAt);
        b.add(b.patient(read.demographics(), registeredPractice));
        Map<EntryId, Sensitivity> sensitivity = new LinkedHashMap<>();
        for (EntryVersion v : read.versions()) {
            if (v.sensitivity() != null) {
                sensitivity.put(v.entry(), v.sensitivity());
            }
            if (!v.isVersion()) {
                continue;
            }
            Reference author = b.practitioner(v.by().user().value());
            Reference organisation = v.by().organisation() == null ? null : b.organisation(v.by().organisation());
            DomainResource resource = entryResource(b, section, v.entry(), v.content(), author, organisation, v.at());
            label(resource, v.entry(), v.version(), section, sensitivity.get(v.entry()), v.at());
            source(resource, v.content());
            // a history Bundle holds several versions of one resource: each entry's fullUrl names the version
            b.addVersion(resource, v.version());
            Provenance p = provenance(resource, v.entry(), v.version(), v.at(),
                    v.change() == EntryVersion.Change.RECORDED ? "CREATE" : "UPDATE", author, organisation);
            if (v.reason() != null) {
                p.addReason().setText(v.reason());
            }
            b.add(p);
        }
        b.flush();
        return bundle;
    }

    // ---- entries ------------------------------------------------------------------------------------------

    private static DomainResource entryResource(Builder b, Section section, EntryId entry, EntryContent content,
                                                Reference author, Reference organisation, Instant recordedAt) {
        Reference subject = b.patientRef();
        String id = entry.toString();
        return switch (section) {
            case PROBLEMS -> {
                Condition c = new Condition();
                c.setId(id);
                c.addIdentifier(FhirIds.entry(entry));
                c.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"));
                c.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"));
                c.addCategory(concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item"));
                c.setCode(code(content));
                c.setSubject(subject);
                c.setOnset(date(content.effectiveDate()));
                c.setRecordedDateElement(dateTime(recordedAt));
                c.setRecorder(author);
                notes(content).forEach(c::addNote);
                yield c;
            }
            case MEDICATIONS -> {
                MedicationStatement m = new MedicationStatement();
                m.setId(id);
                m.addIdentifier(FhirIds.entry(entry));
                m.setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE);
                m.setMedication(code(content));
                m.setSubject(subject);
                m.setEffective(date(content.effectiveDate()));
                m.setDateAssertedElement(dateTime(recordedAt));
                m.setInformationSource(author);
                notes(content).forEach(m::addNote);
                yield m;
            }
            case ALLERGIES -> {
                AllergyIntolerance a = new AllergyIntolerance();
                a.setId(id);
                a.addIdentifier(FhirIds.entry(entry));
                a.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"));
                a.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed"));
                a.setCode(code(content));
                a.setPatient(subject);
                a.setOnset(date(content.effectiveDate()));
                a.setRecordedDateElement(dateTime(recordedAt));
                a.setRecorder(author);
                notes(content).forEach(a::addNote);
                yield a;
            }
            case OBSERVATIONS, TEST_RESULTS, DEMOGRAPHICS -> {
                Observation o = new Observation();
                o.setId(id);
                o.addIdentifier(FhirIds.entry(entry));
                o.setStatus(Observation.ObservationStatus.FINAL);
                if (section == Section.TEST_RESULTS) {
                    o.addCategory(concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory"));
                } else if (section == Section.DEMOGRAPHICS) {
                    o.addCategory(concept(OBSERVATION_CATEGORY, "social-history", "Social History"));
                }
                o.setSubject(subject);
                o.setEffective(date(content.effectiveDate()));
                o.setIssuedElement(instant(recordedAt));
                o.addPerformer(author);
                if (content.value() != null) {
                    o.setValue(quantity(content.value()));
                }
                if (content.hasCode()) {
                    o.setCode(code(content));
                    if (content.text() != null) {
                        o.addNote(new Annotation().setText(content.text()));
                    }
                } else {
                    // only DEMOGRAPHICS (and other uncoded sections) reach here: coded sections require a code
                    o.setCode(new CodeableConcept().setText(content.displayTerm() != null ? content.displayTerm()
                            : "Demographic detail"));
                    if (content.value() == null) {
                        o.setValue(new StringType(content.text()));
                    } else {
                        o.addNote(new Annotation().setText(content.text()));
                    }
                }
                yield o;
            }
            case IMMUNISATIONS -> {
                Immunization i = new Immunization();
                i.setId(id);
                i.addIdentifier(FhirIds.entry(entry));
                i.setStatus(Immunization.ImmunizationStatus.COMPLETED);
                i.setVaccineCode(code(content));
                i.setPatient(subject);
                i.setOccurrence(date(content.effectiveDate()));
                i.setRecordedElement(dateTime(recordedAt));
                notes(content).forEach(i::addNote);
                yield i;
            }
            case CARE_PLANS -> {
                CarePlan p = new CarePlan();
                p.setId(id);
                p.addIdentifier(FhirIds.entry(entry));
                p.setStatus(CarePlan.CarePlanStatus.ACTIVE);
                p.setIntent(CarePlan.CarePlanIntent.PLAN);
                if (content.hasCode()) {
                    p.addCategory(code(content));
                }
                p.setTitle(content.displayTerm() != null ? content.displayTerm() : "Care plan");
                if (content.text() != null) {
                    p.setDescription(content.text());
                }
                p.setSubject(subject);
                p.setPeriod(new Period().setStartElement(date(content.effectiveDate())));
                p.setCreatedElement(dateTime(recordedAt));
                p.setAuthor(author);
                if (content.value() != null) {
                    p.addNote(valueNote(content));
                }
                yield p;
            }
            case DOCUMENTS, CONSULTATIONS, REFERRALS, COMMUNITY_NURSING, MENTAL_HEALTH, SOCIAL_CARE, SAFEGUARDING -> {
                DocumentReference d = new DocumentReference();
                d.setId(id);
                d.addIdentifier(FhirIds.entry(entry));
                d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
                d.setType(content.hasCode() ? code(content) : new CodeableConcept().setText(sectionDisplay(section)));
                d.addCategory(new CodeableConcept(sectionCoding(section)));
                d.setSubject(subject);
                d.setDateElement(instant(recordedAt));
                d.addAuthor(author);
                if (organisation != null) {
                    d.addAuthor(organisation);
                }
                String title = content.displayTerm() != null ? content.displayTerm() : sectionDisplay(section);
                d.setDescription(title);
                String body = content.text() != null ? content.text() : content.displayTerm();
                d.addContent().setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setLanguage("en-GB")
                        .setData(body.getBytes(StandardCharsets.UTF_8))
                        .setTitle(title)
                        .setCreationElement(date(content.effectiveDate())));
                d.setContext(new DocumentReference.DocumentReferenceContextComponent()
                        .setPeriod(new Period().setStartElement(date(content.effectiveDate()))));
                yield d;
            }
        };
    }

    private static void label(DomainResource resource, EntryId entry, int version, Section section,
                              Sensitivity sensitivity, Instant lastUpdated) {
        resource.getMeta().setVersionId(String.valueOf(version));
        if (lastUpdated != null) {
            resource.getMeta().setLastUpdatedElement(instant(lastUpdated));
        }
        resource.getMeta().addTag(sectionCoding(section));
        if (sensitivity != null) {
            resource.getMeta().addSecurity(new Coding(FhirIds.SENSITIVITY, sensitivity.name(), null));
            resource.getMeta().addSecurity(switch (sensitivity) {
                case NORMAL -> new Coding(CONFIDENTIALITY, "N", "normal");
                case PRIVATE, WITHHELD_FROM_PATIENT -> new Coding(CONFIDENTIALITY, "R", "restricted");
                case SEALED -> new Coding(CONFIDENTIALITY, "V", "very restricted");
            });
        }
    }

    /**
     * A migrated entry names where it came from: meta.source = the source system's URI with the source resource as
     * its fragment ({@code urn:...#Condition/8c1d...}).
     */
    private static void source(DomainResource resource, EntryContent content) {
        if (content != null && content.source() != null) {
            resource.getMeta().setSource(content.source().system() + "#" + content.source().relativeReference());
        }
    }

    private static Provenance provenance(DomainResource resource, EntryId entry, int version, Instant at,
                                         String activity, Reference author, Reference organisation) {
        Provenance p = new Provenance();
        p.setId(FhirIds.provenanceId(entry, version));
        p.addTarget(target(resource, entry, version));
        p.setRecordedElement(instant(at));
        p.setActivity(concept(DATA_OPERATION, activity, activity.equals("CREATE") ? "create" : "update"));
        agent(p, author, organisation);
        return p;
    }

    /**
     * The resource at exactly this version: a urn:uuid cannot carry /_history/n, so the core extension
     * resolve-as-version-specific says the reference means the Bundle entry with this meta.versionId.
     */
    private static Reference target(DomainResource resource, EntryId entry, int version) {
        Reference target = new Reference(urn(entry.toString())).setType(resource.fhirType())
                .setIdentifier(FhirIds.entry(entry)).setDisplay(resource.fhirType() + " version " + version);
        target.addExtension(RESOLVE_AS_VERSION_SPECIFIC, new BooleanType(true));
        return target;
    }

    private static void agent(Provenance p, Reference author, Reference organisation) {
        Provenance.ProvenanceAgentComponent agent = p.addAgent()
                .setType(concept(PROVENANCE_TYPE, "author", "Author"))
                .setWho(author);
        if (organisation != null) {
            agent.setOnBehalfOf(organisation);
        }
    }

    // ---- values -------------------------------------------------------------------------------------------

    private static CodeableConcept code(EntryContent content) {
        CodeableConcept concept = new CodeableConcept();
        if (content.hasCode()) {
            ClinicalCode code = content.code();
            String system = code == null ? null : code.system() == ClinicalCode.CodeSystem.DMD ? FhirIds.DMD : FhirIds.SNOMED;
            if (code != null) {
                concept.addCoding(new Coding(system, code.code(), content.displayTerm()));
            }
            // a migrated entry: every coding its source system gave, with its own system and display
            for (org.careledger.record.SourceCoding c : content.codings()) {
                if (code == null || !(c.system().equals(system) && c.code().equals(code.code()))) {
                    concept.addCoding(new Coding(c.system(), c.code(), c.display()));
                }
            }
            concept.setText(content.displayTerm());
        } else {
            concept.setText(content.displayTerm() != null ? content.displayTerm() : content.text());
        }
        return concept;
    }

    private static java.util.List<Annotation> notes(EntryContent content) {
        java.util.List<Annotation> notes = new java.util.ArrayList<>();
        if (content.text() != null) {
            notes.add(new Annotation().setText(content.text()));
        }
        if (content.value() != null) {
            notes.add(valueNote(content));
        }
        return notes;
    }

    private static Annotation valueNote(EntryContent content) {
        return new Annotation().setText("Value: " + content.value().value().toPlainString() + " "
                + content.value().unit());
    }

    private static org.hl7.fhir.r4.model.Quantity quantity(org.careledger.record.Quantity value) {
        org.hl7.fhir.r4.model.Quantity q = new org.hl7.fhir.r4.model.Quantity();
        q.setValue(value.value());
        q.setUnit(value.unit());
        q.setSystem(FhirIds.UCUM);
        q.setCode(value.unit());
        return q;
    }

    /** The resource type an entry of a section becomes (the same switch as the mapping above). */
    public static String resourceType(Section section) {
        return switch (section) {
            case PROBLEMS -> "Condition";
            case MEDICATIONS -> "MedicationStatement";
            case ALLERGIES -> "AllergyIntolerance";
            case OBSERVATIONS, TEST_RESULTS, DEMOGRAPHICS -> "Observation";
            case IMMUNISATIONS -> "Immunization";
            case CARE_PLANS -> "CarePlan";
            case DOCUMENTS, CONSULTATIONS, REFERRALS, COMMUNITY_NURSING, MENTAL_HEALTH, SOCIAL_CARE, SAFEGUARDING ->
                    "DocumentReference";
        };
    }

    static Coding sectionCoding(Section section) {
        return new Coding(FhirIds.SECTION, section.name(), sectionDisplay(section));
    }

    static String sectionDisplay(Section section) {
        String words = section.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }

    private static void requireAllowed(RecordRead read) {
        Refusal.requireValue(read, "read");
        if (!read.allowed()) {
            throw new IllegalArgumentException("a refused read has no record to export");
        }
    }

    // ---- the Bundle under construction --------------------------------------------------------------------

    /** Collects resources; Practitioners and Organizations once each, added at the end. */
    private static final class Builder {
        private final NhsNumber patient;
        private final FhirNames names;
        private Bundle bundle;
        private final Map<String, Resource> parties = new LinkedHashMap<>();

        Builder(NhsNumber patient, FhirNames names) {
            this.patient = patient;
            this.names = names;
        }

        Bundle bundle(Bundle.BundleType type, String auditEvent, Instant at) {
            bundle = new Bundle();
            bundle.setId(FhirIds.named("bundle", auditEvent == null ? UUID.randomUUID().toString() : auditEvent));
            bundle.setType(type);
            if (auditEvent != null) {
                bundle.setIdentifier(new Identifier().setSystem(FhirIds.LEDGER_EVENT).setValue(auditEvent));
            }
            bundle.setTimestampElement(instant(at));
            return bundle;
        }

        Reference patientRef() {
            return new Reference(urn(FhirIds.patientId(patient))).setType("Patient")
                    .setIdentifier(FhirIds.nhsNumber(patient));
        }

        Patient patient(Demographics demographics, OdsCode registeredPractice) {
            Patient p = new Patient();
            p.setId(FhirIds.patientId(patient));
            p.addIdentifier(FhirIds.nhsNumber(patient));
            if (demographics != null) {
                p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(demographics.familyName())
                        .addGiven(demographics.givenName());
                p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(demographics.birthDate().toString()));
                p.setGender(switch (demographics.gender()) {
                    case MALE -> Enumerations.AdministrativeGender.MALE;
                    case FEMALE -> Enumerations.AdministrativeGender.FEMALE;
                    case OTHER -> Enumerations.AdministrativeGender.OTHER;
                    case UNKNOWN -> Enumerations.AdministrativeGender.UNKNOWN;
                });
                org.careledger.record.Address a = demographics.address();
                org.hl7.fhir.r4.model.Address address = p.addAddress().setUse(org.hl7.fhir.r4.model.Address.AddressUse.HOME)
                        .setType(org.hl7.fhir.r4.model.Address.AddressType.PHYSICAL);
                address.addLine(a.line1());
                if (a.line2() != null && !a.line2().isBlank()) {
                    address.addLine(a.line2());
                }
                address.setCity(a.town()).setPostalCode(a.postcode());
            }
            if (registeredPractice != null) {
                p.addGeneralPractitioner(organisation(registeredPractice));
            }
            return p;
        }

        /**
         * The directory's names, looked up once per export: a record's entries come from a handful of authors and
         * organisations, and a lookup per entry was two queries per entry (400 for a 200-entry record, most of an
         * export's time, JFR).
         */
        private final Map<UUID, Optional<String>> personNames = new HashMap<>();
        private final Map<OdsCode, Optional<String>> organisationNames = new HashMap<>();

        Reference practitioner(UUID user) {
            String id = user.toString();
            String name = personNames.computeIfAbsent(user, u -> Optional.ofNullable(names.person(u))).orElse(null);
            if (!parties.containsKey(id)) {
                Practitioner p = new Practitioner();
                p.setId(id);
                p.addIdentifier(FhirIds.user(user));
                if (name != null) {
                    p.addName().setText(name);
                }
                parties.put(id, p);
            }
            return new Reference(urn(id)).setType("Practitioner").setIdentifier(FhirIds.user(user)).setDisplay(name);
        }

        Reference organisation(OdsCode ods) {
            String id = FhirIds.organisationId(ods);
            String name = organisationNames.computeIfAbsent(ods, o -> Optional.ofNullable(names.organisation(o)))
                    .orElse(null);
            if (!parties.containsKey(id)) {
                Organization o = new Organization();
                o.setId(id);
                o.addIdentifier(FhirIds.ods(ods));
                o.setName(name);
                parties.put(id, o);
            }
            return new Reference(urn(id)).setType("Organization").setIdentifier(FhirIds.ods(ods)).setDisplay(name);
        }

        void add(Resource resource) {
            bundle.addEntry().setFullUrl(urn(resource.getIdElement().getIdPart())).setResource(resource);
        }

        void addVersion(Resource resource, int version) {
            Bundle.BundleEntryComponent e = bundle.addEntry().setFullUrl(urn(resource.getIdElement().getIdPart()))
                    .setResource(resource);
            e.getRequest().setMethod(version == 1 ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT)
                    .setUrl(resource.fhirType() + (version == 1 ? "" : "/" + resource.getIdElement().getIdPart()));
            e.getResponse().setStatus(version == 1 ? "201 Created" : "200 OK")
                    .setEtag("W/\"" + version + "\"");
        }

        void flush() {
            parties.values().forEach(this::add);
        }
    }
}
