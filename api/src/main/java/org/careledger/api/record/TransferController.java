package org.careledger.api.record;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.careledger.api.Commands;
import org.careledger.api.security.SignedInUser;
import org.careledger.record.TransferRegistration;
import org.careledger.shared.NhsNumber;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * A patient moves to another GP practice: the receiving practice takes the registration over (ADR 14). The caller's
 * own organisation is the receiving practice, so the request has no body. The ledger decides who may (the roles the
 * policy lets write DEMOGRAPHICS, at a GP practice: GP, practice nurse, practice administrator by default) before it
 * looks at the patient; a refusal is problem+json and, being a refusal of access, audited ({@link Commands#send}).
 */
@RestController
@Tag(name = "record", description = "Open a record, read an entry's history, record and change entries")
class TransferController {

    private final Commands commands;

    TransferController(Commands commands) {
        this.commands = commands;
    }

    record Transferred(String patient, String registeredPractice) {
    }

    @PostMapping("/api/patients/{nhsNumber}/registration/transfer")
    @Operation(summary = "Take over a patient's registration at your GP practice (the patient asked to register "
            + "with you); the former practice loses its REGISTERED basis")
    ResponseEntity<Transferred> transfer(@AuthenticationPrincipal SignedInUser user, @PathVariable String nhsNumber) {
        NhsNumber patient = NhsNumber.of(nhsNumber);
        commands.send(new TransferRegistration(patient, user.organisation(), user.actor(), commands.now()));
        return ResponseEntity.created(URI.create("/api/patients/" + patient.value() + "/record"))
                .body(new Transferred(patient.value(), user.organisation().value()));
    }
}
