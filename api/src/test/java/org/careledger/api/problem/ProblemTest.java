package org.careledger.api.problem;

import org.careledger.shared.Refusal;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void every_refusal_kind_has_a_problem_type_and_an_unknown_patient_looks_like_a_record_not_available() {
        for (Refusal.Kind kind : Refusal.Kind.values()) {
            Problem problem = Problem.of(kind);
            assertThat(problem.type().toString()).startsWith(Problem.TYPE_PREFIX);
            assertThat(problem.status().is4xxClientError()).as(kind.name()).isTrue();
        }
        assertThat(Problem.of(Refusal.Kind.UNKNOWN_PATIENT)).isEqualTo(Problem.RECORD_NOT_AVAILABLE);
        assertThat(Problem.of(Refusal.Kind.NO_CARE_RELATIONSHIP)).isEqualTo(Problem.RECORD_NOT_AVAILABLE);
        assertThat(Problem.of(Refusal.Kind.STALE_VERSION).status().value()).isEqualTo(412);
    }

    @Test
    void type_uris_are_unique() {
        Set<String> types = new HashSet<>();
        Arrays.stream(Problem.values()).forEach(p -> assertThat(types.add(p.type().toString())).isTrue());
    }
}
