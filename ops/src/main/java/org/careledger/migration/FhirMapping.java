package org.careledger.migration;

import org.careledger.record.Address;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.EntryContent;
import org.careledger.record.Quantity;
import org.careledger.record.SourceCoding;
import org.careledger.record.SourceReference;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Refusal;
import org.careledger.shared.Section;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * FHIR R4 resources to what the ledger records (docs/migration.md has the table). Pure: the same resource and source
 * system always give the same entry (its id is a name-based UUID of source system and resource), so a re-run builds
 * identical commands. Every value goes through the ledger's own value types, so what the ledger would refuse (an
 * invalid SNOMED CT or LOINC code, an invalid NHS number, text it cannot store) is refused here, as a
 * {@link Refusal} naming the field only.
 */
public final class FhirMapping {

    public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    /** Resource types mapped to entries (Patient, and the shared ones of {@link ReferenceData}, are separate). */
    public static final Set<String> ENTRY_TYPES = Set.of("Condition", "MedicationRequest", "MedicationStatement",
            "AllergyIntolerance", "Observation", "DiagnosticReport", "Immunization", "Encounter", "Procedure",
            "DocumentReference", "CarePlan");

    private final String sourceSystem;

    public FhirMapping(String sourceSystem) {
        Refusal.requireValue(sourceSystem, "source system");
        this.sourceSystem = sourceSystem;
    }

    public String sourceSystem() {
        return sourceSystem;
    }

    /** One mapped entry: its deterministic id, its section and what it says. */
    public record MappedEntry(EntryId entry, Section section, EntryContent content) {
    }

    // ---- Patient ---------------------------------------------------------------------------------------------

    /** The NHS number the Patient carries (identifier system {@value #NHS_NUMBER_SYSTEM}), or null if none. */
    public static NhsNumber nhsNumber(Patient patient) {
        for (Identifier identifier : patient.getIdentifier()) {
            if (NHS_NUMBER_SYSTEM.equals(identifier.getSystem()) && identifier.hasValue()) {
                return NhsNumber.of(identifier.getValue());
            }
        }
        return null;
    }

    /**
     * A valid NHS number in the 999 test range derived from the source id: SHA-256 of source system, patient id
     * and {@code attempt}, six digits after 999, then the Modulus 11 check digit (digits whose check would be 10
     * move on to the next six-digit candidate). {@code attempt} > 0 gives the next candidate when an earlier one
     * belongs to someone else.
     */
    public NhsNumber derivedNhsNumber(String patientId, int attempt) {
        byte[] hash = sha256(sourceSystem + "|Patient/" + patientId + "|" + attempt);
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = (n << 8) | (hash[i] & 0xff);
        }
        int six = (int) Math.floorMod(n, 1_000_000L);
        for (int i = 0; i < 1_000_000; i++) {
            String nine = "999" + String.format(Locale.ROOT, "%06d", (six + i) % 1_000_000);
            Integer check = NhsNumber.checkDigit(nine);
            if (check != null) {
                return NhsNumber.of(nine + check);
            }
        }
        throw new IllegalStateException("no valid NHS number in the test range");
    }

    /** Name, birth date, gender and home address; refused when the ledger cannot hold them. */
    public static Demographics demographics(Patient patient) {
        HumanName name = patient.getName().stream().filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL).findFirst()
                .orElse(patient.getNameFirstRep());
        String given = name.getGiven().isEmpty() ? null : name.getGiven().get(0).getValue();
        String family = name.getFamily();
        if (!patient.hasBirthDateElement() || patient.getBirthDateElement().getValueAsString() == null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "Patient.birthDate is required");
        }
        LocalDate birth = date(patient.getBirthDateElement(), "Patient.birthDate");
        Demographics.Gender gender = patient.getGender() == null ? Demographics.Gender.UNKNOWN
                : switch (patient.getGender()) {
            case MALE -> Demographics.Gender.MALE;
            case FEMALE -> Demographics.Gender.FEMALE;
            case OTHER -> Demographics.Gender.OTHER;
            default -> Demographics.Gender.UNKNOWN;
        };
        org.hl7.fhir.r4.model.Address a = patient.getAddress().stream()
                .filter(x -> x.getUse() == org.hl7.fhir.r4.model.Address.AddressUse.HOME).findFirst()
                .orElse(patient.getAddressFirstRep());
        List<StringType> lines = a.getLine();
        String line1 = lines.isEmpty() ? null : lines.get(0).getValue();
        String line2 = lines.size() < 2 ? null : String.join(", ", lines.subList(1, lines.size()).stream()
                .map(StringType::getValue).toList());
        return new Demographics(given, family, birth, gender, new Address(line1, line2, a.getCity(), a.getPostalCode()));
    }

    // ---- entries -----------------------------------------------------------------------------------------------

    /** The entry id of a source resource: a name-based UUID of source system, type and id. */
    public EntryId entryId(String resourceType, String id) {
        return new EntryId(UUID.nameUUIDFromBytes((sourceSystem + "|" + resourceType + "/" + id)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The entry a clinical resource becomes, or null if its type is not one of {@link #ENTRY_TYPES} or it was
     * entered in error at the source (the caller counts both). Refuses what the ledger cannot hold.
     */
    public MappedEntry entry(Resource resource) {
        return entry(resource, reference -> null);
    }

    /**
     * As {@link #entry(Resource)}, resolving a medicine given by reference ({@code medicationReference}, as Synthea
     * writes administered medicines) to the code of a Medication resource read before it.
     */
    public MappedEntry entry(Resource resource, java.util.function.Function<String, CodeableConcept> medications) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        if (!ENTRY_TYPES.contains(type) || enteredInError(resource)) {
            return null;
        }
        Refusal.requireValue(id, type + ".id");
        SourceReference source = new SourceReference(sourceSystem, type, id);
        Draft d = switch (type) {
            case "Condition" -> condition((Condition) resource);
            case "MedicationRequest" -> medicationRequest((MedicationRequest) resource, medications);
            case "MedicationStatement" -> medicationStatement((MedicationStatement) resource, medications);
            case "AllergyIntolerance" -> allergy((AllergyIntolerance) resource);
            case "Observation" -> observation((Observation) resource);
            case "DiagnosticReport" -> diagnosticReport((DiagnosticReport) resource);
            case "Immunization" -> immunization((Immunization) resource);
            case "Encounter" -> encounter((Encounter) resource);
            case "Procedure" -> procedure((Procedure) resource);
            case "DocumentReference" -> documentReference((DocumentReference) resource);
            case "CarePlan" -> carePlan((CarePlan) resource);
            default -> throw new IllegalStateException(type);
        };
        // free-text notes (Condition, Observation, AllergyIntolerance, Procedure, Immunization, medicines, CarePlan):
        // a line each, after what the type maps, so a note is never dropped without a word
        org.hl7.fhir.r4.model.Property notes = resource.getNamedProperty("note");
        if (notes != null) {
            for (org.hl7.fhir.r4.model.Base note : notes.getValues()) {
                if (note instanceof org.hl7.fhir.r4.model.Annotation a) {
                    d.line("Note", a.getText());
                }
            }
        }
        if (d.effective == null) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, type + " has no date the ledger can use as its effective date");
        }
        List<SourceCoding> codings = codings(d.concept);
        if (d.section.requiresCode() && codings.isEmpty()) {
            throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE, type + " has no coded concept (a " + d.section
                    + " entry needs one)");
        }
        ClinicalCode code = ledgerCode(codings, d.section);
        String display = codings.isEmpty() ? null : display(d.concept, codings, code);
        String text = d.text.isEmpty() ? null : String.join("\n", d.text);
        if (text != null && text.length() > EntryContent.MAX_TEXT) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, type + " text is longer than " + EntryContent.MAX_TEXT
                    + " characters");
        }
        if (codings.isEmpty() && text == null) {
            text = d.fallbackText;
        }
        EntryContent content = new EntryContent(code, display, text, d.value, d.effective, null, codings, source);
        return new MappedEntry(entryId(type, id), d.section, content);
    }

    /** What a resource says, before it becomes EntryContent. */
    private static final class Draft {
        Section section;
        CodeableConcept concept;
        LocalDate effective;
        Quantity value;
        final List<String> text = new ArrayList<>();
        String fallbackText;

        Draft(Section section, CodeableConcept concept) {
            this.section = section;
            this.concept = concept;
        }

        Draft line(String label, String value) {
            if (value != null && !value.isBlank()) {
                text.add(label == null ? value : label + ": " + value);
            }
            return this;
        }
    }

    private static Draft condition(Condition c) {
        Draft d = new Draft(Section.PROBLEMS, c.getCode());
        d.effective = firstDate(c.getOnset(), c.getRecordedDateElement());
        String status = statusCode(c.getClinicalStatus());
        if (status != null && !status.equals("active")) {
            d.line("Clinical status", status);
        }
        if (c.hasAbatement()) {
            LocalDate abated = firstDate(c.getAbatement());
            d.line("Abated", abated == null ? null : abated.toString());
        }
        return d;
    }

    private static CodeableConcept medicine(Type medication, java.util.function.Function<String, CodeableConcept> medications) {
        if (medication instanceof CodeableConcept c) {
            return c;
        }
        if (medication instanceof org.hl7.fhir.r4.model.Reference r && r.hasReference()) {
            return medications.apply(r.getReference());
        }
        return null;
    }

    private static Draft medicationRequest(MedicationRequest m,
                                           java.util.function.Function<String, CodeableConcept> medications) {
        Draft d = new Draft(Section.MEDICATIONS, medicine(m.getMedication(), medications));
        d.effective = firstDate(m.getAuthoredOnElement());
        d.line("Status", m.hasStatus() && m.getStatus() != MedicationRequest.MedicationRequestStatus.ACTIVE
                ? m.getStatus().toCode() : null);
        m.getDosageInstruction().forEach(x -> d.line("Dosage", x.getText()));
        return d;
    }

    private static Draft medicationStatement(MedicationStatement m,
                                             java.util.function.Function<String, CodeableConcept> medications) {
        Draft d = new Draft(Section.MEDICATIONS, medicine(m.getMedication(), medications));
        d.effective = firstDate(m.getEffective(), m.getDateAssertedElement());
        d.line("Status", m.hasStatus() && m.getStatus() != MedicationStatement.MedicationStatementStatus.ACTIVE
                ? m.getStatus().toCode() : null);
        m.getDosage().forEach(x -> d.line("Dosage", x.getText()));
        return d;
    }

    private static Draft allergy(AllergyIntolerance a) {
        Draft d = new Draft(Section.ALLERGIES, a.getCode());
        d.effective = firstDate(a.getOnset(), a.getRecordedDateElement());
        String status = statusCode(a.getClinicalStatus());
        if (status != null && !status.equals("active")) {
            d.line("Clinical status", status);
        }
        d.line("Criticality", a.hasCriticality() ? a.getCriticality().toCode() : null);
        for (AllergyIntolerance.AllergyIntoleranceReactionComponent r : a.getReaction()) {
            for (CodeableConcept m : r.getManifestation()) {
                d.line("Reaction", conceptText(m) + (r.hasSeverity() ? " (" + r.getSeverity().toCode() + ")" : ""));
            }
        }
        return d;
    }

    private static Draft observation(Observation o) {
        Draft d = new Draft(section(o), o.getCode());
        d.effective = firstDate(o.getEffective(), o.getIssuedElement());
        value(d, o.getValue(), null);
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            value(d, c.getValue(), conceptText(c.getCode()));
        }
        return d;
    }

    /** laboratory → TEST_RESULTS; vital-signs, social-history and every other category → OBSERVATIONS. */
    static Section section(Observation o) {
        for (CodeableConcept category : o.getCategory()) {
            for (Coding coding : category.getCoding()) {
                if ("laboratory".equals(coding.getCode())) {
                    return Section.TEST_RESULTS;
                }
            }
        }
        return Section.OBSERVATIONS;
    }

    private static void value(Draft d, Type value, String label) {
        if (value == null || value.isEmpty()) {
            return;
        }
        if (value instanceof org.hl7.fhir.r4.model.Quantity q && q.hasValue()) {
            String unit = q.hasCode() ? q.getCode() : q.hasUnit() ? q.getUnit() : "1";
            Quantity quantity = new Quantity(q.getValue(), unit);
            if (label == null && d.value == null) {
                d.value = quantity;
            } else {
                d.line(label, quantity.value().toPlainString() + " " + quantity.unit());
            }
        } else if (value instanceof CodeableConcept c) {
            d.line(label == null ? "Value" : label, conceptText(c));
        } else if (value instanceof StringType s) {
            d.line(label, s.getValue());
        } else if (value instanceof org.hl7.fhir.r4.model.PrimitiveType<?> p) {
            d.line(label == null ? "Value" : label, p.getValueAsString());
        }
    }

    private static Draft diagnosticReport(DiagnosticReport r) {
        Draft d = new Draft(Section.TEST_RESULTS, r.getCode());
        d.effective = firstDate(r.getEffective(), r.getIssuedElement());
        d.line("Conclusion", r.getConclusion());
        for (Attachment a : r.getPresentedForm()) {
            d.line(null, plainText(a));
        }
        return d;
    }

    private static Draft immunization(Immunization i) {
        Draft d = new Draft(Section.IMMUNISATIONS, i.getVaccineCode());
        d.effective = firstDate(i.getOccurrence(), i.getRecordedElement());
        d.line("Status", i.hasStatus() && i.getStatus() != Immunization.ImmunizationStatus.COMPLETED
                ? i.getStatus().toCode() : null);
        return d;
    }

    private static Draft encounter(Encounter e) {
        Draft d = new Draft(Section.CONSULTATIONS, e.getTypeFirstRep());
        d.effective = firstDate(e.getPeriod());
        d.line("Encounter class", e.hasClass_() ? (e.getClass_().hasDisplay() ? e.getClass_().getDisplay()
                : e.getClass_().getCode()) : null);
        e.getReasonCode().forEach(r -> d.line("Reason", conceptText(r)));
        if (e.getPeriod().hasEnd()) {
            d.line("Ended", e.getPeriod().getEndElement().getValueAsString());
        }
        d.fallbackText = "Encounter";
        return d;
    }

    private static Draft procedure(Procedure p) {
        Draft d = new Draft(Section.CONSULTATIONS, p.getCode());
        d.effective = firstDate(p.getPerformed(), null);
        d.line("Procedure status", p.hasStatus() && p.getStatus() != Procedure.ProcedureStatus.COMPLETED
                ? p.getStatus().toCode() : null);
        p.getReasonCode().forEach(r -> d.line("Reason", conceptText(r)));
        d.fallbackText = "Procedure";
        return d;
    }

    private static Draft documentReference(DocumentReference r) {
        Draft d = new Draft(Section.DOCUMENTS, r.getType());
        d.effective = firstDate(r.getDateElement(), r.getContext().getPeriod());
        d.line(null, r.getDescription());
        for (DocumentReference.DocumentReferenceContentComponent c : r.getContent()) {
            d.line(null, plainText(c.getAttachment()));
        }
        d.fallbackText = "Document";
        return d;
    }

    private static Draft carePlan(CarePlan p) {
        CodeableConcept category = null;
        for (CodeableConcept c : p.getCategory()) {
            if (c.getCoding().stream().anyMatch(x -> SourceCoding.SNOMED_CT.equals(x.getSystem()))) {
                category = c;
                break;
            }
        }
        Draft d = new Draft(Section.CARE_PLANS, category != null ? category : p.getCategoryFirstRep());
        d.effective = firstDate(p.getPeriod(), p.getCreatedElement());
        d.line("Title", p.getTitle());
        d.line("Status", p.hasStatus() ? p.getStatus().toCode() : null);
        d.line(null, p.getDescription());
        for (CarePlan.CarePlanActivityComponent a : p.getActivity()) {
            if (a.hasDetail()) {
                d.line("Activity", conceptText(a.getDetail().getCode()));
            }
        }
        d.fallbackText = "Care plan";
        return d;
    }

    // ---- values ------------------------------------------------------------------------------------------------

    private static boolean enteredInError(Resource r) {
        if (r instanceof Condition c) {
            return "entered-in-error".equals(statusCode(c.getVerificationStatus()));
        } else if (r instanceof AllergyIntolerance a) {
            return "entered-in-error".equals(statusCode(a.getVerificationStatus()));
        } else if (r instanceof MedicationRequest m) {
            return m.getStatus() == MedicationRequest.MedicationRequestStatus.ENTEREDINERROR;
        } else if (r instanceof MedicationStatement m) {
            return m.getStatus() == MedicationStatement.MedicationStatementStatus.ENTEREDINERROR;
        } else if (r instanceof Observation o) {
            return o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR;
        } else if (r instanceof DiagnosticReport d) {
            return d.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR;
        } else if (r instanceof Immunization i) {
            return i.getStatus() == Immunization.ImmunizationStatus.ENTEREDINERROR;
        } else if (r instanceof Encounter e) {
            return e.getStatus() == Encounter.EncounterStatus.ENTEREDINERROR;
        } else if (r instanceof Procedure p) {
            return p.getStatus() == Procedure.ProcedureStatus.ENTEREDINERROR;
        } else if (r instanceof DocumentReference d) {
            return d.getStatus() == org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.ENTEREDINERROR;
        } else if (r instanceof CarePlan p) {
            return p.getStatus() == CarePlan.CarePlanStatus.ENTEREDINERROR;
        }
        return false;
    }

    /** Every coding with a system and a code, in order, once each; validated by SourceCoding. */
    static List<SourceCoding> codings(CodeableConcept concept) {
        if (concept == null) {
            return List.of();
        }
        Set<SourceCoding> out = new LinkedHashSet<>();
        for (Coding c : concept.getCoding()) {
            if (c.hasSystem() && c.hasCode()) {
                out.add(new SourceCoding(c.getSystem().strip(), c.getCode().strip(), c.getDisplay()));
            } else if (c.hasCode()) {
                throw new Refusal(Refusal.Kind.INVALID_CLINICAL_CODE, "a coding without its code system");
            }
        }
        return List.copyOf(out);
    }

    /** The ledger's code: the dm+d (or UK Core's SNOMED CT-system dm+d) one for medicines, SNOMED CT otherwise. */
    static ClinicalCode ledgerCode(List<SourceCoding> codings, Section section) {
        for (SourceCoding c : codings) {
            boolean snomed = c.system().equals(SourceCoding.SNOMED_CT);
            boolean dmd = c.system().equals(SourceCoding.DMD);
            if (section == Section.MEDICATIONS && (snomed || dmd)) {
                return ClinicalCode.dmd(c.code());
            }
            if (section != Section.MEDICATIONS && snomed) {
                return ClinicalCode.snomed(c.code());
            }
        }
        return null;
    }

    private static String display(CodeableConcept concept, List<SourceCoding> codings, ClinicalCode code) {
        if (code != null) {
            for (SourceCoding c : codings) {
                if (c.code().equals(code.code()) && c.display() != null && !c.display().isBlank()) {
                    return c.display();
                }
            }
        }
        if (concept.hasText() && !concept.getText().isBlank()) {
            return concept.getText();
        }
        for (SourceCoding c : codings) {
            if (c.display() != null && !c.display().isBlank()) {
                return c.display();
            }
        }
        return codings.get(0).code();
    }

    private static String conceptText(CodeableConcept c) {
        if (c == null) {
            return null;
        }
        if (c.hasText()) {
            return c.getText();
        }
        for (Coding coding : c.getCoding()) {
            if (coding.hasDisplay()) {
                return coding.getDisplay();
            }
        }
        return c.getCoding().isEmpty() ? null : c.getCodingFirstRep().getCode();
    }

    private static String statusCode(CodeableConcept status) {
        return status == null || status.getCoding().isEmpty() ? null : status.getCodingFirstRep().getCode();
    }

    private static String plainText(Attachment a) {
        if (a == null || !a.hasData()) {
            return null;
        }
        String type = a.hasContentType() ? a.getContentType().toLowerCase(Locale.ROOT) : "";
        if (!type.startsWith("text/plain")) {
            return null;
        }
        return new String(a.getData(), StandardCharsets.UTF_8);
    }

    /** The first of the values that gives a date: a date, a date-time (its local date as written), a period's start. */
    static LocalDate firstDate(Object... values) {
        for (Object v : values) {
            LocalDate d = null;
            if (v instanceof BaseDateTimeType t && t.getValueAsString() != null) {
                d = date(t, "date");
            } else if (v instanceof Period p && p.hasStart()) {
                d = date(p.getStartElement(), "period start");
            }
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** The date as written (a partial date is its first day: 2019 is 2019-01-01, 2019-03 is 2019-03-01). */
    static LocalDate date(BaseDateTimeType t, String field) {
        String s = t.getValueAsString();
        try {
            if (s.length() >= 10) {
                return LocalDate.parse(s.substring(0, 10));
            } else if (s.length() == 7) {
                return LocalDate.parse(s + "-01");
            } else if (s.length() == 4) {
                return LocalDate.parse(s + "-01-01");
            }
        } catch (java.time.format.DateTimeParseException e) {
            // falls through to the refusal
        }
        throw new Refusal(Refusal.Kind.INVALID_INPUT, field + " is not a date");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
