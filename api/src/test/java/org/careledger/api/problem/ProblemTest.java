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

    @Test
    void an_internal_error_never_claims_that_nothing_was_written() {
        // a failed FHIR export has already committed the audit event of its read: "nothing was written" would be false
        var answer = new ProblemAdvice().unexpected(new IllegalStateException("boom"),
                new org.springframework.web.context.request.ServletWebRequest(
                        new org.springframework.mock.web.MockHttpServletRequest("GET", "/fhir/Patient/x/$everything")));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        String detail = ((org.springframework.http.ProblemDetail) answer.getBody()).getDetail();
        assertThat(detail).doesNotContainIgnoringCase("nothing was written").contains("check the current state");
    }
}
