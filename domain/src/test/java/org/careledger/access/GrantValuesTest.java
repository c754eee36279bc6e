package org.careledger.access;

import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Section;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careledger.shared.Refusals.assertRefused;

/** Grantee and GrantScope. */
class GrantValuesTest {

    @ParameterizedTest(name = "{0} \"{1}\" is \"{2}\"")
    @CsvSource({
            "USER, 3F2504E0-4F89-11D3-9A0C-0305E82C3301, 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "USER, 3f2504e0-4f89-11d3-9a0c-0305e82c3301, 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "TEAM, 6ba7b810-9dad-11d1-80b4-00c04fd430c8, 6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "ORGANISATION, rx1, RX1",
            "ORGANISATION, A81001, A81001",
    })
    void a_grantee_id_is_normalised_for_its_kind(Grantee.Kind kind, String id, String normalised) {
        assertThat(new Grantee(kind, id).id()).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource({
            "USER, not-a-uuid, INVALID_INPUT",
            "USER, A81001, INVALID_INPUT",
            "TEAM, RX1, INVALID_INPUT",
            "ORGANISATION, 3f2504e0-4f89-11d3-9a0c-0305e82c3301, INVALID_ODS_CODE",
            "ORGANISATION, 12345, INVALID_ODS_CODE",
            ", A81001, INVALID_INPUT",
            "USER, , INVALID_INPUT",
    })
    void a_grantee_id_must_fit_its_kind(Grantee.Kind kind, String id, Refusal.Kind refusal) {
        assertRefused(() -> new Grantee(kind, id), refusal);
    }

    @Test
    void grantee_factories_agree_with_the_constructor() {
        UserId user = UserId.of("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        TeamId team = TeamId.of("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(Grantee.user(user)).isEqualTo(new Grantee(Grantee.Kind.USER, user.toString()));
        assertThat(Grantee.team(team)).isEqualTo(new Grantee(Grantee.Kind.TEAM, team.toString()));
        assertThat(Grantee.organisation(OdsCode.of("RX1"))).isEqualTo(new Grantee(Grantee.Kind.ORGANISATION, "rx1"));
    }

    @Test
    void a_scope_names_at_least_one_section() {
        assertRefused(() -> new GrantScope(null), Refusal.Kind.INVALID_INPUT);
        assertRefused(() -> new GrantScope(Set.of()), Refusal.Kind.INVALID_INPUT);
        assertRefused(() -> new GrantScope(EnumSet.noneOf(Section.class)), Refusal.Kind.INVALID_INPUT);
    }

    @Test
    void a_scope_covers_exactly_its_sections() {
        GrantScope scope = GrantScope.of(Section.PROBLEMS, Section.MEDICATIONS);
        assertThat(scope.covers(Section.PROBLEMS)).isTrue();
        assertThat(scope.covers(Section.MEDICATIONS)).isTrue();
        assertThat(scope.covers(Section.SAFEGUARDING)).isFalse();
        assertThat(EnumSet.allOf(Section.class)).allMatch(GrantScope.wholeRecord()::covers);
    }

    @Test
    void a_scope_is_an_immutable_copy() {
        Set<Section> sections = new HashSet<>(Set.of(Section.PROBLEMS));
        GrantScope scope = new GrantScope(sections);
        sections.add(Section.SAFEGUARDING);
        assertThat(scope.covers(Section.SAFEGUARDING)).isFalse();
        assertThatThrownBy(() -> scope.sections().add(Section.SAFEGUARDING))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(scope).isEqualTo(GrantScope.of(Section.PROBLEMS));
    }
}
