package org.careledger.storage;

import org.careledger.access.AccessDecision;
import org.careledger.access.AccessGrantRevoked;
import org.careledger.access.AccessGranted;
import org.careledger.access.EmergencyAccessDeclared;
import org.careledger.access.UnrecognisedAccessReported;
import org.careledger.alert.AlertClosed;
import org.careledger.alert.AlertOutcome;
import org.careledger.alert.AlertReviewed;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.SealedEntryAccessGranted;
import org.careledger.audit.AuditTrailQueried;
import org.careledger.audit.Channel;
import org.careledger.audit.ConsentViewed;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.PatientSearched;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordView;
import org.careledger.audit.RecordWriteRefused;
import org.careledger.shared.ConsentDecision;
import org.careledger.consent.ConsentDecisionRecorded;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.DissentRecorded;
import org.careledger.consent.DissentWithdrawn;
import org.careledger.directory.OrganisationRegistered;
import org.careledger.directory.RoleAssigned;
import org.careledger.directory.RoleAssignmentEnded;
import org.careledger.directory.StaffMemberRegistered;
import org.careledger.directory.TeamFormed;
import org.careledger.directory.TeamJoined;
import org.careledger.directory.TeamLeft;
import org.careledger.policy.PolicyVersionActivated;
import org.careledger.record.Address;
import org.careledger.record.ClinicalCode;
import org.careledger.record.Demographics;
import org.careledger.record.DemographicsUpdated;
import org.careledger.record.EntryAmended;
import org.careledger.record.EntryContent;
import org.careledger.record.EntryMarkedEnteredInError;
import org.careledger.record.EntryRecorded;
import org.careledger.record.EntrySensitivityChanged;
import org.careledger.record.PatientRegistered;
import org.careledger.record.Quantity;
import org.careledger.record.RegistrationTransferred;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.LedgerEvent;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;

/** One fixed, fully populated instance of every event: the subjects of the golden JSON files. */
final class EventSamples {

    static final Instant AT = Instant.parse("2026-03-03T09:15:30Z");
    static final NhsNumber PATIENT = NhsNumber.of("9990000018");
    static final OdsCode PRACTICE = OdsCode.of("Y01234");
    static final OdsCode CLINIC = OdsCode.of("RX1");
    static final UserId GP_USER = UserId.of("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
    static final UserId ADMIN_USER = UserId.of("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    static final UserId PATIENT_USER = UserId.of("aa00bb11-cc22-4d33-8e44-ff5566778899");
    static final Actor GP = Actor.staff(GP_USER, Role.GP, PRACTICE);
    static final Actor ADMIN = Actor.staff(ADMIN_USER, Role.ADMINISTRATOR, OdsCode.of("X26"));
    static final TeamId TEAM = TeamId.of("11111111-2222-4333-8444-555555555555");
    static final EntryId ENTRY = EntryId.of("22222222-3333-4444-8555-666666666666");
    static final GrantId GRANT = GrantId.of("33333333-4444-4555-8666-777777777777");
    static final EmergencyAccessId EMERGENCY = EmergencyAccessId.of("44444444-5555-4666-8777-888888888888");

    private EventSamples() {
    }

    static List<LedgerEvent> all() {
        Demographics demographics = new Demographics("Ada", "Testpatient", LocalDate.of(1961, 7, 14),
                Demographics.Gender.FEMALE, new Address("1 Synthetic Row", "Flat 2", "Testbury", "ZZ99 3AB"));
        EntryContent content = new EntryContent(ClinicalCode.snomed("38341003"), "Hypertensive disorder",
                "Home readings consistently raised.", new Quantity(new BigDecimal("152.0"), "mm[Hg]"),
                LocalDate.of(2026, 3, 1), "pathway-hypertension-v2");
        return List.of(
                new OrganisationRegistered(PRACTICE, "Synthetic Road Surgery", OrganisationType.GP_PRACTICE, ADMIN, AT),
                new TeamFormed(CLINIC, TEAM, "North District Nursing", ADMIN, AT),
                new StaffMemberRegistered(GP_USER, "Dr Sam Synthetic", ADMIN, AT),
                new RoleAssigned(GP_USER, Role.GP, PRACTICE, ADMIN, AT),
                new RoleAssignmentEnded(GP_USER, Role.GP, PRACTICE, "Left the practice", ADMIN, AT),
                new TeamJoined(GP_USER, TEAM, CLINIC, ADMIN, AT),
                new TeamLeft(GP_USER, TEAM, CLINIC, ADMIN, AT),
                new PatientRegistered(PATIENT, demographics, PRACTICE, GP, AT),
                new DemographicsUpdated(PATIENT, demographics, GP, AT),
                new RegistrationTransferred(PATIENT, PRACTICE, OdsCode.of("Y05678"), GP, AT),
                new EntryRecorded(PATIENT, ENTRY, Section.PROBLEMS, content, Sensitivity.NORMAL, GP, AT),
                new EntryAmended(PATIENT, ENTRY, 2, content, "Corrected the reading", GP, AT),
                new EntryMarkedEnteredInError(PATIENT, ENTRY, "Recorded against the wrong patient", GP, AT),
                new EntrySensitivityChanged(PATIENT, ENTRY, Sensitivity.NORMAL, Sensitivity.SEALED,
                        "Patient asked for it to be sealed", GP, AT),
                new ConsentDecisionRecorded(PATIENT, CLINIC, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED,
                        ConsentMethod.VERBAL, GP, AT),
                new DissentRecorded(PATIENT, ConsentMethod.ONLINE_BY_PATIENT, Actor.patient(PATIENT_USER), AT),
                new DissentWithdrawn(PATIENT, ConsentMethod.WRITTEN, GP, AT),
                new AccessGranted(PATIENT, GRANT, Grantee.team(TEAM), GrantReason.CASELOAD,
                        new GrantScope(EnumSet.of(Section.MEDICATIONS, Section.COMMUNITY_NURSING)),
                        AT, AT.plusSeconds(86_400L * 90), GP, AT),
                new SealedEntryAccessGranted(PATIENT, GRANT, Grantee.user(GP_USER), List.of(ENTRY),
                        "Needed for the safeguarding review", AT, AT.plusSeconds(86_400L * 7), GP, AT),
                new AccessGrantRevoked(PATIENT, GRANT, "Episode of care ended", GP, AT),
                new EmergencyAccessDeclared(PATIENT, EMERGENCY, "Unconscious in A&E, no history available",
                        AT.plusSeconds(4 * 3600), GP, AT),
                new UnrecognisedAccessReported(PATIENT, "5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70",
                        "I have never been to that clinic", Actor.patient(PATIENT_USER), AT),
                new PolicyVersionActivated("2", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "policy.version=2\n", ADMIN, AT),
                new RecordAccessed(PATIENT, AccessDecision.Basis.GRANT, GRANT, null, Purpose.DIRECT_CARE, Channel.WEB,
                        RecordView.CURRENT, "1", List.of("5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70"),
                        List.of(new DisclosedEntry(ENTRY, 2)), 3, GP, AT),
                new RecordAccessRefused(PATIENT, AccessDecision.Refused.NO_BASIS, Purpose.DIRECT_CARE, Channel.API,
                        RecordView.CURRENT, "1", GP, AT),
                new RecordPreviewed(PATIENT, Role.DISTRICT_NURSE, CLINIC, AccessDecision.Basis.GRANT, null,
                        Purpose.CARE_PLANNING, Channel.WEB, "1", List.of("5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70"),
                        List.of(new DisclosedEntry(ENTRY, 2)), true, 3, 1, 1, GP, AT),
                new ConsentViewed(PATIENT, Channel.FHIR_EXPORT, RecordView.EXPORT, Actor.patient(PATIENT_USER), AT),
                new RecordWriteRefused(PATIENT, "RecordEntry", org.careledger.shared.Refusal.Kind.NO_CARE_RELATIONSHIP,
                        GP, AT),
                new PatientSearched(PatientSearched.SearchKind.SURNAME_AND_BIRTH_DATE, List.of(PATIENT), Channel.WEB, GP,
                        AT),
                new AuditTrailQueried(AuditTrailQueried.AuditQuestion.READERS_OF_ENTRY, ENTRY.toString(),
                        AT.minusSeconds(86_400L * 30), AT, Actor.staff(ADMIN_USER, Role.IG_OFFICER, PRACTICE), AT),
                new AlertReviewed("UNRECOGNISED_ACCESS:5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70",
                        "Asked the practice manager who was on call", Actor.staff(ADMIN_USER, Role.IG_OFFICER, PRACTICE),
                        AT),
                new AlertClosed("UNRECOGNISED_ACCESS:5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70",
                        AlertOutcome.APPROPRIATE_ACCESS_CONFIRMED, "On-call GP, part of the patient's care",
                        Actor.staff(ADMIN_USER, Role.IG_OFFICER, PRACTICE), AT));
    }
}
