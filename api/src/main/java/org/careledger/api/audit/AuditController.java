package org.careledger.api.audit;

import org.careledger.access.AccessDecision;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.trail.AlertStatus;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditCounts;
import org.careledger.audit.trail.AuditSearch;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.shared.Role;
import org.careledger.audit.trail.AuditTrail;
import org.careledger.shared.EntryId;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.UserId;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The audit trail for IG officers (DESIGN.md "who saw what"): by patient, by user, by entry, emergencies,
 * refusals, alerts. Answers carry ids, roles, organisations, bases, sections and versions: never clinical content.
 * Every question is itself audited ({@link AuditTrail}). Period: {@code from} (inclusive, default 30 days before
 * {@code to}) to {@code to} (exclusive, default now); pages of {@code size} rows, {@code after} = the previous
 * page's {@code next}.
 */
@RestController
@RequestMapping("/api/audit")
@Validated
@Tag(name = "audit", description = "The audit trail, for IG officers")
class AuditController {

    private final AuditTrail trail;
    private final Commands commands;

    AuditController(AuditTrail trail, Commands commands) {
        this.trail = trail;
        this.commands = commands;
    }

    record Page<T>(List<T> items, String next) {
        static <T> Page<T> of(AuditPage<T> page) {
            return new Page<>(page.items(), page.next() == null ? null : page.next().encode());
        }
    }

    @GetMapping("/patients/{nhsNumber}/accesses")
    @Operation(summary = "Who accessed this patient's record: reads, refusals, emergencies (optionally on one basis)")
    Page<AuditRecord> patient(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                              @RequestParam(required = false) AccessDecision.Basis basis,
                              @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                              @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                              @RequestParam(required = false) String after) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        return ask(from, to, size, after, (p) -> trail.accessesToPatient(user.actor(), patient, basis, p.period,
                p.request));
    }

    @GetMapping("/users/{user}/accesses")
    @Operation(summary = "Which records a user opened (or was refused, or broke glass on), on what basis")
    Page<AuditRecord> user(@AuthenticationPrincipal SignedInUser user, @PathVariable("user") String subject,
                           @RequestParam(required = false) AccessDecision.Basis basis,
                           @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                           @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                           @RequestParam(required = false) String after) {
        UserId reader = UserId.of(subject);
        return ask(from, to, size, after, (p) -> trail.recordsOpenedBy(user.actor(), reader, basis, p.period,
                p.request));
    }

    @GetMapping("/entries/{entry}/readers")
    @Operation(summary = "Everyone who has seen this entry, and which version")
    Page<AuditRecord.EntryReading> entry(@AuthenticationPrincipal SignedInUser user, @PathVariable String entry,
                                         @RequestParam(required = false) Instant from,
                                         @RequestParam(required = false) Instant to,
                                         @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                                         @RequestParam(required = false) String after) {
        EntryId id = EntryId.of(entry);
        return ask(from, to, size, after, (p) -> trail.readersOfEntry(user.actor(), id, p.period, p.request));
    }

    @GetMapping("/emergencies")
    @Operation(summary = "Emergency declarations and reads on an emergency basis")
    Page<AuditRecord> emergencies(@AuthenticationPrincipal SignedInUser user,
                                  @RequestParam(required = false) Instant from,
                                  @RequestParam(required = false) Instant to,
                                  @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                                  @RequestParam(required = false) String after) {
        return ask(from, to, size, after, (p) -> trail.emergencyAccesses(user.actor(), p.period, p.request));
    }

    @GetMapping("/refusals")
    @Operation(summary = "Refused reads")
    Page<AuditRecord> refusals(@AuthenticationPrincipal SignedInUser user,
                               @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                               @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                               @RequestParam(required = false) String after) {
        return ask(from, to, size, after, (p) -> trail.refusals(user.actor(), p.period, p.request));
    }

    @GetMapping("/alerts")
    @Operation(summary = "IG alerts: emergencies, out of hours, many records, shared surname, repeated refusals, "
            + "accesses a patient does not recognise; each with its status (OPEN, UNDER_REVIEW, CLOSED with outcome), "
            + "optionally only one status")
    Page<AuditRecord.Alert> alerts(@AuthenticationPrincipal SignedInUser user,
                                   @RequestParam(required = false) AlertStatus status,
                                   @RequestParam(required = false) Instant from,
                                   @RequestParam(required = false) Instant to,
                                   @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                                   @RequestParam(required = false) String after) {
        return ask(from, to, size, after, (p) -> trail.alerts(user.actor(), status, p.period, p.request));
    }

    @GetMapping("/search")
    @Operation(summary = "Search the whole trail (accesses, refusals, searches, exports, consent views, audit queries, "
            + "emergencies, alerts raised, reviewed and closed) by user, role, organisation, patient, basis, purpose, "
            + "channel, kind and free-text codes (each word must equal a coded field or a disclosed section); from "
            + "Elasticsearch when it is configured")
    Page<AuditSearch.Hit> search(@AuthenticationPrincipal SignedInUser user,
                                 @RequestParam(name = "user", required = false) String reader,
                                 @RequestParam(required = false) Role role,
                                 @RequestParam(required = false) String organisation,
                                 @RequestParam(required = false) String patient,
                                 @RequestParam(required = false) AccessDecision.Basis basis,
                                 @RequestParam(required = false) Purpose purpose,
                                 @RequestParam(required = false) Channel channel,
                                 @RequestParam(required = false) AuditSearch.Kind kind,
                                 @RequestParam(required = false) String text,
                                 @RequestParam(required = false) Instant from,
                                 @RequestParam(required = false) Instant to,
                                 @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                                 @RequestParam(required = false) String after) {
        AuditSearch.Filter filter = new AuditSearch.Filter(reader == null ? null : UserId.of(reader), role,
                organisation == null ? null : OdsCode.of(organisation), patient == null ? null : NhsNumber.of(patient),
                basis, purpose, channel, kind, AuditSearch.Filter.terms(text));
        return ask(from, to, size, after, (p) -> trail.search(user.actor(), filter, p.period, p.request));
    }

    @GetMapping("/counts")
    @Operation(summary = "Counts over the trail: by=USER_DAY (reads per user and local day), ORGANISATION, BASIS or "
            + "EMERGENCY_DAY (declarations and emergency reads per day); optionally for one organisation's staff; "
            + "from Elasticsearch when it is configured")
    List<AuditCounts.Bucket> counts(@AuthenticationPrincipal SignedInUser user,
                                    @RequestParam AuditCounts.By by,
                                    @RequestParam(required = false) String organisation,
                                    @RequestParam(required = false) Instant from,
                                    @RequestParam(required = false) Instant to) {
        Instant end = to == null ? commands.now().plusSeconds(1) : to;
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : from;
        return trail.counts(user.actor(), by, organisation == null ? null : OdsCode.of(organisation),
                new AuditPeriod(start, end));
    }

    private record Question(AuditPeriod period, AuditPage.Request request) {
    }

    private <T> Page<T> ask(Instant from, Instant to, int size, String after, Function<Question, AuditPage<T>> query) {
        Instant end = to == null ? commands.now().plusSeconds(1) : to;
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : from;
        AuditPage.Request request = new AuditPage.Request(after == null ? null : AuditPage.Cursor.decode(after), size);
        return Page.of(query.apply(new Question(new AuditPeriod(start, end), request)));
    }
}
