package org.careledger.api.fhir;

import org.careledger.audit.trail.AuditRecord;
import org.careledger.shared.EntryId;
import org.careledger.shared.Section;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careledger.api.fhir.FhirAssertions.assertSelfContained;
import static org.careledger.api.fhir.FhirAssertions.idOf;
import static org.careledger.api.fhir.FhirAssertions.roundTrip;

class AuditEventMapperTest {

    static final Instant AT = Instant.parse("2026-03-03T22:41:07.250Z");
    static final UUID USER = UUID.fromString("11111111-1111-4111-8111-111111111111");
    static final UUID GRANT = UUID.fromString("33333333-3333-4333-8333-333333333333");
    static final EntryId PROBLEM = new EntryId(UUID.fromString("44444444-4444-4444-8444-444444444444"));
    static final EntryId LETTER = new EntryId(UUID.fromString("55555555-5555-4555-8555-555555555555"));
    static final String RECEIPT = "66666666-6666-4666-8666-666666666666";

    static AuditRecord read() {
        return new AuditRecord("0b7c2a5e-7a61-4c57-9a0c-3f9d4b1e2a10", 42, "ACCESSED", AT, USER, "DISTRICT_NURSE",
                "RX1", "9990000018", "GRANT", GRANT, null, "DIRECT_CARE", "WEB", "CURRENT", "3",
                List.of(RECEIPT), List.of(new AuditRecord.Disclosure(PROBLEM, 2, Section.PROBLEMS),
                new AuditRecord.Disclosure(LETTER, 1, null)), 3, null, null);
    }

    @Test
    void aReadBecomesABalpReadAuditEventNamingWhoWhatVersionBasisAndPurpose() {
        AuditEvent e = roundTrip(AuditEventMapper.auditEvent(read(), new FhirNames() {
            @Override
            public String person(UUID user) {
                return "Nina Nurse";
            }
        }));

        assertThat(e.getIdElement().getIdPart()).isEqualTo("0b7c2a5e-7a61-4c57-9a0c-3f9d4b1e2a10");
        assertThat(e.getType().getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/audit-event-type");
        assertThat(e.getType().getCode()).isEqualTo("rest");
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(e.getRecorded().toInstant()).isEqualTo(AT);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(e.getPurposeOfEventFirstRep().getCoding()).extracting(Coding::getCode)
                .containsExactly("DIRECT_CARE", "TREAT");

        AuditEvent.AuditEventAgentComponent user = e.getAgent().get(0);
        assertThat(user.getRequestor()).isTrue();
        assertThat(user.getType().getCodingFirstRep().getCode()).isEqualTo("IRCP");
        assertThat(user.getWho().getType()).isEqualTo("Practitioner");
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo(USER.toString());
        assertThat(user.getName()).isEqualTo("Nina Nurse");
        assertThat(user.getRoleFirstRep().getCodingFirstRep().getCode()).isEqualTo("DISTRICT_NURSE");
        assertThat(user.getPolicy()).extracting(PrimitiveType::getValue).containsExactly(
                FhirIds.BASIS + "#GRANT", FhirIds.BASE + "/policy/3", "urn:uuid:" + RECEIPT);
        AuditEvent.AuditEventAgentComponent organisation = e.getAgent().get(1);
        assertThat(organisation.getWho().getIdentifier().getSystem())
                .isEqualTo("https://fhir.nhs.uk/Id/ods-organization-code");
        assertThat(organisation.getWho().getIdentifier().getValue()).isEqualTo("RX1");
        assertThat(organisation.getRequestor()).isFalse();
        assertThat(e.getSource().getSite()).isEqualTo("CareLedger");
        assertThat(e.getSource().getObserver().getDisplay()).isEqualTo("CareLedger");

        assertThat(e.getEntity()).hasSize(3);
        AuditEvent.AuditEventEntityComponent patient = e.getEntity().get(0);
        assertThat(patient.getWhat().getIdentifier().getSystem()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number");
        assertThat(patient.getWhat().getIdentifier().getValue()).isEqualTo("9990000018");
        assertThat(patient.getRole().getCode()).isEqualTo("1");
        assertThat(details(patient)).containsEntry("basis", "GRANT").containsEntry("grant", GRANT.toString())
                .containsEntry("channel", "WEB").containsEntry("view", "CURRENT").containsEntry("withheld", "3")
                .containsEntry("policyVersion", "3");
        AuditEvent.AuditEventEntityComponent problem = e.getEntity().get(1);
        assertThat(problem.getWhat().getReference()).isEqualTo("Condition/" + PROBLEM + "/_history/2");
        assertThat(problem.getWhat().getIdentifier().getValue()).isEqualTo(PROBLEM.toString());
        assertThat(details(problem)).containsEntry("version", "2").containsEntry("section", "PROBLEMS");
        AuditEvent.AuditEventEntityComponent letter = e.getEntity().get(2);
        assertThat(letter.getWhat().hasReference()).as("section unknown to the trail: identifier only").isFalse();
        assertThat(letter.getWhat().getIdentifier().getValue()).isEqualTo(LETTER.toString());
        assertThat(details(letter)).containsEntry("version", "1");
    }

    @Test
    void aRefusalIsAMinorFailureWithItsReasonAndNoEntities() {
        AuditRecord refused = new AuditRecord("7d8e9f00-1111-4222-8333-444455556666", 43, "REFUSED", AT, USER,
                "SOCIAL_WORKER", "SC1", "9990000018", null, null, null, "CARE_PLANNING", "API", "CURRENT", "3",
                List.of(), List.of(), null, "NO_BASIS", null);
        AuditEvent e = roundTrip(AuditEventMapper.auditEvent(refused, null));
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(e.getOutcomeDesc()).contains("NO_BASIS");
        assertThat(e.getAgentFirstRep().getPolicy()).extracting(PrimitiveType::getValue)
                .containsExactly(FhirIds.BASE + "/policy/3");
        assertThat(e.getEntity()).hasSize(1);
        assertThat(e.getPurposeOfEventFirstRep().getCoding()).extracting(Coding::getCode)
                .containsExactly("CARE_PLANNING", "COC");
    }

    @Test
    void breakingTheGlassIsASecurityAlertAndEmergencyReadsCarryBtg() {
        UUID emergency = UUID.randomUUID();
        AuditRecord declared = new AuditRecord("a1b2c3d4-0000-4000-8000-000000000001", 44, "EMERGENCY_DECLARED", AT,
                USER, "OOH_CLINICIAN", "NX1", "9990000018", null, null, emergency, null, null, null, null,
                List.of(), List.of(), null, null, AT.plusSeconds(4 * 3600));
        AuditRecord emergencyRead = new AuditRecord("a1b2c3d4-0000-4000-8000-000000000002", 45, "ACCESSED", AT,
                USER, "OOH_CLINICIAN", "NX1", "9990000018", "EMERGENCY", null, emergency, "EMERGENCY_CARE", "WEB",
                "CURRENT", "3", List.of(), List.of(), 0, null, null);
        AuditRecord patientRead = new AuditRecord("not-a-uuid-event", 46, "ACCESSED", AT, USER, "PATIENT", null,
                "9990000018", "SELF", null, null, "PATIENT_ACCESS", "WEB", "CURRENT", "3", List.of(), List.of(), 0,
                null, null);

        Bundle bundle = roundTrip(AuditEventMapper.bundle(List.of(declared, emergencyRead, patientRead),
                FhirNames.NONE, AT));
        assertSelfContained(bundle);
        List<AuditEvent> events = FhirAssertions.resources(bundle, AuditEvent.class);
        assertThat(events).hasSize(3);

        AuditEvent alert = events.get(0);
        assertThat(alert.getType().getCode()).isEqualTo("110113");
        assertThat(alert.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(alert.getPurposeOfEvent()).anySatisfy(p -> assertThat(p.getCodingFirstRep().getCode())
                .isEqualTo("BTG"));
        assertThat(details(alert.getEntityFirstRep())).containsEntry("emergency", emergency.toString())
                .containsKey("emergencyUntil");

        assertThat(events.get(1).getPurposeOfEvent()).flatExtracting(p -> p.getCoding()).extracting(Coding::getCode)
                .contains("EMERGENCY_CARE", "ETREAT", "BTG");

        AuditEvent self = events.get(2);
        assertThat(idOf(self)).matches("[0-9a-f\\-]{36}");
        assertThat(self.getAgent()).hasSize(1);
        assertThat(self.getAgentFirstRep().getWho().getType()).isEqualTo("Patient");
        assertThat(self.getPurposeOfEventFirstRep().getCoding()).extracting(Coding::getCode)
                .containsExactly("PATIENT_ACCESS", "PATRQT");
    }

    private static Map<String, String> details(AuditEvent.AuditEventEntityComponent entity) {
        return entity.getDetail().stream().collect(Collectors.toMap(
                AuditEvent.AuditEventEntityDetailComponent::getType, d -> d.getValue().primitiveValue()));
    }
}
