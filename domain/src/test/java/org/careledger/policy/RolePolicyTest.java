package org.careledger.policy;

import org.careledger.shared.GrantReason;
import org.careledger.shared.Role;
import org.careledger.shared.Section;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.shared.Section.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RolePolicyTest {

    static final RolePolicy DEFAULT = RolePolicy.defaultPolicy();

    /**
     * DESIGN.md "Default role views", written out here by hand from the table, not computed from the policy file.
     * ADMINISTRATOR is not in the table: it keeps the directory and reads no record (Role's javadoc).
     */
    static Stream<Arguments> designTable() {
        Set<Section> all = EnumSet.allOf(Section.class);
        return Stream.of(
                arguments(Role.GP, all),
                arguments(Role.PRACTICE_NURSE, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                        TEST_RESULTS, IMMUNISATIONS, CONSULTATIONS, DOCUMENTS, REFERRALS, CARE_PLANS,
                        COMMUNITY_NURSING)),
                arguments(Role.PRACTICE_ADMIN, EnumSet.of(DEMOGRAPHICS)),
                arguments(Role.DISTRICT_NURSE, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                        TEST_RESULTS, IMMUNISATIONS, REFERRALS, CARE_PLANS, COMMUNITY_NURSING)),
                arguments(Role.MENTAL_HEALTH_PRACTITIONER, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES,
                        REFERRALS, CARE_PLANS, MENTAL_HEALTH, SAFEGUARDING)),
                arguments(Role.SOCIAL_WORKER, EnumSet.of(DEMOGRAPHICS, ALLERGIES, CARE_PLANS, SOCIAL_CARE, SAFEGUARDING)),
                arguments(Role.PHARMACIST, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, TEST_RESULTS)),
                arguments(Role.OOH_CLINICIAN, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                        TEST_RESULTS, IMMUNISATIONS, CONSULTATIONS, CARE_PLANS)),
                arguments(Role.SPECIALIST, EnumSet.of(DEMOGRAPHICS, PROBLEMS, MEDICATIONS, ALLERGIES, OBSERVATIONS,
                        TEST_RESULTS, CONSULTATIONS, DOCUMENTS, REFERRALS)),
                arguments(Role.PATIENT, all),
                arguments(Role.IG_OFFICER, EnumSet.noneOf(Section.class)),
                arguments(Role.ADMINISTRATOR, EnumSet.noneOf(Section.class)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designTable")
    void the_default_policy_reads_exactly_as_design_md_says(Role role, Set<Section> sections) {
        assertThat(DEFAULT.readableSections(role)).containsExactlyInAnyOrderElementsOf(sections);
        for (Section section : Section.values()) {
            assertThat(DEFAULT.mayRead(role, section)).as(role + " reads " + section).isEqualTo(sections.contains(section));
        }
    }

    @Test
    void the_design_table_covers_every_role() {
        assertThat(designTable().map(a -> (Role) a.get()[0]).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(Role.values());
    }

    @ParameterizedTest(name = "{0} writes what it reads")
    @EnumSource(value = Role.class, names = {"GP", "PRACTICE_NURSE", "DISTRICT_NURSE", "MENTAL_HEALTH_PRACTITIONER",
            "SOCIAL_WORKER", "PHARMACIST", "OOH_CLINICIAN", "SPECIALIST"})
    void a_role_writes_the_sections_it_reads_by_default(Role role) {
        assertThat(DEFAULT.writableSections(role)).isEqualTo(DEFAULT.readableSections(role)).isNotEmpty();
    }

    @Test
    void practice_admin_writes_only_demographics() {
        assertThat(DEFAULT.writableSections(Role.PRACTICE_ADMIN)).containsExactly(DEMOGRAPHICS);
    }

    @ParameterizedTest
    @EnumSource(value = Role.class, names = {"PATIENT", "IG_OFFICER", "ADMINISTRATOR"})
    void patient_ig_officer_and_administrator_write_nothing(Role role) {
        assertThat(DEFAULT.writableSections(role)).isEmpty();
        assertThat(Section.values()).noneMatch(s -> DEFAULT.mayWrite(role, s));
    }

    @ParameterizedTest(name = "{0} breaks glass for {1}")
    @CsvSource({
            "GP, PT4H", "PRACTICE_NURSE, PT4H", "DISTRICT_NURSE, PT4H", "MENTAL_HEALTH_PRACTITIONER, PT4H",
            "PHARMACIST, PT4H", "OOH_CLINICIAN, PT4H", "SPECIALIST, PT4H"})
    void clinical_roles_may_declare_an_emergency_for_at_most_four_hours(Role role, Duration lasts) {
        assertThat(DEFAULT.emergencyDuration(role)).contains(lasts);
        assertThat(lasts).isLessThanOrEqualTo(RolePolicy.EMERGENCY_CEILING);
    }

    @ParameterizedTest
    @EnumSource(value = Role.class, names = {"PRACTICE_ADMIN", "SOCIAL_WORKER", "IG_OFFICER", "PATIENT", "ADMINISTRATOR"})
    void non_clinical_roles_may_not_declare_an_emergency(Role role) {
        assertThat(DEFAULT.emergencyDuration(role)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"GP, true", "PRACTICE_NURSE, true", "PRACTICE_ADMIN, true", "DISTRICT_NURSE, true",
            "MENTAL_HEALTH_PRACTITIONER, true", "SOCIAL_WORKER, true", "PHARMACIST, true", "OOH_CLINICIAN, true",
            "SPECIALIST, true", "IG_OFFICER, false", "PATIENT, false", "ADMINISTRATOR, false"})
    void who_may_grant_access(Role role, boolean mayGrant) {
        assertThat(DEFAULT.mayGrant(role)).isEqualTo(mayGrant);
    }

    @ParameterizedTest
    @CsvSource({"REFERRAL, P180D", "CASELOAD, P365D", "SOCIAL_CARE_ALLOCATION, P365D", "OUT_OF_HOURS_EPISODE, PT72H",
            "OUTPATIENT_REFERRAL, P365D", "SEALED_ENTRY_DISCLOSURE, P90D"})
    void every_grant_reason_has_a_maximum(GrantReason reason, Duration maximum) {
        assertThat(DEFAULT.grantMaximum(reason)).isEqualTo(maximum);
    }

    @Test
    void the_policy_is_versioned_and_immutable() {
        assertThat(DEFAULT.version()).isEqualTo("1");
        assertThatThrownBy(() -> DEFAULT.readableSections(Role.GP).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> DEFAULT.writableSections(Role.PRACTICE_ADMIN).add(PROBLEMS))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- load(): a typo must never silently widen or narrow access ----

    static String shippedFile() throws IOException {
        try (InputStream in = RolePolicy.class.getResourceAsStream("role-policy.properties")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RolePolicy load(String text) throws IOException {
        return RolePolicy.load(new StringReader(text));
    }

    /** The shipped file with one key's line removed. */
    static String without(String key) throws IOException {
        return Arrays.stream(shippedFile().split("\n"))
                .filter(line -> !line.strip().startsWith(key + "="))
                .collect(Collectors.joining("\n"));
    }

    /** The shipped file with a line added (a later key wins over an earlier one in a properties file). */
    static String with(String line) throws IOException {
        return shippedFile() + "\n" + line + "\n";
    }

    @Test
    void the_shipped_file_loads_and_equals_the_default() throws IOException {
        RolePolicy loaded = load(shippedFile());
        for (Role role : Role.values()) {
            assertThat(loaded.readableSections(role)).isEqualTo(DEFAULT.readableSections(role));
            assertThat(loaded.writableSections(role)).isEqualTo(DEFAULT.writableSections(role));
        }
    }

    @Test
    void a_changed_file_changes_the_policy() throws IOException {
        RolePolicy changed = load(with("role.PHARMACIST.reads=DEMOGRAPHICS, MEDICATIONS, ALLERGIES")
                + "policy.version=2\n");
        assertThat(changed.version()).isEqualTo("2");
        assertThat(changed.readableSections(Role.PHARMACIST)).containsExactlyInAnyOrder(DEMOGRAPHICS, MEDICATIONS, ALLERGIES);
        assertThat(changed.mayWrite(Role.PHARMACIST, PROBLEMS)).isFalse();
    }

    static Stream<Arguments> brokenFiles() throws IOException {
        return Stream.of(
                arguments("unknown key (typo in reads)", with("role.GP.reeds=ALL")),
                arguments("unknown top-level key", with("grant.maximum.REFERRAL=P1D")),
                arguments("unknown grant reason", with("grant.max.HOLIDAY=P1D")),
                arguments("unknown hours key", with("hours.lunch=12:00")),
                arguments("unknown section", with("role.SPECIALIST.reads=DEMOGRAPHICS, PROBLEM")),
                arguments("unknown section in ALL EXCEPT", with("role.PRACTICE_NURSE.reads=ALL EXCEPT SAFEGAURDING")),
                arguments("unknown section in writes", with("role.GP.writes=PROBLEMS, NOTES")),
                arguments("unknown role", with("role.NURSE.reads=ALL")),
                arguments("unknown role in grant.roles", with("grant.roles=GP, NURSE")),
                arguments("missing role line", without("role.SOCIAL_WORKER.reads")),
                arguments("missing IG_OFFICER line", without("role.IG_OFFICER.reads")),
                arguments("blank role line", with("role.GP.reads=")),
                arguments("missing grant maximum", without("grant.max.OUT_OF_HOURS_EPISODE")),
                arguments("missing version", without("policy.version")),
                arguments("missing working hours", without("hours.zone")),
                arguments("emergency over PT4H", with("role.GP.emergency=PT4H1S")),
                arguments("emergency of a day", with("role.OOH_CLINICIAN.emergency=P1D")),
                arguments("zero emergency", with("role.GP.emergency=PT0S")),
                arguments("negative emergency", with("role.GP.emergency=-PT1H")),
                arguments("emergency for a social worker", with("role.SOCIAL_WORKER.emergency=PT1H")),
                arguments("emergency for a practice admin", with("role.PRACTICE_ADMIN.emergency=PT1H")),
                arguments("emergency for the IG officer", with("role.IG_OFFICER.emergency=PT1H")),
                arguments("emergency for a patient", with("role.PATIENT.emergency=PT1H")),
                arguments("PATIENT writes", with("role.PATIENT.writes=DEMOGRAPHICS")),
                arguments("PATIENT writes by default (no writes line, reads ALL)", without("role.PATIENT.writes")),
                arguments("IG_OFFICER writes", with("role.IG_OFFICER.writes=DEMOGRAPHICS")),
                arguments("IG_OFFICER reads", with("role.IG_OFFICER.reads=DEMOGRAPHICS")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void load_refuses_a_broken_file(String what, String file) {
        assertThatThrownBy(() -> load(file)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- working hours: Europe/London, Monday to Friday, 08:00 inclusive to 18:30 exclusive ----

    @ParameterizedTest(name = "{0} ({2}) in hours: {1}")
    @CsvSource(delimiter = '|', value = {
            // winter (GMT = UTC); 2025-03-03 is a Monday
            "2025-03-03T07:59:59Z | false | Monday 07:59:59 GMT",
            "2025-03-03T08:00:00Z | true  | Monday 08:00 GMT, opening is inside",
            "2025-03-03T12:00:00Z | true  | Monday noon",
            "2025-03-03T18:29:59Z | true  | Monday 18:29:59",
            "2025-03-03T18:30:00Z | false | Monday 18:30, closing is outside",
            "2025-03-07T18:00:00Z | true  | Friday 18:00",
            "2025-03-07T18:30:00Z | false | Friday 18:30",
            "2025-03-08T12:00:00Z | false | Saturday noon",
            "2025-03-09T12:00:00Z | false | Sunday noon",
            "2025-03-10T08:00:00Z | true  | the next Monday 08:00",
            // summer (BST = UTC+1); 2025-07-07 is a Monday
            "2025-07-07T06:59:59Z | false | Monday 07:59:59 BST",
            "2025-07-07T07:00:00Z | true  | Monday 08:00 BST",
            "2025-07-07T08:00:00Z | true  | Monday 09:00 BST",
            "2025-07-07T17:29:59Z | true  | Monday 18:29:59 BST",
            "2025-07-07T17:30:00Z | false | Monday 18:30 BST",
            "2025-07-04T17:29:59Z | true  | Friday 18:29:59 BST",
            "2025-07-05T07:00:00Z | false | Saturday 08:00 BST",
            "2025-07-06T23:30:00Z | false | Sunday 23:30 UTC is Monday 00:30 BST",
            "2025-07-04T23:30:00Z | false | Friday 23:30 UTC is Saturday 00:30 BST",
    })
    void working_hours_are_weekdays_from_08_00_to_18_30_london_time(Instant at, boolean inHours, String what) {
        assertThat(DEFAULT.workingHours().contains(at)).isEqualTo(inHours);
    }
}
