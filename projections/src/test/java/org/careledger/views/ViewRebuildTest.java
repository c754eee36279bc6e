package org.careledger.views;

import org.careledger.access.DeclareEmergencyAccess;
import org.careledger.access.GrantScope;
import org.careledger.access.GrantSealedEntryAccess;
import org.careledger.access.Grantee;
import org.careledger.access.Reader;
import org.careledger.access.RevokeAccessGrant;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.directory.LeaveTeam;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.PolicyInForce;
import org.careledger.policy.RolePolicy;
import org.careledger.reading.ReadEntry;
import org.careledger.record.AmendEntry;
import org.careledger.record.ChangeEntrySensitivity;
import org.careledger.record.EntryContent;
import org.careledger.record.MarkEntryEnteredInError;
import org.careledger.record.TransferRegistration;
import org.careledger.record.UpdateDemographics;
import org.careledger.record.Address;
import org.careledger.record.Demographics;
import org.careledger.shared.Actor;
import org.careledger.shared.EmergencyAccessId;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A rebuild from the ledger gives, row for row, the views the subscribing handlers built one event at a time. */
class ViewRebuildTest extends ViewsDatabaseTest {

    @Autowired
    ViewRebuild rebuild;
    @Autowired
    PolicyInForce policyInForce;

    @Test
    void rebuiltViewsEqualTheIncrementalOnesAlsoAfterAPolicyChange() {
        try {
            rebuildsAcrossAPolicyChange();
        } finally {
            restoreShippedPolicy();
        }
    }

    private void rebuildsAcrossAPolicyChange() {
        Region r = mixOfCommands();
        rebuild.buildNextOnly(ViewRebuild.Progress.NONE);
        assertNextEqualsLive();
        assertThat(count("view_entry_history")).isGreaterThan(0);
        assertThat(count("view_role_entry_patient")).isGreaterThan(0);

        // a policy version in which social workers also read COMMUNITY_NURSING
        String version = "test-" + UUID.randomUUID();
        String source = RolePolicy.defaultSource()
                .replace("policy.version=1", "policy.version=" + version)
                .replace("role.SOCIAL_WORKER.reads=DEMOGRAPHICS, ALLERGIES, CARE_PLANS, SOCIAL_CARE, SAFEGUARDING",
                        "role.SOCIAL_WORKER.reads=DEMOGRAPHICS, ALLERGIES, CARE_PLANS, SOCIAL_CARE, SAFEGUARDING, COMMUNITY_NURSING");
        Actor ig = Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26"));
        commands.sendAndWait(new ActivatePolicyVersion(source, ig, clock.instant()));
        assertThat(policyInForce.current().version()).isEqualTo(version);
        assertThat(policyInForce.current().mayRead(Role.SOCIAL_WORKER, Section.COMMUNITY_NURSING)).isTrue();

        // the activation itself widened the social workers' view to the older community nursing entries (ADR 27)
        assertThat(socialWorkerSees(r.nursingNote)).isTrue();
        rebuild.buildNextOnly(ViewRebuild.Progress.NONE);
        assertNextEqualsLive();
        Map<String, String> roleViews = roleViewDefinitions();
        assertThat(roleViews).hasSize(1 + ViewTables.ROLES_WITH_VIEW.size());
        ViewRebuild.Result result = rebuild.rebuild(ViewRebuild.Progress.NONE);
        assertThat(result.swapped()).isTrue();
        assertThat(roleViewDefinitions()).as("the role views are made again as the migration defined them")
                .isEqualTo(roleViews);
        assertThat(socialWorkerSees(r.nursingNote)).isTrue();

        // the swapped-in tables take incremental updates like the old ones, and a rebuild still agrees
        EntryId later = entry(r.patient, r.nurse, Section.COMMUNITY_NURSING, Sensitivity.NORMAL);
        commands.sendAndWait(new ChangeEntrySensitivity(r.patient, later, Sensitivity.PRIVATE, "why", r.nurse,
                clock.instant()));
        assertThat(socialWorkerSees(later)).isTrue();
        rebuild.buildNextOnly(ViewRebuild.Progress.NONE);
        assertNextEqualsLive();

        // and reads go on through the new tables
        Reader socialWorker = Reader.staff(r.socialWorker.user(), Role.SOCIAL_WORKER, r.council, Set.of());
        assertThat(reads.open(socialWorker, r.patient, Purpose.DIRECT_CARE, Channel.WEB).entries())
                .extracting(ReadEntry::entry).contains(r.nursingNote);
    }

    /** Every role view (V80) by name, with its definition. */
    private Map<String, String> roleViewDefinitions() {
        Map<String, String> views = new TreeMap<>();
        jdbc.query("SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'"
                + " AND viewname LIKE 'view\\_role\\_entry%'", rs -> {
            views.put(rs.getString(1), rs.getString(2));
        });
        return views;
    }

    private boolean socialWorkerSees(EntryId entry) {
        return count("view_role_entry_social_worker WHERE entry_id = '" + entry.value() + "'") == 1;
    }

    record Region(NhsNumber patient, Actor nurse, Actor socialWorker, OdsCode council, EntryId nursingNote) {
    }

    /** Every kind of event the views follow. */
    private Region mixOfCommands() {
        OdsCode practiceA = organisation(OrganisationType.GP_PRACTICE);
        OdsCode practiceB = organisation(OrganisationType.GP_PRACTICE);
        OdsCode community = organisation(OrganisationType.COMMUNITY_HEALTH);
        OdsCode council = organisation(OrganisationType.SOCIAL_CARE);
        Actor gpA = staff(Role.GP, practiceA);
        Actor gpB = staff(Role.GP, practiceB);
        Actor nurse = staff(Role.DISTRICT_NURSE, community);
        Actor socialWorker = staff(Role.SOCIAL_WORKER, council);
        TeamId nursing = team(community);
        TeamId other = team(community);
        join(nurse, nursing);
        join(nurse, other);
        commands.sendAndWait(new LeaveTeam(nurse.user(), other, admin, clock.instant()));

        NhsNumber patient = patient(gpA);
        commands.sendAndWait(new UpdateDemographics(patient, new Demographics("Test", "Moved", LocalDate.of(1970, 1, 1),
                Demographics.Gender.UNKNOWN, new Address("2 Test Road", null, "Testtown", "ZZ99 9ZY")), gpA,
                clock.instant()));
        EntryId note = entry(patient, gpA, Section.CONSULTATIONS, Sensitivity.NORMAL);
        commands.sendAndWait(new AmendEntry(patient, note, EntryContent.text("v2", LocalDate.of(2026, 2, 1)), "more",
                gpA, clock.instant()));
        commands.sendAndWait(new AmendEntry(patient, note, EntryContent.text("v3", LocalDate.of(2026, 2, 2)), "more",
                gpA, clock.instant()));
        EntryId wrong = entry(patient, gpA, Section.SAFEGUARDING, Sensitivity.NORMAL);
        commands.sendAndWait(new MarkEntryEnteredInError(patient, wrong, "wrong", gpA, clock.instant()));
        EntryId sealed = entry(patient, gpA, Section.MENTAL_HEALTH, Sensitivity.NORMAL);
        commands.sendAndWait(new ChangeEntrySensitivity(patient, sealed, Sensitivity.SEALED, "sensitive", gpA,
                clock.instant()));
        // writers elsewhere need a care relationship first (ADR 8): the grants that give them one
        grant(patient, Grantee.team(nursing), GrantScope.wholeRecord(), Duration.ofDays(30), gpA);
        grant(patient, Grantee.organisation(council), GrantScope.of(Section.CARE_PLANS, Section.COMMUNITY_NURSING,
                Section.SOCIAL_CARE), Duration.ofDays(30), gpA);
        GrantId revoked = grant(patient, Grantee.user(gpB.user()), GrantScope.of(Section.CONSULTATIONS),
                Duration.ofDays(3), gpA);
        entry(patient, gpB, Section.CARE_PLANS, Sensitivity.WITHHELD_FROM_PATIENT);
        EntryId nursingNote = entry(patient, nurse, Section.COMMUNITY_NURSING, Sensitivity.NORMAL);
        entry(patient, socialWorker, Section.SOCIAL_CARE, Sensitivity.PRIVATE);

        consent(patient, practiceA, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, community, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gpA);
        consent(patient, council, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        consent(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.REFUSED, gpA);
        consent(patient, practiceB, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gpA);
        commands.sendAndWait(new RecordDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant()));
        commands.sendAndWait(new WithdrawDissent(patient, ConsentMethod.VERBAL, gpA, clock.instant()));

        commands.sendAndWait(new RevokeAccessGrant(patient, revoked, "done", gpA, clock.instant()));
        commands.sendAndWait(new GrantSealedEntryAccess(patient, new GrantId(UUID.randomUUID()),
                Grantee.user(gpB.user()), List.of(sealed), "second opinion", clock.instant(),
                clock.instant().plus(Duration.ofDays(1)), gpA, clock.instant()));
        commands.sendAndWait(new DeclareEmergencyAccess(patient, new EmergencyAccessId(UUID.randomUUID()),
                "collapse", gpB, clock.instant()));
        commands.sendAndWait(new TransferRegistration(patient, practiceB, gpB, clock.instant()));
        return new Region(patient, nurse, socialWorker, council, nursingNote);
    }
}
