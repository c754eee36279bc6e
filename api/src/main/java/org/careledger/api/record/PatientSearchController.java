package org.careledger.api.record;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Size;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Channel;
import org.careledger.audit.search.DemographicQuery;
import org.careledger.audit.search.PatientSearch;
import org.careledger.shared.NhsNumber;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.LocalDate;
import java.util.List;

/**
 * Find a patient by NHS number, or by surname and date of birth (audited by {@link PatientSearch}: the kind of
 * query and who was returned, never the terms). A POST, so that names and dates of birth never sit in a URL.
 */
@RestController
@Validated
@Tag(name = "record")
class PatientSearchController {

    private final PatientSearch search;

    PatientSearchController(PatientSearch search) {
        this.search = search;
    }

    record Query(String nhsNumber, @Size(max = 100) String surname, LocalDate birthDate,
                 @Size(max = DemographicQuery.MAX_LENGTH) String text) {
    }

    record Match(String nhsNumber, LocalDate birthDate, String registeredPractice) {
    }

    @PostMapping("/api/patients/search")
    @Operation(summary = "Find a patient: {nhsNumber}, {surname, birthDate} or {text}: names with a date or year "
            + "of birth and/or a postcode, fuzzy when Elasticsearch is configured (audited, by the query's shape)")
    List<Match> find(@AuthenticationPrincipal SignedInUser user, @RequestBody @jakarta.validation.Valid Query query) {
        List<PatientSearch.Match> found;
        if (query.text() != null) {
            found = search.byDemographics(user.actor(), Channel.API, query.text());
        } else if (query.nhsNumber() != null) {
            found = search.byNhsNumber(user.actor(), Channel.API, NhsNumber.of(query.nhsNumber()));
        } else if (query.surname() != null && query.birthDate() != null) {
            found = search.bySurnameAndBirthDate(user.actor(), Channel.API, query.surname(), query.birthDate());
        } else {
            throw new ProblemException(Problem.MISSING_FIELD, "Give nhsNumber, or surname and birthDate, or text.");
        }
        return found.stream().map(m -> new Match(m.patient().value(), m.birthDate(),
                m.registeredPractice() == null ? null : m.registeredPractice().value())).toList();
    }
}
