package org.careledger.api.fhir;

import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.Role;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.careledger.api.fhir.FhirIds.dateTime;
import static org.careledger.api.fhir.FhirIds.instant;

/**
 * A patient's consent to share ({@link SharingConsents}) to FHIR R4 Consent resources.
 * <ul>
 *   <li>One Consent per organisation and direction with a decision: id = name-based UUID of (NHS number,
 *       ODS code, direction), so the same decision slot keeps its id; identifier = the ledger event that recorded
 *       the latest decision. status active; scope patient-privacy; category LOINC 59284-0 (patient consent) and the
 *       CareLedger direction (SHARE_OUT / SHARE_IN); patient by NHS number.</li>
 *   <li>GRANTED → policyRule v3-ActCode OPTIN and provision.type permit; REFUSED → OPTOUT and deny.</li>
 *   <li>The organisation is the provision's actor: for share-out with role v3-ParticipationType CST (custodian:
 *       entries authored there, the source of the data), for share-in with IRCP (information recipient: users
 *       there, who would see entries from elsewhere).</li>
 *   <li>Dissent → a Consent (id name-based on the NHS number) with policyRule OPTOUT, provision deny and no
 *       actor (it refuses every share-out); status active while in force, inactive once withdrawn.</li>
 *   <li>dateTime = when it was recorded; performer = who recorded it (R4 defines performer as the grantor; when
 *       the patient records online these coincide, when staff record on the patient's behalf the patient still
 *       stands as the grantor in Consent.patient): a Patient or a Practitioner by user-id identifier, with the
 *       recorder's organisation as a second performer; how (VERBAL, WRITTEN, ONLINE_BY_PATIENT) in the extension
 *       {@value FhirIds#EXT_CONSENT_METHOD} (valueCoding). Absent when the source does not know them.</li>
 * </ul>
 */
public final class ConsentMapper {

    private static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
    private static final String LOINC = "http://loinc.org";
    private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private ConsentMapper() {
    }

    public static List<Consent> consents(SharingConsents consents, FhirNames names) {
        FhirNames known = names == null ? FhirNames.NONE : names;
        List<Consent> out = new ArrayList<>();
        for (SharingConsents.Decision d : consents.decisions()) {
            out.add(decision(consents.patient(), d, known));
        }
        if (consents.dissent() != null) {
            out.add(dissent(consents.patient(), consents.dissent(), known));
        }
        return out;
    }

    public static Bundle bundle(SharingConsents consents, FhirNames names, Instant generatedAt) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestampElement(instant(generatedAt));
        for (Consent c : consents(consents, names)) {
            bundle.addEntry().setFullUrl(FhirIds.urn(c.getIdElement().getIdPart())).setResource(c);
        }
        return bundle;
    }

    static Consent decision(NhsNumber patient, SharingConsents.Decision d, FhirNames names) {
        boolean granted = d.decision() == ConsentDecision.GRANTED;
        Consent c = base(patient, FhirIds.named("consent", patient.value() + "/" + d.organisation().value() + "/"
                + d.direction()), d.event(), d.method(), d.by(), d.at(), names);
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.addCategory(new CodeableConcept(new Coding(FhirIds.CONSENT_DIRECTION, d.direction().name(),
                d.direction() == ConsentDirection.SHARE_OUT ? "Share out" : "Share in")));
        c.setPolicyRule(policyRule(granted));
        boolean out = d.direction() == ConsentDirection.SHARE_OUT;
        c.setProvision(new Consent.ProvisionComponent()
                .setType(granted ? Consent.ConsentProvisionType.PERMIT : Consent.ConsentProvisionType.DENY)
                .addActor(new Consent.provisionActorComponent()
                        .setRole(new CodeableConcept(out ? new Coding(PARTICIPATION, "CST", "custodian")
                                : new Coding(PARTICIPATION, "IRCP", "information recipient")))
                        .setReference(FhirIds.organisationByOds(d.organisation())
                                .setDisplay(names.organisation(d.organisation())))));
        return c;
    }

    static Consent dissent(NhsNumber patient, SharingConsents.Dissent d, FhirNames names) {
        Consent c = base(patient, FhirIds.named("dissent", patient.value()), d.event(), d.method(), d.by(), d.at(),
                names);
        c.setStatus(d.inForce() ? Consent.ConsentState.ACTIVE : Consent.ConsentState.INACTIVE);
        c.addCategory(new CodeableConcept(new Coding(FhirIds.CONSENT_DIRECTION, "DISSENT", "Dissent from sharing")));
        c.setPolicyRule(policyRule(false));
        c.setProvision(new Consent.ProvisionComponent().setType(Consent.ConsentProvisionType.DENY));
        return c;
    }

    private static Consent base(NhsNumber patient, String id, String event, ConsentMethod method, Actor by,
                                Instant at, FhirNames names) {
        Consent c = new Consent();
        c.setId(id);
        if (event != null) {
            c.addIdentifier(new Identifier().setSystem(FhirIds.LEDGER_EVENT).setValue(event));
        }
        c.setScope(new CodeableConcept(new Coding(CONSENT_SCOPE, "patient-privacy", "Privacy Consent")));
        c.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
        c.setPatient(FhirIds.patientByNhsNumber(patient));
        if (at != null) {
            c.setDateTimeElement(dateTime(at));
        }
        if (by != null) {
            String name = names.person(by.user().value());
            c.addPerformer(new Reference().setType(by.role() == Role.PATIENT ? "Patient" : "Practitioner")
                    .setIdentifier(FhirIds.user(by.user().value())).setDisplay(name));
            if (by.organisation() != null) {
                c.addPerformer(FhirIds.organisationByOds(by.organisation())
                        .setDisplay(names.organisation(by.organisation())));
            }
        }
        if (method != null) {
            c.addExtension(FhirIds.EXT_CONSENT_METHOD, new Coding(FhirIds.CONSENT_METHOD, method.name(),
                    method.name().replace('_', ' ').toLowerCase(Locale.ROOT)));
        }
        return c;
    }

    private static CodeableConcept policyRule(boolean optIn) {
        return new CodeableConcept(optIn ? new Coding(ACT_CODE, "OPTIN", "opt-in")
                : new Coding(ACT_CODE, "OPTOUT", "opt-out"));
    }
}
