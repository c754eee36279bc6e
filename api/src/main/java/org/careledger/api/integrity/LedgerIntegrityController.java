package org.careledger.api.integrity;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.careledger.api.problem.Problem;
import org.careledger.api.problem.ProblemException;
import org.careledger.integrity.CheckpointDocument;
import org.careledger.integrity.InclusionProof;
import org.careledger.integrity.IntegrityConfiguration;
import org.careledger.integrity.LedgerCheckpoints;
import org.careledger.integrity.SigningKey;
import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

/**
 * Tamper evidence for IG officers (ADR 21): the signed checkpoints of the ledger's hash chain (export them to keep
 * them outside the ledger), a checkpoint on demand, and the Merkle inclusion proof of one event against a checkpoint,
 * to be checked offline with {@code careledger check-proof}. Ids and hashes only, never record content.
 */
@RestController
@RequestMapping("/api/audit/ledger")
@Validated
@Tag(name = "audit", description = "The audit trail, for IG officers")
class LedgerIntegrityController {

    private final LedgerCheckpoints checkpoints;
    private final IntegrityConfiguration.Keys keys;

    LedgerIntegrityController(LedgerCheckpoints checkpoints, IntegrityConfiguration.Keys keys) {
        this.checkpoints = checkpoints;
        this.keys = keys;
    }

    record Checkpoints(String publicKey, String keyId, List<CheckpointDocument> checkpoints) {
    }

    @GetMapping("/checkpoints")
    @Operation(summary = "Every signed checkpoint of the ledger's hash chain, with the current signing key (PEM)")
    Checkpoints all() {
        return new Checkpoints(SigningKey.toPem(keys.signing().publicKey().getEncoded(), "PUBLIC KEY"),
                keys.signing().keyId(), checkpoints.all().stream().map(CheckpointDocument::of).toList());
    }

    @PostMapping("/checkpoints")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Sign a checkpoint of the chain as it stands now")
    CheckpointDocument make() {
        return checkpoints.make().map(CheckpointDocument::of).orElseThrow(() ->
                new ProblemException(Problem.CONFLICTING_STATE, "Nothing is chained yet."));
    }

    @GetMapping("/proof")
    @Operation(summary = "Merkle inclusion proof of one event against a checkpoint (default: the latest)")
    InclusionProof proof(@RequestParam @Pattern(regexp = "[A-Za-z0-9._:-]{1,255}") String event,
                         @RequestParam(required = false) @Min(1) Long checkpoint) {
        try {
            return checkpoints.proof(event, Optional.ofNullable(checkpoint));
        } catch (LedgerCheckpoints.NoProof e) {
            throw new ProblemException(Problem.NOT_FOUND, e.getMessage() + ".");
        }
    }
}
