package org.careledger.api.consent;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.shared.ConsentDecision;
import org.careledger.shared.ConsentDirection;
import org.careledger.consent.ConsentMethod;
import org.careledger.consent.RecordConsentDecision;
import org.careledger.consent.RecordDissent;
import org.careledger.consent.WithdrawDissent;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Staff record a patient's consent decisions and dissent on their behalf (VERBAL or WRITTEN). */
@RestController
@RequestMapping("/api/patients/{nhsNumber}/consent")
@Tag(name = "consent", description = "Consent to share, recorded by staff on the patient's behalf")
class ConsentController {

    private final Commands commands;

    ConsentController(Commands commands) {
        this.commands = commands;
    }

    record Decision(@NotBlank String organisation, @NotNull ConsentDirection direction,
                    @NotNull ConsentDecision decision, @NotNull ConsentMethod method) {
    }

    record Method(@NotNull ConsentMethod method) {
    }

    @PostMapping("/decisions")
    @Operation(summary = "Record the patient's share-out or share-in decision for one organisation")
    ResponseEntity<Void> decide(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                @Valid @RequestBody Decision body) {
        commands.send(new RecordConsentDecision(NhsNumber.of(nhsNumber), OdsCode.of(body.organisation()),
                body.direction(), body.decision(), body.method(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/dissent")
    @Operation(summary = "Record the patient's dissent from sharing")
    ResponseEntity<Void> dissent(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                 @Valid @RequestBody Method body) {
        commands.send(new RecordDissent(NhsNumber.of(nhsNumber), body.method(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/dissent/withdrawal")
    @Operation(summary = "Record that the patient withdrew their dissent")
    ResponseEntity<Void> withdraw(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber,
                                  @Valid @RequestBody Method body) {
        commands.send(new WithdrawDissent(NhsNumber.of(nhsNumber), body.method(), user.actor(), commands.now()));
        return ResponseEntity.noContent().build();
    }
}
