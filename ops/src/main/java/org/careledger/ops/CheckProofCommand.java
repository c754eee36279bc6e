package org.careledger.ops;

import org.careledger.integrity.InclusionProof;
import org.careledger.integrity.SigningKey;
import org.careledger.storage.LedgerJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code careledger check-proof PROOF --public-key KEY}: checks, offline and without a database, that an inclusion
 * proof (from {@code GET /api/audit/ledger/proof}) leads from its event's leaf to the Merkle root of a checkpoint
 * signed by the key the checker trusts. Exit 0 valid, 1 not valid, 2 unreadable input.
 */
@Command(name = "check-proof", mixinStandardHelpOptions = true,
        description = "Check an inclusion proof offline against a public key.")
public final class CheckProofCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROOF", description = "The proof (JSON) as the API gave it.")
    Path proofFile;

    @Option(names = "--public-key", required = true, paramLabel = "PEM",
            description = "The ledger's public key you trust (PEM), e.g. from GET /api/audit/ledger/checkpoints.")
    Path publicKeyFile;

    @Override
    public Integer call() {
        InclusionProof proof;
        PublicKey key;
        try {
            proof = LedgerJson.mapper().readValue(Files.readAllBytes(proofFile), InclusionProof.class);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read the proof " + proofFile + ": "
                    + e.getClass().getSimpleName());
        }
        try {
            key = SigningKey.publicKeyFromPem(Files.readString(publicKeyFile));
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "cannot read an Ed25519 public key from "
                    + publicKeyFile);
        }
        Optional<String> problem = proof.problem(key);
        if (problem.isPresent()) {
            spec.commandLine().getErr().println("check-proof: NOT VALID: " + problem.get());
            return CareLedgerCli.FAILED;
        }
        spec.commandLine().getOut().println("valid: event " + proof.eventId() + " (global index "
                + proof.globalIndex() + ") is leaf " + proof.leafIndex() + " of the " + proof.checkpoint().treeSize()
                + "-event tree signed in checkpoint " + proof.checkpoint().id() + " at " + proof.checkpoint().madeAt()
                + " by key " + proof.checkpoint().keyId());
        return CareLedgerCli.OK;
    }
}
