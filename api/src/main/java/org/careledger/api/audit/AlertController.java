package org.careledger.api.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.careledger.alert.AlertCase;
import org.careledger.alert.AlertOutcome;
import org.careledger.alert.CloseAlert;
import org.careledger.alert.ReviewAlert;
import org.careledger.api.Commands;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.api.security.SignedInUser;
import org.careledger.audit.trail.AuditPeriod;
import org.careledger.audit.trail.AuditRecord;
import org.careledger.audit.trail.AuditTrail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

/**
 * IG alert cases (DESIGN.md "The audit trail": each alert is reviewed and closed with an outcome, as events). The
 * audit trail raises the alerts ({@code GET /api/audit/alerts}, filterable by status); here an IG officer reads one
 * case, reviews it (a note) and closes it (an outcome and a note). An alert the trail has not raised is 404; a
 * closed case refuses further reviews and closures (409 alert-already-closed). The trail is a tracking projection:
 * a review or closure shows in the alert's status once it has caught up (204 means the event is in the ledger).
 */
@RestController
@RequestMapping("/api/audit/alerts")
@Validated
@Tag(name = "audit", description = "The audit trail, for IG officers")
class AlertController {

    private final AuditTrail trail;
    private final Commands commands;

    AlertController(AuditTrail trail, Commands commands) {
        this.trail = trail;
        this.commands = commands;
    }

    record Review(@NotBlank @Size(max = AlertCase.MAX_NOTE) String note) {
    }

    record Close(@NotNull AlertOutcome outcome, @NotBlank @Size(max = AlertCase.MAX_NOTE) String note) {
    }

    @GetMapping("/{alert}")
    @Operation(summary = "One alert, its status and every review and closure of its case (audited)")
    AuditRecord.AlertCase alert(@AuthenticationPrincipal SignedInUser user,
                                @PathVariable @Size(max = 255) String alert) {
        return trail.alertCase(user.actor(), alert, new AuditPeriod(Instant.EPOCH, commands.now().plusSeconds(1)))
                .orElseThrow(() -> unknown(alert));
    }

    @PostMapping("/{alert}/review")
    @Operation(summary = "Review an open alert: a note of what was checked; it reads UNDER_REVIEW")
    ResponseEntity<Void> review(@AuthenticationPrincipal SignedInUser user,
                                @PathVariable @Size(max = 255) String alert, @Valid @RequestBody Review body) {
        requireRaised(alert);
        commands.send(new ReviewAlert(alert, body.note(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{alert}/close")
    @Operation(summary = "Close an alert with an outcome and a note; a patient who reported the access sees the outcome")
    ResponseEntity<Void> close(@AuthenticationPrincipal SignedInUser user,
                               @PathVariable @Size(max = 255) String alert, @Valid @RequestBody Close body) {
        requireRaised(alert);
        commands.send(new CloseAlert(alert, body.outcome(), body.note(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    private void requireRaised(String alert) {
        if (trail.alertStatus(alert).isEmpty()) {
            throw unknown(alert);
        }
    }

    private static ProblemException unknown(String alert) {
        return new ProblemException(Problem.NOT_FOUND, "No alert " + alert + ".");
    }
}
