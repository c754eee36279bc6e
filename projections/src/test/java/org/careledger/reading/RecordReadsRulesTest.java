package org.careledger.reading;

import org.careledger.storage.Owner;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.Reader;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordAccessed;
import org.careledger.audit.RecordView;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.directory.LeaveTeam;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
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
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.careledger.storage.TestData;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who sees what, through the one enforcement point, on real PostgreSQL: each case reads through RecordReads and
 * checks both what came back and the audit event stored in the ledger (disclosed entries and versions, receipt,
 * withheld count, basis, or the refusal).
 */
class RecordReadsRulesTest extends ViewsDatabaseTest {

    OdsCode practiceA;
    OdsCode practiceB;
    Actor gpA;
    Actor gpA2;
    Actor gpB;
    NhsNumber patient;

    @BeforeEach
    void region() {
        practiceA = organisation(OrganisationType.GP_PRACTICE);
        practiceB = organisation(OrganisationType.GP_PRACTICE);
        gpA = staff(Role.GP, practiceA);
        gpA2 = staff(Role.GP, practiceA);
        gpB = staff(Role.GP, practiceB);
        patient = patient(gpA);
    }

    @Test
    void theRegisteredPracticeSeesItsOwnEntriesWithoutConsentButOtherOrganisationsOnlyWithShareOutAndShareIn() {
        EntryId own = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId elsewhere = referredEntry(patient, gpB, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);

        RecordRead first = readAs(gpA, Set.of(own));
        assertThat(first.basis()).isEqualTo(Basis.REGISTERED);
        assertThat(first.demographics().familyName()).isEqualTo("Patient");
        assertThat(first.withheld()).isEqualTo(1);
        assertThat(first.receipt()).containsExactly(registrationEvent());
        assertThat(first.registeredPractice()).isEqualTo(practiceA);
        assertThat(refusedAs(gpB, Refused.NO_BASIS).registeredPractice()).isNull();

        onReferral(patient, gpB, gpA,

                () -> consent(patient, practiceB, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpB));
        readAs(gpA, Set.of(own)); // share-out alone is not enough
        consent(patient, practiceA, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        RecordRead both = readAs(gpA, Set.of(own, elsewhere));
        assertThat(both.receipt()).hasSize(3); // registration, share-out(B), share-in(A)

        consent(patient, practiceA, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED, gpA);
        readAs(gpA, Set.of(own));
    }

    @Test
    void dissentMakesEveryShareOutRefusedAndWithdrawingItRestoresTheDecisions() {
        EntryId own = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId elsewhere = referredEntry(patient, gpB, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        onReferral(patient, gpB, gpA,
                () -> consent(patient, practiceB, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpB));
        consent(patient, practiceA, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        readAs(gpA, Set.of(own, elsewhere));

        commands.sendAndWait(new RecordDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant()));
        readAs(gpA, Set.of(own));
        commands.sendAndWait(new WithdrawDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant()));
        readAs(gpA, Set.of(own, elsewhere));
    }

    @Test
    void aGrantGivesABasisItsScopeNarrowsAndExpiredOrRevokedGrantsNoLongerCount() {
        OdsCode clinic = organisation(OrganisationType.OUTPATIENT_CLINIC);
        Actor specialist = staff(Role.SPECIALIST, clinic);
        EntryId consultation = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId referral = entry(patient, gpA, Section.REFERRALS, Sensitivity.NORMAL);
        entry(patient, gpA, Section.SAFEGUARDING, Sensitivity.NORMAL); // not in a specialist's role view at all
        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);

        refusedAs(specialist, Refused.NO_BASIS);

        GrantId narrow = grant(patient, Grantee.organisation(clinic), GrantScope.of(Section.CONSULTATIONS),
                Duration.ofDays(30), gpA);
        RecordRead scoped = readAs(specialist, Set.of(consultation));
        assertThat(scoped.basis()).isEqualTo(Basis.GRANT);
        assertThat(scoped.grant()).isEqualTo(narrow);
        assertThat(scoped.withheld()).isEqualTo(1); // the referral: out of the grant's scope

        commands.sendAndWait(new RevokeAccessGrant(patient, narrow, "episode over", gpA, clock.instant()));
        refusedAs(specialist, Refused.NO_BASIS);

        grant(patient, Grantee.organisation(clinic), GrantScope.wholeRecord(), Duration.ofHours(1), gpA);
        readAs(specialist, Set.of(consultation, referral));
        clock.advance(Duration.ofHours(2));
        refusedAs(specialist, Refused.NO_BASIS);
    }

    @Test
    void aGrantThatStartsTomorrowGivesNoBasisUntilItStarts() {
        OdsCode clinic = organisation(OrganisationType.OUTPATIENT_CLINIC);
        Actor specialist = staff(Role.SPECIALIST, clinic);
        EntryId consultation = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, clinic, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        GrantId tomorrow = new GrantId(UUID.randomUUID());
        java.time.Instant starts = clock.instant().plus(Duration.ofDays(1));
        commands.sendAndWait(new org.careledger.access.GrantAccess(patient, tomorrow, Grantee.organisation(clinic),
                org.careledger.shared.GrantReason.REFERRAL, GrantScope.wholeRecord(), starts,
                starts.plus(Duration.ofDays(30)), gpA, clock.instant()));

        refusedAs(specialist, Refused.NO_BASIS);
        clock.advance(Duration.ofHours(23));
        refusedAs(specialist, Refused.NO_BASIS); // still today
        clock.advance(Duration.ofHours(2));
        RecordRead started = readAs(specialist, Set.of(consultation));
        assertThat(started.basis()).isEqualTo(Basis.GRANT);
        assertThat(started.grant()).isEqualTo(tomorrow);
    }

    @Test
    void aGrantToATeamCoversItsMembersAtTheTeamsOrganisationUntilTheyLeave() {
        OdsCode community = organisation(OrganisationType.COMMUNITY_HEALTH);
        Actor nurse = staff(Role.DISTRICT_NURSE, community);
        TeamId team = team(community);
        join(nurse, team);
        EntryId plan = entry(patient, gpA, Section.CARE_PLANS, Sensitivity.NORMAL);
        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, community, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        grant(patient, Grantee.team(team), GrantScope.wholeRecord(), Duration.ofDays(30), gpA);

        // the caller's claimed teams do not count: the directory's do
        RecordRead read = reads.open(Reader.staff(nurse.user(), nurse.role(), community, Set.of()), patient,
                Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(read.basis()).isEqualTo(Basis.GRANT);
        assertThat(ids(read)).containsExactly(plan);

        commands.sendAndWait(new LeaveTeam(nurse.user(), team, admin, clock.instant()));
        refusedAs(nurse, Refused.NO_BASIS);
    }

    @Test
    void anEmergencyTreatsUnknownConsentAsGrantedButNeverRefusedPrivateOrSealed() {
        OdsCode ooh = organisation(OrganisationType.OUT_OF_HOURS);
        Actor clinician = staff(Role.OOH_CLINICIAN, ooh);
        EntryId unknownConsent = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        referredEntry(patient, gpB, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.PRIVATE);
        entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.SEALED);
        onReferral(patient, gpB, gpA,
                () -> consent(patient, practiceB, ConsentDirection.SHARE_OUT, ConsentDecision.REFUSED, gpB));

        refusedAs(clinician, Refused.NO_BASIS);
        EmergencyAccessId emergency = new EmergencyAccessId(UUID.randomUUID());
        commands.sendAndWait(new DeclareEmergencyAccess(patient, emergency, "collapsed at home", clinician,
                clock.instant()));
        RecordRead read = readAs(clinician, Set.of(unknownConsent));
        assertThat(read.basis()).isEqualTo(Basis.EMERGENCY);
        assertThat(read.emergency()).isEqualTo(emergency);
        assertThat(read.withheld()).isEqualTo(3);
        assertThat(((RecordAccessed) storedEvent(read.auditEvent())).emergency()).isEqualTo(emergency);

        clock.advance(Duration.ofHours(5));
        refusedAs(clinician, Refused.NO_BASIS);
    }

    @Test
    void aSealedEntryIsSeenOnlyByItsAuthorAndByTheGranteeAGrantNamesForIt() {
        EntryId sealed = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.SEALED);
        EntryId normal = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        readAs(gpA, Set.of(sealed, normal));
        readAs(gpA2, Set.of(normal));

        GrantId unseal = new GrantId(UUID.randomUUID());
        commands.sendAndWait(new GrantSealedEntryAccess(patient, unseal, Grantee.user(gpA2.user()), List.of(sealed),
                "covering colleague", clock.instant(), clock.instant().plus(Duration.ofDays(1)), gpA,
                clock.instant()));
        RecordRead unsealed = readAs(gpA2, Set.of(sealed, normal));
        assertThat(unsealed.receipt()).contains(sealedGrantEvent(unseal));

        commands.sendAndWait(new RevokeAccessGrant(patient, unseal, "no longer covering", gpA, clock.instant()));
        readAs(gpA2, Set.of(normal));
    }

    @Test
    void thePatientSeesTheirOwnRecordExceptWithheldEntriesAndNobodyElses() {
        EntryId normal = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId privateEntry = referredEntry(patient, gpB, gpA, Section.CONSULTATIONS, Sensitivity.PRIVATE);
        EntryId sealed = entry(patient, gpA, Section.SAFEGUARDING, Sensitivity.SEALED);
        entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.WITHHELD_FROM_PATIENT);
        Reader self = Reader.patient(new UserId(UUID.randomUUID()), patient);

        RecordRead own = reads.open(self, patient, Purpose.PATIENT_ACCESS, Channel.WEB);
        assertThat(own.basis()).isEqualTo(Basis.SELF);
        assertThat(ids(own)).containsExactlyInAnyOrder(normal, privateEntry, sealed);
        assertThat(own.withheld()).isEqualTo(1);
        assertAudited(own, Set.of(normal, privateEntry, sealed));

        NhsNumber someoneElse = patient(gpA);
        RecordRead other = reads.open(self, someoneElse, Purpose.PATIENT_ACCESS, Channel.WEB);
        assertThat(other.refused()).isEqualTo(Refused.NOT_OWN_RECORD);
        assertThat(other.entries()).isEmpty();
        assertThat(other.demographics()).isNull();
        assertThat(((RecordAccessRefused) storedEvent(other.auditEvent())).reason()).isEqualTo(Refused.NOT_OWN_RECORD);
    }

    @Test
    void anEntryEnteredInErrorLeavesTheViewsButStaysInTheHistoryAtTheAuthoringOrganisation() {
        EntryId amended = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        commands.sendAndWait(new AmendEntry(patient, amended, EntryContent.text("corrected", LocalDate.of(2026, 1, 3)),
                "typo", gpA, clock.instant()));
        EntryId wrong = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        commands.sendAndWait(new MarkEntryEnteredInError(patient, wrong, "wrong patient", gpA, clock.instant()));
        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        commands.sendAndWait(new org.careledger.record.TransferRegistration(patient, practiceB, gpB, clock.instant()));

        RecordRead current = readAs(gpB, Set.of(amended));
        assertThat(current.entries().get(0).version()).isEqualTo(2);
        assertThat(current.entries().get(0).content().text()).isEqualTo("corrected");
        assertThat(disclosed(current)).containsExactly(new DisclosedEntry(amended, 2));

        RecordRead history = reads.history(reader(gpA), patient, amended, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(history.refused()).isEqualTo(Refused.NO_BASIS); // A is no longer the registered practice

        grant(patient, Grantee.organisation(practiceA), GrantScope.wholeRecord(), Duration.ofDays(1), gpB);
        RecordRead versions = reads.history(reader(gpA), patient, amended, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(versions.versions()).extracting(EntryVersion::version).containsExactly(1, 2);
        assertThat(versions.versions()).as("version 1 keeps its own content once amended")
                .extracting(v -> v.content().text()).containsExactly("note " + amended, "corrected");
        assertThat(disclosed(versions)).containsExactly(new DisclosedEntry(amended, 1), new DisclosedEntry(amended, 2));
        assertThat(((RecordAccessed) storedEvent(versions.auditEvent())).view()).isEqualTo(RecordView.HISTORY);

        RecordRead errorAtAuthor = reads.history(reader(gpA), patient, wrong, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(errorAtAuthor.versions()).extracting(EntryVersion::change)
                .containsExactly(EntryVersion.Change.RECORDED, EntryVersion.Change.ENTERED_IN_ERROR);
        assertThat(errorAtAuthor.versions().get(0).content().text()).as("version 1, still current")
                .isEqualTo("note " + wrong);
        assertThat(disclosed(errorAtAuthor)).containsExactly(new DisclosedEntry(wrong, 1));

        RecordRead errorElsewhere = reads.history(reader(gpB), patient, wrong, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(errorElsewhere.versions()).isEmpty();
        assertThat(errorElsewhere.withheld()).isEqualTo(1);
        assertThat(disclosed(errorElsewhere)).isEmpty();
    }

    @Test
    void aSensitivityChangeTakesEffectOnTheNextRead() {
        EntryId note = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        readAs(gpA2, Set.of(note));
        commands.sendAndWait(new ChangeEntrySensitivity(patient, note, Sensitivity.SEALED, "sensitive", gpA,
                clock.instant()));
        readAs(gpA2, Set.of());
        readAs(gpA, Set.of(note));
    }

    @Test
    void anEntrysHistoryStartsWithVersionOneAsRecordedAlsoWhenItHasNeverChangedOrFirstChangedItsSensitivity() {
        EntryId never = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        EntryId changed = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        commands.sendAndWait(new ChangeEntrySensitivity(patient, changed, Sensitivity.SEALED, "sensitive", gpA,
                clock.instant()));
        commands.sendAndWait(new AmendEntry(patient, changed, EntryContent.text("corrected", LocalDate.of(2026, 1, 3)),
                "typo", gpA, clock.instant()));

        RecordRead unchanged = reads.history(reader(gpA), patient, never, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(unchanged.versions()).singleElement().satisfies(v -> {
            assertThat(v.change()).isEqualTo(EntryVersion.Change.RECORDED);
            assertThat(v.seq()).isEqualTo(1);
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.content().text()).isEqualTo("note " + never);
            assertThat(v.sensitivity()).isEqualTo(Sensitivity.NORMAL);
            assertThat(v.by()).isEqualTo(gpA);
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM view_entry_history WHERE entry_id = ?", Integer.class,
                never.value())).as("an entry never changed has no history row of its own (ADR 30)").isZero();
        assertThat(disclosed(unchanged)).containsExactly(new DisclosedEntry(never, 1));

        RecordRead versions = reads.history(reader(gpA), patient, changed, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(versions.versions()).extracting(EntryVersion::change).containsExactly(
                EntryVersion.Change.RECORDED, EntryVersion.Change.SENSITIVITY_CHANGED, EntryVersion.Change.AMENDED);
        assertThat(versions.versions()).extracting(EntryVersion::seq).containsExactly(1, 2, 3);
        EntryVersion first = versions.versions().get(0);
        assertThat(first.sensitivity()).as("as recorded, not as changed since").isEqualTo(Sensitivity.NORMAL);
        assertThat(first.content().text()).isEqualTo("note " + changed);
        assertThat(first.by()).isEqualTo(gpA);
        assertThat(versions.versions().get(1).sensitivity()).isEqualTo(Sensitivity.SEALED);
        assertThat(versions.versions().get(2).content().text()).isEqualTo("corrected");
    }

    @Test
    void anIgOfficerNeverReadsClinicalContent() {
        entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        Actor ig = staff(Role.IG_OFFICER, practiceA);
        refusedAs(ig, Refused.NO_CLINICAL_ACCESS);
    }

    @Test
    void anUnknownPatientIsRefusedExactlyLikeAForbiddenOne() {
        OdsCode clinic = organisation(OrganisationType.OUTPATIENT_CLINIC);
        Actor specialist = staff(Role.SPECIALIST, clinic);
        RecordRead forbidden = refusedAs(specialist, Refused.NO_BASIS);
        NhsNumber unknown = TestData.nhsNumber();
        RecordRead nobody = reads.open(reader(specialist), unknown, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(nobody).usingRecursiveComparison().ignoringFields("patient", "auditEvent").isEqualTo(forbidden);
        RecordAccessRefused audited = (RecordAccessRefused) storedEvent(nobody.auditEvent());
        assertThat(audited.patient()).isEqualTo(unknown);
        assertThat(audited.reason()).isEqualTo(Refused.NO_BASIS);
    }

    @Test
    void badInputIsARefusal() {
        assertThatThrownBy(() -> reads.open(null, patient, Purpose.DIRECT_CARE, Channel.WEB))
                .isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> reads.open(reader(gpA), patient, null, Channel.WEB)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> reads.history(reader(gpA), patient, null, Purpose.DIRECT_CARE, Channel.WEB))
                .isInstanceOf(Refusal.class);
    }

    @Test
    void whenTheAuditEventCannotBeStoredTheReadFailsAndReturnsNothing() {
        entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        long accessed = storedEventsOfType("RecordAccessed");
        jdbc.execute("""
                CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit store down (test)'; END; $$""");
        Owner.of(jdbc).execute("""
                CREATE TRIGGER test_refuse_audit BEFORE INSERT ON domain_event_entry FOR EACH ROW
                WHEN (NEW.payload_type LIKE '%RecordAccessed') EXECUTE FUNCTION test_refuse_audit()""");
        try {
            RecordRead[] result = new RecordRead[1];
            assertThatThrownBy(() -> result[0] = reads.open(reader(gpA), patient, Purpose.DIRECT_CARE, Channel.WEB))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not be audited");
            assertThat(result[0]).isNull();
        } finally {
            Owner.of(jdbc).execute("DROP TRIGGER test_refuse_audit ON domain_event_entry");
            jdbc.execute("DROP FUNCTION test_refuse_audit()");
        }
        assertThat(storedEventsOfType("RecordAccessed")).isEqualTo(accessed);
        readAs(gpA, Set.of(jdbc.queryForObject("SELECT entry_id FROM view_entry WHERE nhs_number = ?",
                UUID.class, patient.value())).stream().map(EntryId::new).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void whenTheAuditEventOfAnEntryHistoryCannotBeStoredTheReadFailsAndReturnsNothing() {
        EntryId entry = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        long accessed = storedEventsOfType("RecordAccessed");
        RecordRead[] result = new RecordRead[1];
        try (AutoCloseable down = refuseToStore("RecordAccessed")) {
            assertThatThrownBy(() -> result[0] = reads.history(reader(gpA), patient, entry, Purpose.DIRECT_CARE,
                    Channel.WEB)).isInstanceOf(IllegalStateException.class).hasMessageContaining("could not be audited")
                    .hasMessageNotContaining("note ");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(result[0]).isNull();
        assertThat(storedEventsOfType("RecordAccessed")).isEqualTo(accessed);
        assertThat(reads.history(reader(gpA), patient, entry, Purpose.DIRECT_CARE, Channel.WEB).versions())
                .hasSize(1);
    }

    @Test
    void whenARefusalCannotBeAuditedTheReadFailsInsteadOfAnsweringUnaudited() {
        OdsCode clinic = organisation(OrganisationType.OUTPATIENT_CLINIC);
        Actor specialist = staff(Role.SPECIALIST, clinic);
        long refused = storedEventsOfType("RecordAccessRefused");
        RecordRead[] result = new RecordRead[1];
        try (AutoCloseable down = refuseToStore("RecordAccessRefused")) {
            assertThatThrownBy(() -> result[0] = reads.open(reader(specialist), patient, Purpose.DIRECT_CARE,
                    Channel.WEB)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> result[0] = reads.history(reader(specialist), patient,
                    new EntryId(UUID.randomUUID()), Purpose.DIRECT_CARE, Channel.WEB))
                    .isInstanceOf(IllegalStateException.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(result[0]).isNull();
        assertThat(storedEventsOfType("RecordAccessRefused")).isEqualTo(refused);
        refusedAs(specialist, Refused.NO_BASIS);
    }

    /** Makes the ledger refuse, for real, to store events of this type (for this test's patient) until closed. */
    private AutoCloseable refuseToStore(String eventType) {
        String name = "test_refuse_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.payload_type LIKE '%%.%2$s' AND convert_from(NEW.payload, 'UTF8') LIKE '%%%3$s%%' THEN
                        RAISE EXCEPTION 'audit store down (test)';
                    END IF;
                    RETURN NEW;
                END; $$""".formatted(name, eventType, patient.value()));
        Owner.of(jdbc).execute("CREATE TRIGGER %1$s BEFORE INSERT ON domain_event_entry FOR EACH ROW EXECUTE FUNCTION %1$s()"
                .formatted(name));
        return () -> {
            Owner.of(jdbc).execute("DROP TRIGGER %1$s ON domain_event_entry".formatted(name));
            jdbc.execute("DROP FUNCTION %1$s()".formatted(name));
        };
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private Reader reader(Actor actor) {
        return Reader.staff(actor.user(), actor.role(), actor.organisation(), Set.of());
    }

    /** Opens the record as the actor, checks what came back and the stored RecordAccessed. */
    private RecordRead readAs(Actor actor, Set<EntryId> expected) {
        RecordRead read = reads.open(reader(actor), patient, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(read.allowed()).as("allowed").isTrue();
        assertThat(ids(read)).containsExactlyInAnyOrderElementsOf(expected);
        assertAudited(read, expected);
        return read;
    }

    private void assertAudited(RecordRead read, Set<EntryId> expected) {
        RecordAccessed audited = (RecordAccessed) storedEvent(read.auditEvent());
        assertThat(audited.patient()).isEqualTo(read.patient());
        assertThat(audited.basis()).isEqualTo(read.basis());
        assertThat(audited.grant()).isEqualTo(read.grant());
        assertThat(audited.view()).isEqualTo(RecordView.CURRENT);
        assertThat(audited.disclosed()).extracting(DisclosedEntry::entry).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(audited.disclosed()).containsExactlyInAnyOrderElementsOf(disclosed(read));
        assertThat(audited.withheld()).isEqualTo(read.withheld());
        assertThat(audited.receipt()).containsExactlyElementsOf(read.receipt());
        assertThat(audited.policyVersion()).isEqualTo(read.policyVersion()).isNotBlank();
    }

    private RecordRead refusedAs(Actor actor, Refused reason) {
        RecordRead read = reads.open(reader(actor), patient, Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(read.refused()).isEqualTo(reason);
        assertThat(read.entries()).isEmpty();
        assertThat(read.demographics()).isNull();
        assertThat(read.registeredPractice()).isNull();
        RecordAccessRefused audited = (RecordAccessRefused) storedEvent(read.auditEvent());
        assertThat(audited.reason()).isEqualTo(reason);
        assertThat(audited.by().user()).isEqualTo(actor.user());
        return read;
    }

    private static List<EntryId> ids(RecordRead read) {
        return read.entries().stream().map(ReadEntry::entry).toList();
    }

    private static List<DisclosedEntry> disclosed(RecordRead read) {
        if (!read.versions().isEmpty() || read.entries().isEmpty()) {
            return read.versions().stream().filter(EntryVersion::isVersion)
                    .map(v -> new DisclosedEntry(v.entry(), v.version())).toList();
        }
        return read.entries().stream().map(e -> new DisclosedEntry(e.entry(), e.version())).toList();
    }

    private String registrationEvent() {
        return jdbc.queryForObject("SELECT registration_event FROM view_patient WHERE nhs_number = ?", String.class,
                patient.value());
    }

    private String sealedGrantEvent(GrantId grant) {
        return jdbc.queryForObject("SELECT event_id FROM view_grant WHERE grant_id = ?", String.class, grant.value());
    }
}
