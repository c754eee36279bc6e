package org.careledger.views;

import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.RolePolicy;
import org.careledger.reading.ReadEntry;
import org.careledger.record.EntryRecorded;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy activation brings the role views in line in its own transaction (ADR 0013): once it has committed, a
 * widened view holds the older entries of the added section and a narrowed one has lost those of the dropped
 * section, no rebuild asked for, and the live views are row for row what a rebuild from the ledger gives.
 */
class PolicyActivationViewsTest extends ViewsDatabaseTest {

    @Autowired
    private ViewsProjection projection;
    @Autowired
    private TransactionTemplate transactions;

    private static final String SOCIAL_WORKER_LINE =
            "role.SOCIAL_WORKER.reads=DEMOGRAPHICS, ALLERGIES, CARE_PLANS, SOCIAL_CARE, SAFEGUARDING";

    @Test
    void anActivationThatWidensOrNarrowsARoleViewIsInTheViewsAsSoonAsItCommits() {
        try {
            widenThenNarrow();
        } finally {
            restoreShippedPolicy();
        }
    }

    private void widenThenNarrow() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        OdsCode council = organisation(OrganisationType.SOCIAL_CARE);
        Actor gp = staff(Role.GP, practice);
        Actor socialWorker = staff(Role.SOCIAL_WORKER, council);
        NhsNumber patient = patient(gp);
        grant(patient, Grantee.organisation(council), GrantScope.of(Section.CARE_PLANS, Section.COMMUNITY_NURSING,
                Section.SOCIAL_CARE), Duration.ofDays(30), gp);
        consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp);
        consent(patient, council, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp);
        EntryId nursing = entry(patient, gp, Section.COMMUNITY_NURSING, Sensitivity.NORMAL);
        EntryId carePlan = entry(patient, gp, Section.CARE_PLANS, Sensitivity.NORMAL);
        Reader reader = Reader.staff(socialWorker.user(), Role.SOCIAL_WORKER, council, Set.of());

        assertThat(readable(reader, patient)).containsExactly(carePlan);

        activate(SOCIAL_WORKER_LINE + ", COMMUNITY_NURSING");
        assertThat(inRoleView(Role.SOCIAL_WORKER, nursing)).isTrue();
        assertThat(readable(reader, patient)).containsExactlyInAnyOrder(carePlan, nursing);
        rebuildsTheSame();

        activate(SOCIAL_WORKER_LINE.replace("CARE_PLANS, ", "") + ", COMMUNITY_NURSING");
        assertThat(inRoleView(Role.SOCIAL_WORKER, carePlan)).isFalse();
        assertThat(inRoleView(Role.GP, carePlan)).as("other roles' views are untouched").isTrue();
        assertThat(readable(reader, patient)).containsExactly(nursing);
        // an entry recorded afterwards goes into the role views of the new sections only
        EntryId laterPlan = entry(patient, gp, Section.CARE_PLANS, Sensitivity.NORMAL);
        EntryId laterNursing = entry(patient, gp, Section.COMMUNITY_NURSING, Sensitivity.NORMAL);
        assertThat(inRoleView(Role.SOCIAL_WORKER, laterPlan)).isFalse();
        assertThat(inRoleView(Role.SOCIAL_WORKER, laterNursing)).isTrue();
        rebuildsTheSame();
        assertThat(count("view_build WHERE needs_rebuild")).as("nothing was marked for a rebuild").isZero();
    }

    /**
     * An entry's recording applied to the views again (a redelivery) leaves its role rows as they were: the rows an
     * entry has are decided by its section, which never changes, and the policy in force.
     */
    @Test
    void anEntryRecordedAppliedAgainLeavesItsRoleRowsAsTheyWere() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        NhsNumber patient = patient(gp);
        EntryId carePlan = entry(patient, gp, Section.CARE_PLANS, Sensitivity.NORMAL);
        String eventId = jdbc.queryForObject("SELECT event_identifier FROM domain_event_entry"
                + " WHERE payload_type LIKE '%.EntryRecorded' ORDER BY global_index DESC LIMIT 1", String.class);
        EntryRecorded recorded = (EntryRecorded) storedEvent(eventId);
        assertThat(recorded.entry()).isEqualTo(carePlan);
        String rows = "view_role_entry WHERE entry_id = '" + carePlan.value() + "'";
        long before = count(rows);
        assertThat(before).as("several roles read care plans").isGreaterThan(1);

        transactions.executeWithoutResult(tx -> projection.on(recorded, eventId));

        assertThat(count(rows)).isEqualTo(before);
        assertThat(inRoleView(Role.OOH_CLINICIAN, carePlan)).isTrue();
        rebuildsTheSame();
    }

    private void activate(String socialWorkerLine) {
        String source = RolePolicy.defaultSource()
                .replace("policy.version=1", "policy.version=test-" + UUID.randomUUID())
                .replace(SOCIAL_WORKER_LINE, socialWorkerLine);
        assertThat(source).contains(socialWorkerLine);
        commands.sendAndWait(new ActivatePolicyVersion(source,
                Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26")), clock.instant()));
    }

    private void rebuildsTheSame() {
        viewRebuild.buildNextOnly(ViewRebuild.Progress.NONE);
        assertNextEqualsLive();
    }

    private List<EntryId> readable(Reader reader, NhsNumber patient) {
        return reads.open(reader, patient, Purpose.DIRECT_CARE, Channel.WEB).entries().stream()
                .map(ReadEntry::entry).toList();
    }

    private boolean inRoleView(Role role, EntryId entry) {
        return count(ViewTables.roleView(role) + " WHERE entry_id = '" + entry.value() + "'") == 1;
    }
}
