package org.careledger.alert;

import org.careledger.policy.RolePolicy.WorkingHours;
import org.careledger.shared.Role;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * When the audit trail raises an IG alert (DESIGN.md "The audit trail"; ADR 10 and 19): one pure function over what
 * the trail observed, beside {@code AccessPolicy}. No I/O, no clock: the trail passes the facts it holds (surnames,
 * who has acted as which patient, the user's counts of the day and of their baseline window) and the working hours
 * of the policy in force. Raising (a row of the trail) and reviewing or closing (events) stay where they are; this
 * only decides.
 *
 * <p>Rules keyed by one event: {@link Rule#EMERGENCY_ACCESS} (an emergency was declared), {@link
 * Rule#UNRECOGNISED_ACCESS} (a patient reported an access), and for a staff read {@link Rule#OUT_OF_HOURS},
 * {@link Rule#SHARED_SURNAME}, {@link Rule#OWN_RECORD} and {@link Rule#COLLEAGUE_RECORD}. Rules of a user's local
 * day, raised once per user and day when a count reaches its threshold: {@link Rule#MANY_RECORDS} (distinct
 * patients opened), {@link Rule#REPEATED_REFUSALS} (refusals) and {@link Rule#ABOVE_BASELINE} (distinct patients
 * opened, K times the user's own daily average over the previous days).
 */
public final class AlertRules {

    private AlertRules() {
    }

    public enum Rule {
        EMERGENCY_ACCESS, OUT_OF_HOURS, MANY_RECORDS, SHARED_SURNAME, REPEATED_REFUSALS, UNRECOGNISED_ACCESS,
        OWN_RECORD, ABOVE_BASELINE, COLLEAGUE_RECORD;

        /** Raised once per user and local day (its alert id is {@code <rule>:<user>:<day>}). */
        public boolean perDay() {
            return this == MANY_RECORDS || this == REPEATED_REFUSALS || this == ABOVE_BASELINE;
        }
    }

    /**
     * The configurable thresholds (properties {@code careledger.audit.alerts.*}).
     *
     * @param recordsPerDay      distinct patients a user opens in a day that raise MANY_RECORDS
     * @param refusalsPerDay     refusals of a user in a day that raise REPEATED_REFUSALS
     * @param baselineFactor     K: a day with more than K times the user's daily average raises ABOVE_BASELINE
     * @param baselineDays       the window of the average, in the days before the day (30)
     * @param baselineMinimum    ABOVE_BASELINE needs at least this many distinct patients in the day (no alert for
     *                           3 records on a day after a quiet month)
     * @param baselineActiveDays ... and at least this many days with reads in the window (a new user has no baseline)
     */
    public record Thresholds(int recordsPerDay, int refusalsPerDay, double baselineFactor, int baselineDays,
                             int baselineMinimum, int baselineActiveDays) {

        public Thresholds {
            positive(recordsPerDay, "records-per-day");
            positive(refusalsPerDay, "refusals-per-day");
            positive(baselineDays, "baseline-days");
            positive(baselineMinimum, "baseline-minimum");
            positive(baselineActiveDays, "baseline-active-days");
            if (!(baselineFactor > 1.0) || Double.isInfinite(baselineFactor)) {
                throw new IllegalArgumentException("careledger.audit.alerts.baseline-factor must be above 1, was "
                        + baselineFactor);
            }
            if (baselineActiveDays > baselineDays) {
                throw new IllegalArgumentException("careledger.audit.alerts.baseline-active-days must not exceed "
                        + "baseline-days");
            }
        }

        public static Thresholds defaults() {
            return new Thresholds(50, 3, 5.0, 30, 20, 5);
        }

        private static void positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException("careledger.audit.alerts." + name + " must be at least 1, was "
                        + value);
            }
        }
    }

    /** What the trail observed; each kind is evaluated by {@link #raised}. */
    public sealed interface Observation {
    }

    /** An emergency was declared: always an alert. */
    public record EmergencyDeclared() implements Observation {
    }

    /** A patient reported an access in their history as unrecognised: always an alert. */
    public record UnrecognisedAccessReported() implements Observation {
    }

    /**
     * One read of a record, as the trail knows it when the read is appended.
     *
     * @param role                 the reader's role (patients reading their own record raise nothing)
     * @param at                   when
     * @param readerSurname        the reader's surname from the directory (normalised), or blank
     * @param patientSurname       the patient's surname before the read (normalised), or blank
     * @param readerIsThePatient   the reader's user id has acted as this patient (signed in as them)
     * @param patientIsAColleague  another user who has acted as this patient has worked at the reader's organisation
     */
    public record Read(Role role, Instant at, String readerSurname, String patientSurname,
                       boolean readerIsThePatient, boolean patientIsAColleague) implements Observation {
    }

    /**
     * A user's local day so far, when one of its counts has grown.
     *
     * @param distinctPatients distinct patients the user opened that day
     * @param refusals         the user's refusals that day
     * @param baseline         distinct patients the user opened on each of the {@code baselineDays} days before
     *                         (0 for a day without reads; fewer entries are read as 0)
     */
    public record Day(int distinctPatients, int refusals, List<Integer> baseline) implements Observation {
        public Day {
            baseline = baseline == null ? List.of() : List.copyOf(baseline);
        }
    }

    /** The alerts this observation raises. */
    public static Set<Rule> raised(Observation observation, Thresholds thresholds, WorkingHours hours) {
        Set<Rule> raised = EnumSet.noneOf(Rule.class);
        if (observation instanceof EmergencyDeclared) {
            raised.add(Rule.EMERGENCY_ACCESS);
        } else if (observation instanceof UnrecognisedAccessReported) {
            raised.add(Rule.UNRECOGNISED_ACCESS);
        } else if (observation instanceof Read read) {
            if (read.role().isStaff()) {
                if (!hours.contains(read.at())) {
                    raised.add(Rule.OUT_OF_HOURS);
                }
                if (sameSurname(read.readerSurname(), read.patientSurname())) {
                    raised.add(Rule.SHARED_SURNAME);
                }
                if (read.readerIsThePatient()) {
                    raised.add(Rule.OWN_RECORD);
                } else if (read.patientIsAColleague()) {
                    raised.add(Rule.COLLEAGUE_RECORD);
                }
            }
        } else if (observation instanceof Day day) {
            if (day.distinctPatients() >= thresholds.recordsPerDay()) {
                raised.add(Rule.MANY_RECORDS);
            }
            if (day.refusals() >= thresholds.refusalsPerDay()) {
                raised.add(Rule.REPEATED_REFUSALS);
            }
            OptionalInt baseline = baselineThreshold(day.baseline(), thresholds);
            if (baseline.isPresent() && day.distinctPatients() >= baseline.getAsInt()) {
                raised.add(Rule.ABOVE_BASELINE);
            }
        }
        return raised;
    }

    /** The count of a per-day rule at which it is raised: the trail names the row where the count reached it. */
    public static OptionalInt dayThreshold(Rule rule, List<Integer> baseline, Thresholds thresholds) {
        return switch (rule) {
            case MANY_RECORDS -> OptionalInt.of(thresholds.recordsPerDay());
            case REPEATED_REFUSALS -> OptionalInt.of(thresholds.refusalsPerDay());
            case ABOVE_BASELINE -> baselineThreshold(baseline, thresholds);
            default -> throw new IllegalArgumentException(rule + " is not a rule of the day");
        };
    }

    /**
     * The distinct patients in a day that are "far above" the user's own baseline: more than K times their daily
     * average over the window, and at least the minimum; empty without enough days with reads in the window.
     */
    static OptionalInt baselineThreshold(List<Integer> baseline, Thresholds thresholds) {
        List<Integer> window = baseline.size() > thresholds.baselineDays()
                ? baseline.subList(baseline.size() - thresholds.baselineDays(), baseline.size()) : baseline;
        long activeDays = window.stream().filter(n -> n != null && n > 0).count();
        if (activeDays < thresholds.baselineActiveDays()) {
            return OptionalInt.empty();
        }
        double average = window.stream().mapToInt(n -> n == null ? 0 : n).sum() / (double) thresholds.baselineDays();
        int above = (int) Math.floor(thresholds.baselineFactor() * average) + 1;
        return OptionalInt.of(Math.max(thresholds.baselineMinimum(), above));
    }

    private static boolean sameSurname(String reader, String patient) {
        if (reader == null || patient == null || reader.isBlank()) {
            return false;
        }
        return reader.strip().toLowerCase(Locale.ROOT).equals(patient.strip().toLowerCase(Locale.ROOT));
    }
}
