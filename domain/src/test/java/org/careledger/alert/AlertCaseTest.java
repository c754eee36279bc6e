package org.careledger.alert;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal.Kind;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.careledger.shared.Refusals.assertRefused;
import static org.careledger.shared.Refusals.expectRefused;

class AlertCaseTest {

    static final String ALERT = "UNRECOGNISED_ACCESS:5f0c8a52-1d3e-4c7b-9a1e-2b3c4d5e6f70";
    static final OdsCode ICB = OdsCode.of("QWO");
    static final Instant EARLIER = Instant.parse("2025-03-04T10:00:00Z");
    static final Instant AT = Instant.parse("2025-03-05T14:30:00Z");
    static final Actor IG = Actor.staff(UserId.of("00000000-0000-0000-0000-00000000001a"), Role.IG_OFFICER, ICB);
    static final Actor OTHER_IG = Actor.staff(UserId.of("00000000-0000-0000-0000-00000000001b"), Role.IG_OFFICER, ICB);

    static final AlertReviewed REVIEWED = new AlertReviewed(ALERT, "Asked the practice manager", IG, EARLIER);
    static final AlertClosed CLOSED = new AlertClosed(ALERT, AlertOutcome.NO_CONCERN, "On-call GP", IG, EARLIER);

    FixtureConfiguration<AlertCase> fixture;

    @BeforeEach
    void noCase() {
        fixture = new AggregateTestFixture<>(AlertCase.class);
    }

    @Test
    void an_ig_officer_reviews_an_open_alert_with_a_note() {
        fixture.givenNoPriorActivity()
                .when(new ReviewAlert(ALERT, "  Asked the practice manager ", IG, AT))
                .expectEvents(new AlertReviewed(ALERT, "Asked the practice manager", IG, AT));
    }

    @Test
    void an_alert_under_review_may_be_reviewed_again_by_another_officer() {
        fixture.given(REVIEWED)
                .when(new ReviewAlert(ALERT, "Second look", OTHER_IG, AT))
                .expectEvents(new AlertReviewed(ALERT, "Second look", OTHER_IG, AT));
    }

    @Test
    void an_ig_officer_closes_a_reviewed_alert_with_an_outcome() {
        fixture.given(REVIEWED)
                .when(new CloseAlert(ALERT, AlertOutcome.INAPPROPRIATE_ACCESS, "Reader had no care role", IG, AT))
                .expectEvents(new AlertClosed(ALERT, AlertOutcome.INAPPROPRIATE_ACCESS, "Reader had no care role",
                        IG, AT));
    }

    @ParameterizedTest
    @EnumSource(AlertOutcome.class)
    void an_open_alert_may_be_closed_directly_with_any_outcome(AlertOutcome outcome) {
        fixture.givenNoPriorActivity()
                .when(new CloseAlert(ALERT, outcome, "Checked", IG, AT))
                .expectEvents(new AlertClosed(ALERT, outcome, "Checked", IG, AT));
    }

    @ParameterizedTest
    @EnumSource(value = Role.class, names = "IG_OFFICER", mode = EnumSource.Mode.EXCLUDE)
    void only_an_ig_officer_reviews_or_closes(Role role) {
        Actor actor = role.isStaff() ? Actor.staff(UserId.of("00000000-0000-0000-0000-000000000002"), role, ICB)
                : Actor.patient(UserId.of("00000000-0000-0000-0000-000000000003"));
        expectRefused(fixture.givenNoPriorActivity().when(new ReviewAlert(ALERT, "note", actor, AT)),
                Kind.NOT_PERMITTED);
        expectRefused(fixture.given(REVIEWED)
                .when(new CloseAlert(ALERT, AlertOutcome.NO_CONCERN, "note", actor, AT)), Kind.NOT_PERMITTED);
    }

    @Test
    void closing_twice_is_refused() {
        expectRefused(fixture.given(REVIEWED, CLOSED)
                .when(new CloseAlert(ALERT, AlertOutcome.INAPPROPRIATE_ACCESS, "Changed my mind", IG, AT)),
                Kind.ALERT_ALREADY_CLOSED);
    }

    @Test
    void reviewing_a_closed_alert_is_refused() {
        expectRefused(fixture.given(CLOSED).when(new ReviewAlert(ALERT, "More", IG, AT)), Kind.ALERT_ALREADY_CLOSED);
    }

    @Test
    void closing_needs_an_outcome() {
        expectRefused(fixture.givenNoPriorActivity().when(new CloseAlert(ALERT, null, "Checked", IG, AT)),
                Kind.INVALID_INPUT);
    }

    @ParameterizedTest(name = "note \"{0}\"")
    @ValueSource(strings = {"", "   "})
    void a_review_and_a_closure_need_a_note(String note) {
        expectRefused(fixture.givenNoPriorActivity().when(new ReviewAlert(ALERT, note, IG, AT)), Kind.REASON_REQUIRED);
        expectRefused(fixture.givenNoPriorActivity().when(new ReviewAlert(ALERT, null, IG, AT)), Kind.REASON_REQUIRED);
        expectRefused(fixture.givenNoPriorActivity()
                .when(new CloseAlert(ALERT, AlertOutcome.NO_CONCERN, note, IG, AT)), Kind.REASON_REQUIRED);
    }

    @Test
    void a_note_is_at_most_2000_characters() {
        expectRefused(fixture.givenNoPriorActivity().when(new ReviewAlert(ALERT, "x".repeat(2_001), IG, AT)),
                Kind.INVALID_INPUT);
        expectRefused(fixture.givenNoPriorActivity()
                .when(new CloseAlert(ALERT, AlertOutcome.NO_CONCERN, "x".repeat(2_001), IG, AT)), Kind.INVALID_INPUT);
        fixture.givenNoPriorActivity().when(new ReviewAlert(ALERT, "x".repeat(2_000), IG, AT))
                .expectEvents(new AlertReviewed(ALERT, "x".repeat(2_000), IG, AT));
    }

    @ParameterizedTest(name = "alert id \"{0}\"")
    @ValueSource(strings = {"", "no-kind-here", "lower:abc", "KIND:", "KIND:has space"})
    void an_alert_id_has_the_shape_the_audit_trail_gives_it(String alert) {
        expectRefused(fixture.givenNoPriorActivity().when(new ReviewAlert(alert, "note", IG, AT)), Kind.INVALID_INPUT);
    }

    @Test
    void an_alert_id_is_at_most_200_characters() {
        expectRefused(fixture.givenNoPriorActivity()
                .when(new ReviewAlert("MANY_RECORDS:" + "x".repeat(188), "note", IG, AT)), Kind.INVALID_INPUT);
    }

    @Test
    void a_command_without_an_alert_or_a_stamp_cannot_be_made() {
        assertRefused(() -> new ReviewAlert(null, "note", IG, AT), Kind.INVALID_INPUT);
        assertRefused(() -> new ReviewAlert(ALERT, "note", null, AT), Kind.INVALID_INPUT);
        assertRefused(() -> new CloseAlert(ALERT, AlertOutcome.NO_CONCERN, "note", IG, null), Kind.INVALID_INPUT);
    }
}
