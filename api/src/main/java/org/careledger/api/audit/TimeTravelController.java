package org.careledger.api.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.access.AccessDecision.Basis;
import org.careledger.api.fhir.FhirR4;
import org.careledger.api.fhir.WhoCouldHaveSeenMapper;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.timetravel.TimeTravel;
import org.careledger.audit.timetravel.WhoCouldHaveSeen;
import org.careledger.audit.timetravel.WhoCouldHaveSeenRecord;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Time travel for IG officers (DESIGN.md "Where CareLedger goes beyond"): who could have seen an entry, or which
 * sections of a patient's record, at an instant, and on what basis; rebuilt from the events by {@link TimeTravel},
 * which checks the role and commits {@code AuditTrailQueried} before it reads anything (no audit, no answer).
 * As JSON under {@code /api/audit} and as a FHIR {@code Parameters} resource from the {@code $who-could-see}
 * operation. Ids, codes and counts only: never clinical content.
 */
@RestController
@Tag(name = "audit", description = "The audit trail, for IG officers")
class TimeTravelController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final TimeTravel timeTravel;

    TimeTravelController(TimeTravel timeTravel) {
        this.timeTravel = timeTravel;
    }

    /** One possible reader; {@code user} and {@code organisation} are null for the patient themselves. */
    record Reader(String user, String role, String organisation, Basis basis, String grant, String emergency,
                  Integer version, Map<String, Integer> sections, Integer withheld, List<String> receipt) {
    }

    record EntryAnswer(String patient, String entry, Instant at, String policyVersion, boolean entryExisted,
                       Integer entryVersion, String section, String authoringOrganisation, List<Reader> readers) {
        static EntryAnswer of(WhoCouldHaveSeen a) {
            return new EntryAnswer(a.patient().value(), a.entry().toString(), a.at(), a.policyVersion(),
                    a.entryExisted(), a.entryExisted() ? a.facts().version() : null,
                    a.entryExisted() ? a.facts().section().name() : null,
                    a.entryExisted() ? a.facts().authoringOrganisation().value() : null,
                    a.readers().stream().map(r -> new Reader(r.user() == null ? null : r.user().toString(),
                            r.role().name(), r.organisation() == null ? null : r.organisation().value(), r.basis(),
                            r.grant() == null ? null : r.grant().value().toString(),
                            r.emergency() == null ? null : r.emergency().value().toString(), r.version(), null, null,
                            List.copyOf(new TreeSet<>(r.receipt())))).toList());
        }
    }

    record RecordAnswer(String patient, Instant at, String policyVersion, String registeredPractice, int entries,
                        List<Reader> readers) {
        static RecordAnswer of(WhoCouldHaveSeenRecord a) {
            return new RecordAnswer(a.patient().value(), a.at(), a.policyVersion(),
                    a.registeredPractice() == null ? null : a.registeredPractice().value(), a.entries(),
                    a.readers().stream().map(r -> new Reader(r.user() == null ? null : r.user().toString(),
                            r.role().name(), r.organisation() == null ? null : r.organisation().value(), r.basis(),
                            r.grant() == null ? null : r.grant().value().toString(),
                            r.emergency() == null ? null : r.emergency().value().toString(), null,
                            r.sections().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(),
                                    Map.Entry::getValue, (x, y) -> x, java.util.LinkedHashMap::new)),
                            r.withheld(), List.copyOf(new TreeSet<>(r.receipt())))).toList());
        }
    }

    @GetMapping("/api/audit/patients/{nhsNumber}/entries/{entry}/who-could-see")
    @Operation(summary = "Time travel: who could have seen this entry at instant 'at', on what basis (audited)")
    EntryAnswer entry(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                      @PathVariable String entry, @RequestParam Instant at) {
        return EntryAnswer.of(timeTravel.whoCouldHaveSeen(user.actor(), NhsNumber.of(nhsNumber), EntryId.of(entry),
                at));
    }

    @GetMapping("/api/audit/patients/{nhsNumber}/who-could-see")
    @Operation(summary = "Time travel: who could have seen which sections of this record at instant 'at' (audited)")
    RecordAnswer record(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                        @RequestParam Instant at) {
        return RecordAnswer.of(timeTravel.whoCouldHaveSeenRecord(user.actor(), NhsNumber.of(nhsNumber), at));
    }

    @GetMapping("/fhir/Patient/{nhsNumber}/$who-could-see")
    @Operation(summary = "Time travel as FHIR Parameters: the record by section, or one entry with entry=<id> (audited)")
    ResponseEntity<String> fhir(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                @RequestParam Instant at, @RequestParam(required = false) String entry) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        String json = entry == null
                ? FhirR4.encode(WhoCouldHaveSeenMapper.record(timeTravel.whoCouldHaveSeenRecord(user.actor(), patient,
                        at)))
                : FhirR4.encode(WhoCouldHaveSeenMapper.entry(timeTravel.whoCouldHaveSeen(user.actor(), patient,
                        EntryId.of(entry), at)));
        return ResponseEntity.ok().contentType(FHIR_JSON).body(json);
    }
}
