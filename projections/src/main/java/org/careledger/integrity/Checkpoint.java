package org.careledger.integrity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A signed checkpoint of the ledger (ADR 21): the chain's head at global index {@code upToIndex}, after
 * {@code treeSize} events, and the Merkle root over those events' leaves, signed with Ed25519.
 * What is signed is {@link #statement()}, plain UTF-8 text, so that a third party can check it with any Ed25519
 * tool (docs/operations.md shows OpenSSL).
 */
public record Checkpoint(long id, long upToIndex, long treeSize, byte[] chainHead, byte[] merkleRoot,
                         Instant madeAt, String keyId, byte[] publicKey, byte[] signature) {

    private static final HexFormat HEX = HexFormat.of();

    /** The signed text. */
    public String statement() {
        return statement(id, upToIndex, treeSize, chainHead, merkleRoot, madeAt);
    }

    public static String statement(long id, long upToIndex, long treeSize, byte[] chainHead, byte[] merkleRoot,
                            Instant madeAt) {
        return "careledger-checkpoint-v1\n"
                + "checkpoint: " + id + "\n"
                + "up-to-global-index: " + upToIndex + "\n"
                + "tree-size: " + treeSize + "\n"
                + "chain-head: " + HEX.formatHex(chainHead) + "\n"
                + "merkle-root: " + HEX.formatHex(merkleRoot) + "\n"
                + "made-at: " + madeAt + "\n";
    }

    /** Whether the signature is {@code key}'s over the statement. */
    public boolean signedBy(PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(statement().getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
