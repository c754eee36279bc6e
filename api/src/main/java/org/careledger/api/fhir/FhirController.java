package org.careledger.api.fhir;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.careledger.api.Commands;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Purpose;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.shared.NhsNumber;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Duration;
import java.time.Instant;

/**
 * FHIR R4 JSON ({@code application/fhir+json}) over the same enforcement and audit as the REST endpoints; every
 * answer is built by {@link FhirExports}, which calls the one place that decides and audits:
 * <ul>
 *   <li>{@code GET /fhir/Patient/{nhs}/$everything?purpose=}: the record as the reader sees it, through RecordReads
 *       on channel FHIR_EXPORT, view EXPORT. A refusal (audited there) or an unknown patient answers exactly as the
 *       REST record endpoint: 404 {@code record-not-available}.</li>
 *   <li>{@code GET /fhir/me/$everything}: the signed-in patient's own record (SELF, purpose PATIENT_ACCESS).</li>
 *   <li>{@code GET /fhir/me/AuditEvent}: the patient's access history, the same query (and the same
 *       AUDIT_QUERIED audit) as {@code GET /api/me/access-history}.</li>
 *   <li>{@code GET /fhir/me/Consent}: the patient's consent to share, through ConsentReads (which appends
 *       {@code ConsentViewed}, EXPORT, before it is returned), like {@code GET /api/me/consent}.</li>
 *   <li>{@code GET /fhir/AuditEvent?patient=&from=&to=}: IG's export of a patient's access history through
 *       AuditTrail (which checks the role and appends AuditTrailQueried). Never clinical content.</li>
 * </ul>
 * Who may call which path is in SecurityConfiguration, as for the REST layer; the patient paths take the NHS
 * number from the token, never from the request.
 */
@RestController
@RequestMapping("/fhir")
@Validated
@Tag(name = "fhir", description = "FHIR R4 JSON exports: record Bundle, AuditEvent, Consent (each audited like any read)")
class FhirController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final FhirExports exports;
    private final Commands commands;

    FhirController(FhirExports exports, Commands commands) {
        this.exports = exports;
        this.commands = commands;
    }

    @GetMapping("/Patient/{nhsNumber}/$everything")
    @Operation(summary = "The patient's record as you may see it, as a FHIR Bundle with Provenance (audited as an export)")
    ResponseEntity<String> everything(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                      @RequestParam Purpose purpose) {
        return record(exports.record(user.reader(), NhsNumber.of(nhsNumber), purpose));
    }

    @GetMapping("/me/$everything")
    @Operation(summary = "My record as a FHIR Bundle (audited, basis SELF, as an export)")
    ResponseEntity<String> myEverything(@AuthenticationPrincipal SignedInUser user) {
        return record(exports.record(user.reader(), user.nhsNumber(), Purpose.PATIENT_ACCESS));
    }

    @GetMapping("/me/AuditEvent")
    @Operation(summary = "Who accessed my record, as FHIR AuditEvents (BALP), newest first")
    ResponseEntity<String> myAccessHistory(@AuthenticationPrincipal SignedInUser user,
                                           @RequestParam(required = false) Instant from,
                                           @RequestParam(required = false) Instant to,
                                           @RequestParam(name = "_count", defaultValue = "50") @Min(1)
                                           @Max(AuditPage.MAX_SIZE) int count,
                                           @RequestParam(required = false) String after) {
        Instant end = to == null ? commands.now().plusSeconds(1) : to;
        Instant start = from == null ? end.minus(Duration.ofDays(3650)) : from;
        return audit(exports.myAccessHistory(user.actor(), user.nhsNumber(), new AuditPeriod(start, end),
                request(after, count)));
    }

    @GetMapping("/me/Consent")
    @Operation(summary = "My consent to share (per organisation and direction, and dissent) as FHIR Consent resources")
    ResponseEntity<String> myConsent(@AuthenticationPrincipal SignedInUser user) {
        return fhir(exports.consent(user.reader()));
    }

    @GetMapping("/AuditEvent")
    @Operation(summary = "IG: a patient's access history as FHIR AuditEvents (BALP), oldest first; no clinical content")
    ResponseEntity<String> accessHistory(@AuthenticationPrincipal SignedInUser user, @RequestParam String patient,
                                         @RequestParam(required = false) Instant from,
                                         @RequestParam(required = false) Instant to,
                                         @RequestParam(name = "_count", defaultValue = "50") @Min(1)
                                         @Max(AuditPage.MAX_SIZE) int count,
                                         @RequestParam(required = false) String after) {
        NhsNumber nhs = NhsNumber.of(patient);
        Instant end = to == null ? commands.now().plusSeconds(1) : to;
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : from;
        return audit(exports.accessHistoryPage(user.actor(), nhs, new AuditPeriod(start, end), request(after, count)));
    }

    /** A refused read (audited by RecordReads) answers exactly as an unknown patient, as the REST endpoint does. */
    private static ResponseEntity<String> record(FhirExports.Export export) {
        if (export.refused() || export.read().demographics() == null) {
            throw new ProblemException(Problem.RECORD_NOT_AVAILABLE, Problem.RECORD_NOT_AVAILABLE_DETAIL);
        }
        return fhir(export.json());
    }

    /** The page, with a {@code next} link carrying the cursor when there is more. */
    private static ResponseEntity<String> audit(FhirExports.AuditExport page) {
        if (page.next() != null) {
            String next = ServletUriComponentsBuilder.fromCurrentRequest()
                    .replaceQueryParam("after", page.next().encode()).build().encode().toUriString();
            page.bundle().addLink().setRelation(Bundle.LINK_NEXT).setUrl(next);
        }
        return fhir(page.json());
    }

    private static AuditPage.Request request(String after, int count) {
        return new AuditPage.Request(after == null ? null : AuditPage.Cursor.decode(after), count);
    }

    private static ResponseEntity<String> fhir(String json) {
        return ResponseEntity.ok().contentType(FHIR_JSON).body(json);
    }
}
