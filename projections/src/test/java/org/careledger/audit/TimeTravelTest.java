package org.careledger.audit;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantAccess;
import org.careledger.shared.GrantReason;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.audit.timetravel.TimeTravel;
import org.careledger.audit.timetravel.WhoCouldHaveSeen;
import org.careledger.audit.timetravel.WhoCouldHaveSeen.PossibleReader;
import org.careledger.audit.timetravel.WhoCouldHaveSeenRecord;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.RolePolicy;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.storage.Fixtures;
import org.careledger.storage.LedgerDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.HOURS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.audit.AuditWorld.IG;

/**
 * "Who could have seen this entry at D?" across a history in which consent is given, refused and given again, the
 * entry's sensitivity changes, a grant is revoked, an emergency comes and goes and a new policy version narrows a
 * role's view. Each instant's answer is rebuilt from the events alone.
 */
class TimeTravelTest extends LedgerDatabaseTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TimeTravel timeTravel;

    @Test
    void whoCouldHaveSeenAnEntryAtSeveralInstants() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant t0 = AuditWorld.newEra().plus(Duration.ofDays(365 * 3)); // clear of every other test's era
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, t0);
        OdsCode clinic = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUTPATIENT_CLINIC, t0);
        Actor gp = world.staff("Dr Gee Pee", Role.GP, practice, t0);
        Actor nurse = world.staff("Nurse Enn", Role.PRACTICE_NURSE, practice, t0);
        Actor admin = world.staff("Ad Min", Role.PRACTICE_ADMIN, practice, t0);
        Actor specialist = world.staff("Dr Spec", Role.SPECIALIST, clinic, t0);
        Actor colleague = world.staff("Dr Coll", Role.SPECIALIST, clinic, t0);

        NhsNumber patient = world.patient(practice, "Travel", LocalDate.of(1975, 4, 4), t0.plus(1, HOURS));
        Instant beforeEntry = t0.plus(90, java.time.temporal.ChronoUnit.MINUTES);
        EntryId entry = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, t0.plus(2, HOURS));
        commands.sendAndWait(consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp,
                t0.plus(3, HOURS)));
        commands.sendAndWait(consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp,
                t0.plus(3, HOURS)));
        GrantId grant = new GrantId(UUID.randomUUID());
        commands.sendAndWait(new GrantAccess(patient, grant, Grantee.user(specialist.user()), GrantReason.REFERRAL,
                GrantScope.wholeRecord(), t0.plus(4, HOURS), t0.plus(100, DAYS), gp, t0.plus(4, HOURS)));
        Instant d1 = t0.plus(5, HOURS);
        commands.sendAndWait(new ChangeEntrySensitivity(patient, entry, Sensitivity.PRIVATE,
                "patient asked", gp, t0.plus(6, HOURS)));
        Instant d2 = t0.plus(7, HOURS);
        commands.sendAndWait(new ChangeEntrySensitivity(patient, entry,
                Sensitivity.WITHHELD_FROM_PATIENT, "third-party information", gp, t0.plus(8, HOURS)));
        Instant d3 = t0.plus(9, HOURS);
        commands.sendAndWait(consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED, gp,
                t0.plus(10, HOURS)));
        Instant d4 = t0.plus(11, HOURS);
        commands.sendAndWait(consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp,
                t0.plus(12, HOURS)));
        Instant d5 = t0.plus(13, HOURS);
        commands.sendAndWait(new RevokeAccessGrant(patient, grant, "referral closed", gp, t0.plus(14, HOURS)));
        Instant d6 = t0.plus(15, HOURS);
        EmergencyAccessId emergency = new EmergencyAccessId(UUID.randomUUID());
        commands.sendAndWait(new DeclareEmergencyAccess(patient, emergency, "collapsed in clinic", colleague,
                t0.plus(16, HOURS)));
        Instant d7 = t0.plus(17, HOURS);
        Instant d8 = t0.plus(21, HOURS); // the emergency (4 h) is over
        String narrowed = "tt-" + UUID.randomUUID();
        commands.sendAndWait(new ActivatePolicyVersion(RolePolicy.defaultSource()
                .replace("policy.version=1", "policy.version=" + narrowed)
                .replace("role.PRACTICE_NURSE.reads=ALL EXCEPT SAFEGUARDING, SOCIAL_CARE, MENTAL_HEALTH",
                        "role.PRACTICE_NURSE.reads=ALL EXCEPT SAFEGUARDING, SOCIAL_CARE, MENTAL_HEALTH, CONSULTATIONS"),
                Fixtures.ADMIN, t0.plus(22, HOURS)));
        Instant d9 = t0.plus(23, HOURS);
        // restore the shipped views under a new version, so the ledger's latest policy is the default again for
        // whatever else shares this ledger (a policy in force read from the ledger would otherwise keep the narrowing)
        String restored = "tt-restored-" + UUID.randomUUID();
        commands.sendAndWait(new ActivatePolicyVersion(RolePolicy.defaultSource()
                .replace("policy.version=1", "policy.version=" + restored), Fixtures.ADMIN, t0.plus(24, HOURS)));
        Instant d10 = t0.plus(25, HOURS);

        long audited = world.eventsOfType(AuditTrailQueried.class, entry.toString());

        WhoCouldHaveSeen none = timeTravel.whoCouldHaveSeen(IG, patient, entry, beforeEntry);
        assertThat(none.entryExisted()).isFalse();
        assertThat(none.readers()).isEmpty();

        WhoCouldHaveSeen atD1 = timeTravel.whoCouldHaveSeen(IG, patient, entry, d1);
        assertThat(atD1.policyVersion()).isEqualTo("1");
        assertThat(atD1.facts().sensitivity()).isEqualTo(Sensitivity.NORMAL);
        assertThat(bases(atD1)).isEqualTo(Map.of(key(gp), Basis.REGISTERED, key(nurse), Basis.REGISTERED,
                key(specialist), Basis.GRANT, "PATIENT", Basis.SELF));
        PossibleReader viaGrant = reader(atD1, specialist);
        assertThat(viaGrant.grant()).isEqualTo(grant);
        assertThat(viaGrant.receipt()).hasSize(3); // the grant and the two consent decisions

        // PRIVATE: only the authoring organisation, and the patient
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d2)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse), "PATIENT");
        // WITHHELD_FROM_PATIENT: everyone with a basis again, but not the patient
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d3)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse), key(specialist));
        // share-in refused for the clinic
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d4)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse));
        // and granted again
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d5)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse), key(specialist));
        // the grant revoked
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d6)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse));
        // an emergency declared by a colleague at the clinic, while it lasts
        WhoCouldHaveSeen atD7 = timeTravel.whoCouldHaveSeen(IG, patient, entry, d7);
        assertThat(bases(atD7)).isEqualTo(Map.of(key(gp), Basis.REGISTERED, key(nurse), Basis.REGISTERED,
                key(colleague), Basis.EMERGENCY));
        assertThat(reader(atD7, colleague).emergency()).isEqualTo(emergency);
        assertThat(bases(timeTravel.whoCouldHaveSeen(IG, patient, entry, d8)).keySet())
                .containsExactlyInAnyOrder(key(gp), key(nurse));
        // a policy version that takes consultations out of the practice nurse's view
        WhoCouldHaveSeen atD9 = timeTravel.whoCouldHaveSeen(IG, patient, entry, d9);
        assertThat(atD9.policyVersion()).isEqualTo(narrowed);
        assertThat(bases(atD9).keySet()).containsExactlyInAnyOrder(key(gp));
        WhoCouldHaveSeen atD10 = timeTravel.whoCouldHaveSeen(IG, patient, entry, d10);
        assertThat(atD10.policyVersion()).isEqualTo(restored);
        assertThat(bases(atD10).keySet()).containsExactlyInAnyOrder(key(gp), key(nurse));
        // the practice administrator's view never held consultations
        assertThat(bases(atD1)).doesNotContainKey(key(admin));

        assertThat(world.eventsOfType(AuditTrailQueried.class, entry.toString())).isEqualTo(audited + 11);
        assertThatThrownBy(() -> timeTravel.whoCouldHaveSeen(gp, patient, entry, d1)).isInstanceOf(Refusal.class);
    }

    @Test
    void whoCouldHaveSeenARecordBySectionAtAnInstant() {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant t0 = AuditWorld.newEra().plus(Duration.ofDays(365 * 3));
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, t0);
        OdsCode clinic = world.organisation(AuditWorld.clinicCode(), OrganisationType.OUTPATIENT_CLINIC, t0);
        Actor gp = world.staff("Dr Rec", Role.GP, practice, t0);
        Actor admin = world.staff("Ad Rec", Role.PRACTICE_ADMIN, practice, t0);
        Actor specialist = world.staff("Dr Sect", Role.SPECIALIST, clinic, t0);
        Actor bystander = world.staff("Dr Far", Role.SPECIALIST, clinic, t0);

        Instant beforeRegistration = t0.plus(30, java.time.temporal.ChronoUnit.MINUTES);
        NhsNumber patient = world.patient(practice, "Sectioned", LocalDate.of(1980, 2, 2), t0.plus(1, HOURS));
        world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, t0.plus(2, HOURS));
        world.entry(patient, gp, Section.REFERRALS, Sensitivity.NORMAL, t0.plus(2, HOURS));
        world.entry(patient, gp, Section.REFERRALS, Sensitivity.NORMAL, t0.plus(2, HOURS));
        world.entry(patient, gp, Section.SAFEGUARDING, Sensitivity.NORMAL, t0.plus(2, HOURS));
        commands.sendAndWait(consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp,
                t0.plus(3, HOURS)));
        commands.sendAndWait(consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp,
                t0.plus(3, HOURS)));
        GrantId grant = new GrantId(UUID.randomUUID());
        commands.sendAndWait(new GrantAccess(patient, grant, Grantee.user(specialist.user()), GrantReason.REFERRAL,
                GrantScope.of(Section.DEMOGRAPHICS, Section.REFERRALS), t0.plus(4, HOURS), t0.plus(30, DAYS), gp,
                t0.plus(4, HOURS)));
        Instant d1 = t0.plus(5, HOURS);
        commands.sendAndWait(new RevokeAccessGrant(patient, grant, "referral closed", gp, t0.plus(6, HOURS)));
        Instant d2 = t0.plus(7, HOURS);

        long audited = world.eventsOfType(AuditTrailQueried.class, patient.value());
        WhoCouldHaveSeenRecord none = timeTravel.whoCouldHaveSeenRecord(IG, patient, beforeRegistration);
        assertThat(none.registeredPractice()).isNull();
        assertThat(none.readers()).isEmpty();

        WhoCouldHaveSeenRecord atD1 = timeTravel.whoCouldHaveSeenRecord(IG, patient, d1);
        assertThat(atD1.registeredPractice()).isEqualTo(practice);
        assertThat(atD1.entries()).isEqualTo(4);
        assertThat(sections(atD1, gp)).isEqualTo(Map.of(Section.DEMOGRAPHICS, 0, Section.CONSULTATIONS, 1,
                Section.REFERRALS, 2, Section.SAFEGUARDING, 1));
        assertThat(recordReader(atD1, gp).basis()).isEqualTo(Basis.REGISTERED);
        assertThat(sections(atD1, admin)).isEqualTo(Map.of(Section.DEMOGRAPHICS, 0));
        assertThat(recordReader(atD1, admin).withheld()).isEqualTo(4);
        // the consultation is in the specialist's view but outside the grant's scope
        assertThat(sections(atD1, specialist)).isEqualTo(Map.of(Section.DEMOGRAPHICS, 0, Section.REFERRALS, 2));
        assertThat(recordReader(atD1, specialist).basis()).isEqualTo(Basis.GRANT);
        assertThat(recordReader(atD1, specialist).grant()).isEqualTo(grant);
        assertThat(atD1.readers()).noneMatch(r -> bystander.user().equals(r.user()));
        WhoCouldHaveSeenRecord.PossibleReader self = atD1.readers().stream().filter(r -> r.role() == Role.PATIENT)
                .findFirst().orElseThrow();
        assertThat(self.basis()).isEqualTo(Basis.SELF);
        assertThat(self.sections().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);

        WhoCouldHaveSeenRecord atD2 = timeTravel.whoCouldHaveSeenRecord(IG, patient, d2);
        assertThat(atD2.readers()).noneMatch(r -> specialist.user().equals(r.user()));
        assertThat(sections(atD2, gp)).containsEntry(Section.REFERRALS, 2);

        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isEqualTo(audited + 3);
        assertThatThrownBy(() -> timeTravel.whoCouldHaveSeenRecord(gp, patient, d1)).isInstanceOf(Refusal.class);
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isEqualTo(audited + 3);
    }

    @Test
    void whenTheQuestionCannotBeAuditedTimeTravelAnswersNothing() throws Exception {
        AuditWorld world = new AuditWorld(commands, eventStore, jdbc);
        Instant t0 = AuditWorld.newEra().plus(Duration.ofDays(365 * 3));
        OdsCode practice = world.organisation(AuditWorld.gpCode(), OrganisationType.GP_PRACTICE, t0);
        Actor gp = world.staff("Dr Closed", Role.GP, practice, t0);
        NhsNumber patient = world.patient(practice, "Failclosed", LocalDate.of(1990, 3, 3), t0.plus(1, HOURS));
        EntryId entry = world.entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL, t0.plus(2, HOURS));
        Instant d = t0.plus(3, HOURS);

        Object[] answers = new Object[2];
        try (AutoCloseable down = world.failAppendsOf(AuditTrailQueried.class, patient.value())) {
            assertThatThrownBy(() -> answers[0] = timeTravel.whoCouldHaveSeenRecord(IG, patient, d))
                    .hasMessageNotContaining("Failclosed");
        }
        try (AutoCloseable down = world.failAppendsOf(AuditTrailQueried.class, entry.toString())) {
            assertThatThrownBy(() -> answers[1] = timeTravel.whoCouldHaveSeen(IG, patient, entry, d))
                    .hasMessageNotContaining("Failclosed");
        }
        assertThat(answers).containsOnlyNulls();
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isZero();
        assertThat(world.eventsOfType(AuditTrailQueried.class, entry.toString())).isZero();
        // with the store back, the same questions are answered (and audited)
        assertThat(timeTravel.whoCouldHaveSeenRecord(IG, patient, d).readers()).isNotEmpty();
        assertThat(timeTravel.whoCouldHaveSeen(IG, patient, entry, d).readers()).isNotEmpty();
        assertThat(world.eventsOfType(AuditTrailQueried.class, patient.value())).isEqualTo(1);
    }

    private static Map<Section, Integer> sections(WhoCouldHaveSeenRecord answer, Actor actor) {
        return recordReader(answer, actor).sections();
    }

    private static WhoCouldHaveSeenRecord.PossibleReader recordReader(WhoCouldHaveSeenRecord answer, Actor actor) {
        return answer.readers().stream().filter(r -> actor.user().equals(r.user())).findFirst().orElseThrow();
    }

    private static RecordConsentDecision consent(NhsNumber patient, OdsCode organisation, ConsentDirection direction,
                                                 ConsentDecision decision, Actor by, Instant at) {
        return new RecordConsentDecision(patient, organisation, direction, decision, ConsentMethod.VERBAL, by, at);
    }

    private static String key(Actor actor) {
        return actor.user() + "/" + actor.role() + "@" + actor.organisation();
    }

    private static Map<String, Basis> bases(WhoCouldHaveSeen answer) {
        return answer.readers().stream().collect(Collectors.toMap(
                r -> r.role() == Role.PATIENT ? "PATIENT" : r.user() + "/" + r.role() + "@" + r.organisation(),
                PossibleReader::basis));
    }

    private static PossibleReader reader(WhoCouldHaveSeen answer, Actor actor) {
        return answer.readers().stream().filter(r -> actor.user().equals(r.user())).findFirst().orElseThrow();
    }
}
