package org.careledger.alert;

import org.careledger.alert.AlertRules.Day;
import org.careledger.alert.AlertRules.EmergencyDeclared;
import org.careledger.alert.AlertRules.Observation;
import org.careledger.alert.AlertRules.Read;
import org.careledger.alert.AlertRules.Rule;
import org.careledger.alert.AlertRules.Thresholds;
import org.careledger.alert.AlertRules.UnrecognisedAccessReported;
import org.careledger.policy.RolePolicy;
import org.careledger.policy.RolePolicy.WorkingHours;
import org.careledger.shared.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IG alert rules, one row each: an observation that must raise the rule and a near miss that must not. The
 * default policy's working hours are Monday to Friday in London; thresholds are the defaults (50 records, 3
 * refusals, 5x a 30-day baseline of at least 5 active days, at least 20 records).
 */
class AlertRulesTest {

    static final WorkingHours HOURS = RolePolicy.defaultPolicy().workingHours();
    static final Thresholds T = Thresholds.defaults();
    static final Instant TUESDAY_10 = Instant.parse("2026-03-03T10:00:00Z");
    static final Instant TUESDAY_23 = Instant.parse("2026-03-03T23:30:00Z");
    static final Instant SATURDAY_10 = Instant.parse("2026-03-07T10:00:00Z");

    static Read staffRead(Instant at) {
        return new Read(Role.GP, at, "practitioner", "jones", false, false);
    }

    /** 30 days: four with 10 distinct patients, the rest without reads (an average of 1.33 a day). */
    static List<Integer> quietMonth(int activeDays, int perDay) {
        List<Integer> days = new ArrayList<>(Collections.nCopies(30 - activeDays, 0));
        days.addAll(Collections.nCopies(activeDays, perDay));
        return days;
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                row(Rule.EMERGENCY_ACCESS, new EmergencyDeclared(),
                        staffRead(TUESDAY_10)),
                row(Rule.UNRECOGNISED_ACCESS, new UnrecognisedAccessReported(),
                        staffRead(TUESDAY_10)),
                row(Rule.OUT_OF_HOURS, staffRead(TUESDAY_23),
                        staffRead(TUESDAY_10)),
                row(Rule.OUT_OF_HOURS, staffRead(SATURDAY_10),
                        new Read(Role.PATIENT, SATURDAY_10, "", "jones", false, false)),
                row(Rule.SHARED_SURNAME, new Read(Role.PHARMACIST, TUESDAY_10, "jones", "Jones ", false, false),
                        new Read(Role.PHARMACIST, TUESDAY_10, "", "", false, false)),
                row(Rule.SHARED_SURNAME, new Read(Role.PHARMACIST, TUESDAY_10, "jones", "jones", false, false),
                        new Read(Role.PHARMACIST, TUESDAY_10, "jones", "jonas", false, false)),
                row(Rule.OWN_RECORD, new Read(Role.GP, TUESDAY_10, "a", "b", true, false),
                        new Read(Role.PATIENT, TUESDAY_10, "", "b", true, false)),
                row(Rule.COLLEAGUE_RECORD, new Read(Role.GP, TUESDAY_10, "a", "b", false, true),
                        new Read(Role.GP, TUESDAY_10, "a", "b", false, false)),
                // one's own record is OWN_RECORD, not a colleague's
                row(Rule.OWN_RECORD, new Read(Role.GP, TUESDAY_10, "a", "b", true, true),
                        new Read(Role.GP, TUESDAY_10, "a", "b", false, false)),
                row(Rule.MANY_RECORDS, new Day(50, 0, List.of()),
                        new Day(49, 0, List.of())),
                row(Rule.REPEATED_REFUSALS, new Day(0, 3, List.of()),
                        new Day(0, 2, List.of())),
                // average 40/30 = 1.33 a day; 5 x 1.33 = 6.67, so 7, but never below the minimum of 20
                row(Rule.ABOVE_BASELINE, new Day(20, 0, quietMonth(4 + 1, 8)),
                        new Day(19, 0, quietMonth(4 + 1, 8))),
                // a busy user's normal day is not an alert: 30 days of 40 give a threshold of 201
                row(Rule.ABOVE_BASELINE, new Day(201, 0, quietMonth(30, 40)),
                        new Day(200, 0, quietMonth(30, 40))),
                // a new user has no baseline: 4 active days are too few
                row(Rule.ABOVE_BASELINE, new Day(25, 0, quietMonth(5, 1)),
                        new Day(25, 0, quietMonth(4, 1))));
    }

    static Arguments row(Rule rule, Observation raises, Observation mustNot) {
        return Arguments.of(rule, raises, mustNot);
    }

    @ParameterizedTest(name = "{0}: raised by {1}, not by {2}")
    @MethodSource("rules")
    void eachRuleIsRaisedByItsScenarioAndNotByItsNearMiss(Rule rule, Observation raises, Observation mustNot) {
        assertThat(AlertRules.raised(raises, T, HOURS)).contains(rule);
        assertThat(AlertRules.raised(mustNot, T, HOURS)).doesNotContain(rule);
    }

    @Test
    void everyRuleHasARow() {
        assertThat(rules().map(a -> (Rule) a.get()[0])).containsAll(Arrays.asList(Rule.values()));
    }

    @Test
    void aDayRaisesEachRuleWhoseCountReachedItsThresholdAndTheThresholdIsWhatTheTrailCountsTo() {
        Day day = new Day(60, 3, quietMonth(10, 2));
        assertThat(AlertRules.raised(day, T, HOURS))
                .containsExactlyInAnyOrder(Rule.MANY_RECORDS, Rule.REPEATED_REFUSALS, Rule.ABOVE_BASELINE);
        assertThat(AlertRules.dayThreshold(Rule.MANY_RECORDS, List.of(), T)).hasValue(50);
        assertThat(AlertRules.dayThreshold(Rule.REPEATED_REFUSALS, List.of(), T)).hasValue(3);
        assertThat(AlertRules.dayThreshold(Rule.ABOVE_BASELINE, quietMonth(30, 40), T)).hasValue(201);
        assertThat(AlertRules.dayThreshold(Rule.ABOVE_BASELINE, quietMonth(2, 40), T)).isEmpty();
        assertThatThrownBy(() -> AlertRules.dayThreshold(Rule.OUT_OF_HOURS, List.of(), T))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPatientReadingTheirOwnRecordRaisesNothingAtAnyHour() {
        assertThat(AlertRules.raised(new Read(Role.PATIENT, SATURDAY_10, "jones", "jones", true, true), T, HOURS))
                .isEmpty();
    }

    @Test
    void thresholdsThatCouldNeverOrAlwaysRaiseAreRefusedWithTheirPropertyName() {
        assertThatThrownBy(() -> new Thresholds(0, 3, 5, 30, 20, 5))
                .hasMessageContaining("careledger.audit.alerts.records-per-day");
        assertThatThrownBy(() -> new Thresholds(50, 3, 1.0, 30, 20, 5))
                .hasMessageContaining("careledger.audit.alerts.baseline-factor");
        assertThatThrownBy(() -> new Thresholds(50, 3, 5, 30, 20, 31))
                .hasMessageContaining("baseline-active-days");
    }
}
