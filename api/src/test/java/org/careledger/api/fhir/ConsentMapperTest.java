package org.careledger.api.fhir;

import org.careledger.access.PatientSharingState;
import org.careledger.shared.ConsentDecision;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.api.fhir.FhirAssertions.assertSelfContained;
import static org.careledger.api.fhir.FhirAssertions.resources;
import static org.careledger.api.fhir.FhirAssertions.roundTrip;

class ConsentMapperTest {

    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final OdsCode PRACTICE = OdsCode.of("Y01234");
    static final OdsCode TRUST = OdsCode.of("RX1");
    static final Instant T0 = Instant.parse("2026-01-10T09:00:00Z");
    static final Actor RECEPTION = Actor.staff(new UserId(UUID.fromString("11111111-1111-4111-8111-111111111111")),
            Role.PRACTICE_ADMIN, PRACTICE);
    static final Actor SELF = Actor.patient(new UserId(UUID.fromString("99999999-9999-4999-8999-999999999999")));

    private static SharingConsents.Recorded recorded(String id, Object event) {
        return new SharingConsents.Recorded(id, (org.careledger.consent.PatientConsentEvent) event);
    }

    @Test
    void theLatestDecisionPerOrganisationAndDirectionBecomesAPermitOrDenyConsent() {
        SharingConsents consents = SharingConsents.fromLedger(PATIENT, List.of(
                recorded("e1", new ConsentDecisionRecorded(PATIENT, PRACTICE, ConsentDirection.SHARE_OUT,
                        ConsentDecision.REFUSED, ConsentMethod.VERBAL, RECEPTION, T0)),
                recorded("e2", new ConsentDecisionRecorded(PATIENT, PRACTICE, ConsentDirection.SHARE_OUT,
                        ConsentDecision.GRANTED, ConsentMethod.ONLINE_BY_PATIENT, SELF, T0.plusSeconds(60))),
                recorded("e3", new ConsentDecisionRecorded(PATIENT, TRUST, ConsentDirection.SHARE_IN,
                        ConsentDecision.REFUSED, ConsentMethod.WRITTEN, RECEPTION, T0.plusSeconds(120))),
                recorded("e4", new DissentRecorded(PATIENT, ConsentMethod.VERBAL, RECEPTION, T0.plusSeconds(180))),
                recorded("e5", new DissentWithdrawn(PATIENT, ConsentMethod.ONLINE_BY_PATIENT, SELF,
                        T0.plusSeconds(240)))));

        Bundle bundle = roundTrip(ConsentMapper.bundle(consents, new FhirNames() {
            @Override
            public String organisation(OdsCode organisation) {
                return organisation.equals(TRUST) ? "Community Trust" : null;
            }
        }, T0.plusSeconds(300)));
        assertSelfContained(bundle);
        List<Consent> all = resources(bundle, Consent.class);
        assertThat(all).hasSize(3);

        Consent shareOut = all.get(0);
        assertThat(shareOut.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(shareOut.getIdentifierFirstRep().getValue()).isEqualTo("e2");
        assertThat(shareOut.getScope().getCodingFirstRep().getCode()).isEqualTo("patient-privacy");
        assertThat(shareOut.getCategory()).flatExtracting(c -> c.getCoding()).extracting(Coding::getCode)
                .containsExactly("59284-0", "SHARE_OUT");
        assertThat(shareOut.getPatient().getIdentifier().getValue()).isEqualTo("9990000018");
        assertThat(shareOut.getPolicyRule().getCodingFirstRep().getCode()).isEqualTo("OPTIN");
        assertThat(shareOut.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.PERMIT);
        Consent.provisionActorComponent actor = shareOut.getProvision().getActorFirstRep();
        assertThat(actor.getRole().getCodingFirstRep().getCode()).isEqualTo("CST");
        assertThat(actor.getReference().getIdentifier().getSystem())
                .isEqualTo("https://fhir.nhs.uk/Id/ods-organization-code");
        assertThat(actor.getReference().getIdentifier().getValue()).isEqualTo("Y01234");
        assertThat(shareOut.getDateTime().toInstant()).isEqualTo(T0.plusSeconds(60));
        assertThat(shareOut.getPerformer()).hasSize(1);
        assertThat(shareOut.getPerformerFirstRep().getType()).isEqualTo("Patient");
        assertThat(shareOut.getPerformerFirstRep().getIdentifier().getValue()).isEqualTo(SELF.user().toString());
        assertThat(((Coding) shareOut.getExtensionByUrl(FhirIds.EXT_CONSENT_METHOD).getValue()).getCode())
                .isEqualTo("ONLINE_BY_PATIENT");

        Consent shareIn = all.get(1);
        assertThat(shareIn.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.DENY);
        assertThat(shareIn.getPolicyRule().getCodingFirstRep().getCode()).isEqualTo("OPTOUT");
        assertThat(shareIn.getProvision().getActorFirstRep().getRole().getCodingFirstRep().getCode())
                .isEqualTo("IRCP");
        assertThat(shareIn.getProvision().getActorFirstRep().getReference().getDisplay()).isEqualTo("Community Trust");
        assertThat(shareIn.getPerformer()).extracting(r -> r.getType()).containsExactly("Practitioner", "Organization");
        assertThat(shareIn.getPerformer().get(1).getIdentifier().getValue()).isEqualTo("Y01234");
        assertThat(((Coding) shareIn.getExtensionByUrl(FhirIds.EXT_CONSENT_METHOD).getValue()).getCode())
                .isEqualTo("WRITTEN");

        Consent dissent = all.get(2);
        assertThat(dissent.getStatus()).as("withdrawn").isEqualTo(Consent.ConsentState.INACTIVE);
        assertThat(dissent.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.DENY);
        assertThat(dissent.getProvision().hasActor()).isFalse();
        assertThat(dissent.getIdentifierFirstRep().getValue()).isEqualTo("e5");

        // ids are stable per decision slot: the same slot decided again keeps its id
        assertThat(FhirAssertions.idOf(shareOut)).isEqualTo(FhirIds.named("consent", "9990000018/Y01234/SHARE_OUT"));
    }

    @Test
    void fromTheViewsTheDecisionsComeWithoutHowWhoAndWhen() {
        PatientSharingState state = new PatientSharingState(PATIENT, PRACTICE, "reg", List.of(
                new PatientSharingState.Consent(TRUST, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, "e7")),
                new PatientSharingState.Dissent(true, "e8"), List.of(), List.of(), List.of());
        List<Consent> consents = ConsentMapper.consents(SharingConsents.fromSharingState(state), null);
        assertThat(consents).hasSize(2);
        Consent grant = roundTrip(consents.get(0));
        assertThat(grant.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.PERMIT);
        assertThat(grant.hasDateTime()).isFalse();
        assertThat(grant.hasPerformer()).isFalse();
        assertThat(grant.hasExtension()).isFalse();
        Consent dissent = roundTrip(consents.get(1));
        assertThat(dissent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(dissent.getPolicyRule().getCodingFirstRep().getCode()).isEqualTo("OPTOUT");
    }
}
