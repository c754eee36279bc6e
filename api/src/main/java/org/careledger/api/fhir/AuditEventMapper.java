package org.careledger.api.fhir;

import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.PatientAccessHistory;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Locale;

import static org.careledger.api.fhir.FhirIds.instant;

/**
 * Rows of the audit trail ({@link AuditRecord}) to FHIR R4 AuditEvent resources shaped after the IHE Basic Audit
 * Log Patterns (BALP) "Read" pattern. The mapper only reshapes rows the caller was allowed to obtain; a row holds
 * ids, codes and versions, never record content.
 * <ul>
 *   <li>id = the ledger event id of the read (ACCESSED / REFUSED); {@code type} = audit-event-type {@code rest},
 *       {@code subtype} = restful-interaction {@code read}, {@code action} = R, {@code recorded} = when.</li>
 *   <li>{@code outcome}: 0 for a read that disclosed (or was allowed), 4 (minor failure) for a refusal (the access
 *       policy said no: an expected outcome, not a system fault, which BALP keeps for 8), with the refusal reason
 *       in {@code outcomeDesc}.</li>
 *   <li>agent 1, the user (requestor, type v3-ParticipationType IRCP information recipient): who = Practitioner
 *       (or Patient for SELF) by user-id identifier with the display name when {@link FhirNames} knows it; role =
 *       the CareLedger role; {@code policy} = the basis as a URI ({@value FhirIds#BASIS}#REGISTERED), the policy
 *       version ({@value FhirIds#BASE}/policy/&lt;version&gt;) and the decision receipts (ledger event ids as
 *       {@code urn:uuid:}) that allowed the read: "why could she see this?" in the event itself.</li>
 *   <li>agent 2, the user's organisation (type v3-RoleClass PROV, not requestor): who = Organization by ODS
 *       code. R4 has no organisation slot on an agent, so BALP's "user at organisation" becomes two agents.</li>
 *   <li>source: site "CareLedger", observer = the CareLedger Device (by display), type 4 application server.</li>
 *   <li>entity 1, the patient (type 1 person, role 1 patient, what = Patient by NHS number); its details carry the
 *       basis, grant id, emergency id, channel, view, policy version and how many entries were withheld.</li>
 *   <li>entity 2..n, each disclosed entry version (type 2 system object, role 4 domain resource): what =
 *       {@code <ResourceType>/<entry id>/_history/<version>} (the resource the record export gives that entry) with
 *       the entry-id identifier; detail "version" and "section".</li>
 *   <li>{@code purposeOfEvent}: the CareLedger purpose, plus the HL7 v3-ActReason code where one fits
 *       (TREAT, ETREAT, COC, HOPERAT, PATRQT) and BTG (break the glass) for an emergency basis.</li>
 *   <li>EMERGENCY_DECLARED rows: the same shape with type DICOM 110113 "Security Alert", action E, purposeOfEvent
 *       BTG and the emergency's end in a detail: the patient sees break-glass in their history.</li>
 * </ul>
 */
public final class AuditEventMapper {

    private static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
    private static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private AuditEventMapper() {
    }

    /** The rows as a {@code collection} Bundle of AuditEvents, in trail order. */
    public static Bundle bundle(List<AuditRecord> rows, FhirNames names, Instant generatedAt) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestampElement(instant(generatedAt));
        for (AuditRecord row : rows) {
            AuditEvent event = auditEvent(row, names);
            bundle.addEntry().setFullUrl(FhirIds.urn(event.getIdElement().getIdPart())).setResource(event);
        }
        return bundle;
    }

    /**
     * A patient's own access history ({@link PatientAccessHistory}: the rows the REST "access history in plain
     * words" shows, already audited as an AUDIT_QUERIED by the query) as a {@code collection} Bundle of AuditEvents
     * of the same BALP shape, newest first. Those rows carry who (with display and organisation names), when, the
     * basis, purpose and sections seen, not the entry versions, channel or receipts the IG trail has: the patient
     * entity carries the sections (detail "sections", comma-separated) and the emergency reason instead, and no
     * entry entities are listed.
     */
    public static Bundle patientBundle(NhsNumber patient, List<PatientAccessHistory.Access> rows,
                                       Instant generatedAt) {
        Map<UUID, String> people = new HashMap<>();
        Map<String, String> organisations = new HashMap<>();
        for (PatientAccessHistory.Access a : rows) {
            if (a.user() != null && a.name() != null) {
                people.put(a.user(), a.name());
            }
            if (a.organisation() != null && a.organisationName() != null) {
                organisations.put(a.organisation(), a.organisationName());
            }
        }
        FhirNames names = new FhirNames() {
            @Override
            public String person(UUID user) {
                return people.get(user);
            }

            @Override
            public String organisation(OdsCode organisation) {
                return organisations.get(organisation.value());
            }
        };
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestampElement(instant(generatedAt));
        for (PatientAccessHistory.Access a : rows) {
            AuditRecord row = new AuditRecord(a.eventId(), a.globalIndex(), a.kind(), a.at(), a.user(), a.role(),
                    a.organisation(), patient.value(), a.basis(), null, null, a.purpose(), null, null, null,
                    List.of(), List.of(), null, null, a.emergencyUntil());
            AuditEvent event = auditEvent(row, names);
            AuditEvent.AuditEventEntityComponent subject = event.getEntityFirstRep();
            if (!a.sections().isEmpty()) {
                detail(subject, "sections", String.join(",", a.sections().stream().map(Enum::name).toList()));
            }
            detail(subject, "emergencyReason", a.emergencyReason());
            if (a.reported()) {
                detail(subject, "reportedByPatient", "true");
            }
            bundle.addEntry().setFullUrl(FhirIds.urn(event.getIdElement().getIdPart())).setResource(event);
        }
        return bundle;
    }

    public static AuditEvent auditEvent(AuditRecord row, FhirNames names) {
        FhirNames known = names == null ? FhirNames.NONE : names;
        AuditEvent e = new AuditEvent();
        e.setId(eventId(row.eventId()));
        boolean emergencyDeclared = "EMERGENCY_DECLARED".equals(row.kind());
        boolean refused = "REFUSED".equals(row.kind());
        if (emergencyDeclared) {
            e.setType(new Coding(DICOM, "110113", "Security Alert"));
            e.setAction(AuditEvent.AuditEventAction.E);
        } else {
            e.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
            e.addSubtype(new Coding(RESTFUL_INTERACTION, "read", "read"));
            e.setAction(AuditEvent.AuditEventAction.R);
        }
        e.setRecordedElement(instant(row.at()));
        if (refused) {
            e.setOutcome(AuditEvent.AuditEventOutcome._4);
            e.setOutcomeDesc("refused: " + (row.refusalReason() == null ? "no basis" : row.refusalReason()));
        } else {
            e.setOutcome(AuditEvent.AuditEventOutcome._0);
        }
        purposes(row).forEach(e::addPurposeOfEvent);

        // the user
        boolean patient = "PATIENT".equals(row.role());
        String name = row.user() == null ? null : known.person(row.user());
        AuditEvent.AuditEventAgentComponent user = e.addAgent()
                .setType(new CodeableConcept(new Coding(PARTICIPATION, "IRCP", "information recipient")))
                .setRequestor(true);
        Reference who = new Reference().setType(patient ? "Patient" : "Practitioner").setDisplay(name);
        if (row.user() != null) {
            who.setIdentifier(FhirIds.user(row.user()));
        }
        user.setWho(who);
        if (name != null) {
            user.setName(name);
        }
        if (row.role() != null) {
            user.addRole(new CodeableConcept(new Coding(FhirIds.ROLE, row.role(), null)));
        }
        if (row.basis() != null) {
            user.addPolicy(FhirIds.BASIS + "#" + row.basis());
        }
        if (row.policyVersion() != null) {
            user.addPolicy(FhirIds.BASE + "/policy/" + row.policyVersion());
        }
        row.receipt().forEach(receipt -> user.addPolicy(asUri(receipt)));

        // the user's organisation
        if (row.organisation() != null) {
            OdsCode ods = OdsCode.of(row.organisation());
            e.addAgent()
                    .setType(new CodeableConcept(new Coding(ROLE_CLASS, "PROV", "healthcare provider")))
                    .setWho(FhirIds.organisationByOds(ods).setDisplay(known.organisation(ods)))
                    .setRequestor(false);
        }

        e.setSource(new AuditEvent.AuditEventSourceComponent()
                .setSite("CareLedger")
                .setObserver(new Reference().setType("Device").setDisplay("CareLedger"))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server")));

        // the patient, with the facts of the decision
        if (row.patient() != null) {
            AuditEvent.AuditEventEntityComponent p = e.addEntity()
                    .setWhat(FhirIds.patientByNhsNumber(NhsNumber.of(row.patient())))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
            detail(p, "basis", row.basis());
            detail(p, "grant", row.grant() == null ? null : row.grant().toString());
            detail(p, "emergency", row.emergency() == null ? null : row.emergency().toString());
            detail(p, "channel", row.channel());
            detail(p, "view", row.view());
            detail(p, "policyVersion", row.policyVersion());
            detail(p, "withheld", row.withheld() == null ? null : row.withheld().toString());
            detail(p, "emergencyUntil", row.emergencyUntil() == null ? null : row.emergencyUntil().toString());
        }
        // each disclosed entry version
        for (AuditRecord.Disclosure d : row.disclosed()) {
            String type = d.section() == null ? null : RecordBundleMapper.resourceType(d.section());
            Reference what = new Reference().setIdentifier(FhirIds.entry(d.entry()));
            if (type != null) {
                what.setType(type).setReference(type + "/" + d.entry() + "/_history/" + d.version());
            }
            AuditEvent.AuditEventEntityComponent entity = e.addEntity()
                    .setWhat(what)
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
            detail(entity, "version", String.valueOf(d.version()));
            detail(entity, "section", d.section() == null ? null : d.section().name());
        }
        return e;
    }

    private static List<CodeableConcept> purposes(AuditRecord row) {
        List<CodeableConcept> purposes = new java.util.ArrayList<>();
        if (row.purpose() != null) {
            CodeableConcept purpose = new CodeableConcept(new Coding(FhirIds.PURPOSE, row.purpose(), null));
            String v3 = switch (row.purpose()) {
                case "DIRECT_CARE", "MEDICATION_REVIEW" -> "TREAT";
                case "EMERGENCY_CARE" -> "ETREAT";
                case "CARE_PLANNING", "REFERRAL" -> "COC";
                case "ADMINISTRATION" -> "HOPERAT";
                case "PATIENT_ACCESS" -> "PATRQT";
                default -> null; // SAFEGUARDING: no v3 purpose of use says it; the CareLedger code does
            };
            if (v3 != null) {
                purpose.addCoding(new Coding(ACT_REASON, v3, null));
            }
            purposes.add(purpose);
        }
        if ("EMERGENCY".equals(row.basis()) || "EMERGENCY_DECLARED".equals(row.kind())) {
            purposes.add(new CodeableConcept(new Coding(ACT_REASON, "BTG", "break the glass")));
        }
        return purposes;
    }

    private static void detail(AuditEvent.AuditEventEntityComponent entity, String type, String value) {
        if (value != null) {
            entity.addDetail().setType(type).setValue(new StringType(value));
        }
    }

    /** Axon event ids are UUIDs; anything else (an imported id) becomes a name-based UUID, so ids stay valid. */
    private static String eventId(String ledgerEventId) {
        return isUuid(ledgerEventId) ? ledgerEventId.toLowerCase(Locale.ROOT)
                : FhirIds.named("audit-event", ledgerEventId);
    }

    private static String asUri(String ledgerEventId) {
        return isUuid(ledgerEventId) ? "urn:uuid:" + ledgerEventId.toLowerCase(Locale.ROOT)
                : FhirIds.LEDGER_EVENT + "/" + ledgerEventId;
    }

    private static boolean isUuid(String id) {
        return id != null && id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }
}
