package org.careledger.api.me;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.careledger.access.ReportUnrecognisedAccess;
import org.careledger.api.Commands;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.record.RecordView;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.audit.trail.AuditPage;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.PatientAccessHistory;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.reading.ConsentReads;
import org.careledger.reading.RecordRead;
import org.careledger.reading.RecordReads;
import org.careledger.shared.OdsCode;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The signed-in patient's own things: their record (SELF, minus entries withheld from them), who accessed it (in
 * plain words, emergencies highlighted), their consent (view and change online), and "I don't recognise this".
 * The NHS number always comes from the token, never from the request.
 */
@RestController
@RequestMapping("/api/me")
@Validated
@Tag(name = "patient", description = "For the signed-in patient: my record, my access history, my consent")
class MeController {

    private final RecordReads reads;
    private final PatientAccessHistory history;
    private final ConsentReads consent;
    private final Commands commands;

    MeController(RecordReads reads, PatientAccessHistory history, ConsentReads consent, Commands commands) {
        this.reads = reads;
        this.history = history;
        this.consent = consent;
        this.commands = commands;
    }

    record Decision(@NotBlank String organisation, @NotNull ConsentDirection direction,
                    @NotNull ConsentDecision decision) {
    }

    record Report(@Size(max = ReportUnrecognisedAccess.MAX_COMMENT) String comment) {
    }

    /**
     * One access in plain words. For an access the patient reported: {@code reportStatus} (OPEN, UNDER_REVIEW,
     * CLOSED), {@code reportOutcome} once IG closed the case, and {@code reportSummary} saying both in plain words.
     */
    record Access(String id, Instant at, String what, String who, String role, String organisation,
                  String organisationName, String basis, String purpose, List<String> sections, boolean emergency,
                  String emergencyReason, Instant emergencyUntil, boolean reported, String summary,
                  String reportStatus, String reportOutcome, String reportSummary) {
        static Access of(PatientAccessHistory.Access a) {
            String who = a.name() != null ? a.name() : "A member of staff";
            String where = a.organisationName() != null ? a.organisationName() : a.organisation();
            String role = a.role() == null ? "" : a.role().toLowerCase().replace('_', ' ');
            String summary = switch (a.kind()) {
                case "EMERGENCY_DECLARED" -> who + " (" + role + ", " + where + ") declared an emergency to see your record";
                case "REFUSED" -> who + " (" + role + ", " + where + ") tried to open your record and was refused";
                case "PREVIEWED" -> who + " (" + role + ", " + where + ") checked what staff in another role would "
                        + "see of your record";
                default -> "PATIENT".equals(a.role()) ? "You opened your record"
                        : who + " (" + role + ", " + where + ") opened your record"
                        + ("EMERGENCY".equals(a.basis()) ? " in an emergency" : "");
            };
            return new Access(a.eventId(), a.at(), a.kind(), a.name(), a.role(), a.organisation(),
                    a.organisationName(), a.basis(), a.purpose(), a.sections().stream().map(Enum::name).toList(),
                    a.emergency(), a.emergencyReason(), a.emergencyUntil(), a.reported(), summary,
                    a.reportStatus() == null ? null : a.reportStatus().name(), a.reportOutcome(),
                    ReportedAccess.inPlainWords(a.reportStatus(), a.reportOutcome()));
        }
    }

    record History(List<Access> accesses, String next) {
    }

    @GetMapping("/record")
    @Operation(summary = "My record (audited, basis SELF)")
    RecordView record(@AuthenticationPrincipal SignedInUser user) {
        RecordRead read = reads.open(user.reader(), user.nhsNumber(), Purpose.PATIENT_ACCESS, Channel.API);
        if (!read.allowed() || read.demographics() == null) {
            throw new ProblemException(Problem.RECORD_NOT_AVAILABLE, Problem.RECORD_NOT_AVAILABLE_DETAIL);
        }
        return RecordView.of(read);
    }

    @GetMapping("/access-history")
    @Operation(summary = "Who accessed my record: newest first, in plain words; emergencies highlighted")
    History accessHistory(@AuthenticationPrincipal SignedInUser user,
                          @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                          @RequestParam(defaultValue = "50") @Min(1) @Max(AuditPage.MAX_SIZE) int size,
                          @RequestParam(required = false) String after) {
        Instant end = to == null ? commands.now().plusSeconds(1) : to;
        Instant start = from == null ? end.minus(Duration.ofDays(3650)) : from;
        AuditPage<PatientAccessHistory.Access> page = history.of(user.actor(), user.nhsNumber(),
                new AuditPeriod(start, end),
                new AuditPage.Request(after == null ? null : AuditPage.Cursor.decode(after), size));
        return new History(page.items().stream().map(Access::of).toList(),
                page.next() == null ? null : page.next().encode());
    }

    @PostMapping("/access-history/{access}/report")
    @Operation(summary = "I don't recognise this access: it becomes an IG alert")
    ResponseEntity<Void> report(@AuthenticationPrincipal SignedInUser user, @PathVariable String access,
                                @Valid @RequestBody(required = false) Report body) {
        if (!history.isAccessTo(user.nhsNumber(), access)) {
            throw new ProblemException(Problem.NOT_FOUND, "No access " + access + " in your history.");
        }
        commands.send(new ReportUnrecognisedAccess(user.nhsNumber(), access, body == null ? null : body.comment(),
                user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/consent")
    @Operation(summary = "My consent: dissent, and share-out / share-in per organisation (audited)")
    MyConsent consent(@AuthenticationPrincipal SignedInUser user) {
        return MyConsent.of(consent.current(user.reader(), Channel.API));
    }

    @PostMapping("/consent/decisions")
    @Operation(summary = "Change my share-out or share-in decision for one organisation")
    ResponseEntity<Void> decide(@AuthenticationPrincipal SignedInUser user, @Valid @RequestBody Decision body) {
        commands.send(new RecordConsentDecision(user.nhsNumber(), OdsCode.of(body.organisation()), body.direction(),
                body.decision(), ConsentMethod.ONLINE_BY_PATIENT, user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/consent/dissent")
    @Operation(summary = "Dissent from sharing: while in force nothing authored elsewhere is shared")
    ResponseEntity<Void> dissent(@AuthenticationPrincipal SignedInUser user) {
        commands.send(new RecordDissent(user.nhsNumber(), ConsentMethod.ONLINE_BY_PATIENT, user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/consent/dissent/withdrawal")
    @Operation(summary = "Withdraw my dissent: my per-organisation decisions apply again")
    ResponseEntity<Void> withdraw(@AuthenticationPrincipal SignedInUser user) {
        commands.send(new WithdrawDissent(user.nhsNumber(), ConsentMethod.ONLINE_BY_PATIENT, user.actor(),
                commands.now()));
        return ResponseEntity.noContent().build();
    }
}
