package org.careledger.reading;

import org.careledger.access.AccessDecision.Basis;
import org.careledger.access.AccessDecision.Refused;
import org.careledger.access.AccessDecision.Withheld;
import org.careledger.access.GrantScope;
import org.careledger.access.Grantee;
import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.DisclosedEntry;
import org.careledger.audit.Purpose;
import org.careledger.audit.RecordAccessRefused;
import org.careledger.audit.RecordPreviewed;
import org.careledger.audit.RecordView;
import org.careledger.reading.RecordPreviews.RecordPreview;
import org.careledger.shared.Actor;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.careledger.shared.Sensitivity;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * "View as" through {@link RecordPreviews} on real PostgreSQL (ADR 24), as a table: who previews, as which role
 * where, and what the preview shows, counts and audits. A GP's preview never shows an entry the GP's own read does
 * not, and reports what only the previewed reader would see as a number; an IG officer sees ids and sections, never
 * content; everyone else is refused, and the refusal is audited.
 */
class RecordPreviewsTest extends ViewsDatabaseTest {

    @Autowired
    RecordPreviews previews;

    OdsCode practice;
    OdsCode otherPractice;
    OdsCode trust;
    OdsCode pharmacy;
    Actor gp;
    Actor otherGp;
    Actor nurse;
    Actor ig;
    NhsNumber patient;
    EntryId carePlan;
    EntryId referral;
    EntryId consultation;
    EntryId privateReferral;
    EntryId sealed;
    EntryId nursing;

    @BeforeEach
    void region() {
        practice = organisation(OrganisationType.GP_PRACTICE);
        otherPractice = organisation(OrganisationType.GP_PRACTICE);
        trust = organisation(OrganisationType.COMMUNITY_HEALTH);
        pharmacy = organisation(OrganisationType.PHARMACY);
        gp = staff(Role.GP, practice);
        Actor colleague = staff(Role.GP, practice);
        otherGp = staff(Role.GP, otherPractice);
        nurse = staff(Role.DISTRICT_NURSE, trust);
        ig = staff(Role.IG_OFFICER, otherPractice);
        patient = patient(gp);
        grant(patient, Grantee.organisation(trust),
                GrantScope.of(Section.CARE_PLANS, Section.REFERRALS, Section.COMMUNITY_NURSING), Duration.ofDays(30), gp);
        consent(patient, practice, ConsentDirection.SHARE_OUT, ConsentDecision.GRANTED, gp);
        consent(patient, trust, ConsentDirection.SHARE_IN, ConsentDecision.GRANTED, gp);
        carePlan = entry(patient, gp, Section.CARE_PLANS, Sensitivity.NORMAL);
        referral = entry(patient, gp, Section.REFERRALS, Sensitivity.NORMAL);
        consultation = entry(patient, gp, Section.CONSULTATIONS, Sensitivity.NORMAL);
        privateReferral = entry(patient, gp, Section.REFERRALS, Sensitivity.PRIVATE);
        sealed = entry(patient, colleague, Section.CARE_PLANS, Sensitivity.SEALED);
        // the trust never consented to share out, nor the practice to share in: the GP does not see this one
        nursing = entry(patient, nurse, Section.COMMUNITY_NURSING, Sensitivity.NORMAL);
    }

    /** One row of the table: who previews as what, and what the preview must show and count. */
    record Case(String name, Actor previewer, Role asRole, OdsCode at, Refused refused, Basis basis,
                Refused previewedRefused, boolean content, Set<EntryId> shown, Map<Withheld, Integer> withheld,
                int wouldSee, int notShown) {
    }

    @Test
    void whatEachPreviewShowsCountsAndAudits() {
        List<Case> table = List.of(
                new Case("GP as the district nurse of the trust holding a grant", gp, Role.DISTRICT_NURSE, trust, null,
                        Basis.GRANT, null, true, Set.of(carePlan, referral),
                        Map.of(Withheld.ROLE_VIEW, 1, Withheld.PRIVATE, 1), 3, 1),
                new Case("GP as a pharmacist without any basis", gp, Role.PHARMACIST, pharmacy, null, null,
                        Refused.NO_BASIS, true, Set.of(), Map.of(), 0, 0),
                new Case("GP as a social worker of the trust: the care plan only, the rest outside the role's view", gp,
                        Role.SOCIAL_WORKER, trust, null, Basis.GRANT, null, true, Set.of(carePlan),
                        Map.of(Withheld.ROLE_VIEW, 3), 1, 0),
                new Case("IG officer as the district nurse: ids and sections, every reason counted", ig,
                        Role.DISTRICT_NURSE, trust, null, Basis.GRANT, null, false,
                        Set.of(carePlan, referral, nursing),
                        Map.of(Withheld.ROLE_VIEW, 1, Withheld.PRIVATE, 1, Withheld.SEALED, 1), 3, 0),
                new Case("GP of another practice: cannot open the record, so cannot preview it", otherGp,
                        Role.DISTRICT_NURSE, trust, Refused.NO_BASIS, null, null, false, Set.of(), Map.of(), 0, 0),
                new Case("a district nurse may not preview", nurse, Role.DISTRICT_NURSE, trust,
                        Refused.PREVIEW_NOT_ALLOWED, null, null, false, Set.of(), Map.of(), 0, 0),
                new Case("a pharmacist may not preview", staff(Role.PHARMACIST, pharmacy), Role.DISTRICT_NURSE, trust,
                        Refused.PREVIEW_NOT_ALLOWED, null, null, false, Set.of(), Map.of(), 0, 0));

        for (Case c : table) {
            RecordPreview preview = previews.preview(reader(c.previewer()), patient, c.asRole(), c.at(),
                    Purpose.CARE_PLANNING, Channel.WEB);
            Object audited = storedEvent(preview.auditEvent());
            assertThat(preview.refused()).as(c.name()).isEqualTo(c.refused());
            if (c.refused() != null) {
                assertThat(preview.entries()).as(c.name()).isEmpty();
                RecordAccessRefused refusal = (RecordAccessRefused) audited;
                assertThat(refusal.reason()).as(c.name()).isEqualTo(c.refused());
                assertThat(refusal.view()).as(c.name()).isEqualTo(RecordView.PREVIEW);
                assertThat(refusal.by().user()).as(c.name()).isEqualTo(c.previewer().user());
                continue;
            }
            assertThat(preview.basis()).as(c.name()).isEqualTo(c.basis());
            assertThat(preview.previewedRefused()).as(c.name()).isEqualTo(c.previewedRefused());
            assertThat(preview.contentShown()).as(c.name()).isEqualTo(c.content());
            assertThat(ids(preview.entries())).as(c.name()).isEqualTo(c.shown());
            assertThat(preview.withheldReasons()).as(c.name()).isEqualTo(c.withheld());
            assertThat(preview.wouldSee()).as(c.name()).isEqualTo(c.wouldSee());
            assertThat(preview.notShown()).as(c.name()).isEqualTo(c.notShown());
            for (ReadEntry e : preview.entries()) {
                assertThat(e.content() != null).as(c.name() + ": content shown").isEqualTo(c.content());
                assertThat(e.section()).as(c.name()).isNotNull();
            }

            RecordPreviewed event = (RecordPreviewed) audited;
            assertThat(event.by().user()).as(c.name()).isEqualTo(c.previewer().user());
            assertThat(event.asRole()).as(c.name()).isEqualTo(c.asRole());
            assertThat(event.asOrganisation()).as(c.name()).isEqualTo(c.at());
            assertThat(event.basis()).as(c.name()).isEqualTo(c.basis());
            assertThat(event.refused()).as(c.name()).isEqualTo(c.previewedRefused());
            assertThat(event.contentShown()).as(c.name()).isEqualTo(c.content());
            assertThat(event.disclosed().stream().map(DisclosedEntry::entry).collect(Collectors.toSet()))
                    .as(c.name()).isEqualTo(c.shown());
            assertThat(event.notShown()).as(c.name()).isEqualTo(c.notShown());
            assertThat(jdbc.queryForObject("SELECT kind || ' ' || subject FROM audit_event WHERE event_id = ?",
                    String.class, preview.auditEvent())).as(c.name())
                    .isEqualTo("PREVIEWED " + c.asRole() + "@" + c.at().value());
            long disclosures = jdbc.queryForObject("SELECT coalesce(cardinality(disclosed_entries), 0) FROM audit_event"
                    + " WHERE event_id = ?", Long.class, preview.auditEvent());
            assertThat(disclosures).as(c.name() + ": disclosures in the trail")
                    .isEqualTo(c.content() ? c.shown().size() : 0);
        }
    }

    @Test
    void aGpsPreviewNeverShowsWhatTheGpsOwnReadDoesNot() {
        RecordRead own = reads.open(reader(gp), patient, Purpose.DIRECT_CARE, Channel.WEB);
        Map<EntryId, ReadEntry> mine = own.entries().stream()
                .collect(Collectors.toMap(ReadEntry::entry, e -> e));
        assertThat(mine).doesNotContainKeys(nursing, sealed);
        for (Role role : List.of(Role.DISTRICT_NURSE, Role.SOCIAL_WORKER, Role.PHARMACIST, Role.SPECIALIST,
                Role.PRACTICE_NURSE, Role.OOH_CLINICIAN, Role.MENTAL_HEALTH_PRACTITIONER)) {
            for (OdsCode at : List.of(trust, practice, pharmacy)) {
                RecordPreview preview = previews.preview(reader(gp), patient, role, at, Purpose.CARE_PLANNING,
                        Channel.WEB);
                for (ReadEntry shown : preview.entries()) {
                    assertThat(mine).as(role + "@" + at.value()).containsKey(shown.entry());
                    assertThat(shown.content()).isEqualTo(mine.get(shown.entry()).content());
                }
                int withheldFromPreviewed = preview.withheldReasons().values().stream().mapToInt(i -> i).sum();
                assertThat(preview.entries().size() + withheldFromPreviewed).as(role + "@" + at.value())
                        .isLessThanOrEqualTo(mine.size());
            }
        }
        // the same practice's practice nurse: the sealed entry and the trust's note stay out of the GP's preview
        RecordPreview practiceNurse = previews.preview(reader(gp), patient, Role.PRACTICE_NURSE, practice,
                Purpose.CARE_PLANNING, Channel.WEB);
        assertThat(ids(practiceNurse.entries())).containsExactlyInAnyOrder(carePlan, referral, consultation,
                privateReferral);
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsReadOrAudited() {
        long before = storedEventsOfType("RecordPreviewed") + storedEventsOfType("RecordAccessRefused");
        assertThatThrownBy(() -> previews.preview(reader(gp), patient, Role.IG_OFFICER, trust, Purpose.CARE_PLANNING,
                Channel.WEB)).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.INVALID_INPUT));
        assertThatThrownBy(() -> previews.preview(reader(gp), patient, Role.PATIENT, trust, Purpose.CARE_PLANNING,
                Channel.WEB)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> previews.preview(reader(gp), patient, Role.DISTRICT_NURSE, OdsCode.of("ZZ9"),
                Purpose.CARE_PLANNING, Channel.WEB)).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.UNKNOWN_ORGANISATION));
        assertThat(storedEventsOfType("RecordPreviewed") + storedEventsOfType("RecordAccessRefused"))
                .isEqualTo(before);
    }

    @Test
    void theHypotheticalReaderHasNoPersonalGrantTeamOrEmergency() {
        // a grant to the nurse personally (not to the trust) does not make the trust's district nurses see more
        OdsCode otherTrust = organisation(OrganisationType.COMMUNITY_HEALTH);
        Actor personal = staff(Role.DISTRICT_NURSE, otherTrust);
        grant(patient, Grantee.user(personal.user()), GrantScope.wholeRecord(), Duration.ofDays(1), gp);
        assertThat(reads.open(reader(personal), patient, Purpose.DIRECT_CARE, Channel.WEB).allowed()).isTrue();
        RecordPreview preview = previews.preview(reader(gp), patient, Role.DISTRICT_NURSE, otherTrust,
                Purpose.CARE_PLANNING, Channel.WEB);
        assertThat(preview.previewedRefused()).isEqualTo(Refused.NO_BASIS);
        assertThat(preview.entries()).isEmpty();
    }

    private static Set<EntryId> ids(List<ReadEntry> entries) {
        return entries.stream().map(ReadEntry::entry).collect(Collectors.toSet());
    }

    private static Reader reader(Actor actor) {
        return Reader.staff(actor.user(), actor.role(), actor.organisation(), Set.of());
    }
}
