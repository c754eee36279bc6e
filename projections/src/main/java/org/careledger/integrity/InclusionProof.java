package org.careledger.integrity;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Proof that one event is leaf {@code leafIndex} of the Merkle tree a checkpoint signs (RFC 6962 audit path), as
 * served to IG and checked offline by {@code careledger check-proof} ({@link #problem}). Carries the event's ids and
 * leaf hash, never its content.
 */
public record InclusionProof(String format, String eventId, long globalIndex, long leafIndex, String leafHash,
                             List<String> path, CheckpointDocument checkpoint) {

    public static final String FORMAT = "careledger-inclusion-proof-v1";
    private static final HexFormat HEX = HexFormat.of();

    public static InclusionProof of(String eventId, long globalIndex, long leafIndex, byte[] leaf, List<byte[]> path,
                             Checkpoint checkpoint) {
        return new InclusionProof(FORMAT, eventId, globalIndex, leafIndex, HEX.formatHex(leaf),
                path.stream().map(HEX::formatHex).toList(), CheckpointDocument.of(checkpoint));
    }

    /**
     * What is wrong with this proof for someone who trusts {@code trusted}: empty when the checkpoint is signed by
     * that key and the path leads from the leaf to the checkpoint's Merkle root.
     */
    public Optional<String> problem(PublicKey trusted) {
        if (!FORMAT.equals(format)) {
            return Optional.of("not a " + FORMAT + " document");
        }
        Checkpoint c;
        List<byte[]> hashes;
        byte[] leaf;
        try {
            c = checkpoint.checkpoint();
            hashes = path.stream().map(HEX::parseHex).toList();
            leaf = HEX.parseHex(leafHash);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.of("malformed proof: " + e.getClass().getSimpleName());
        }
        if (!Arrays.equals(c.publicKey(), trusted.getEncoded())) {
            return Optional.of("checkpoint " + c.id() + " is signed by key " + c.keyId() + ", not by the trusted key "
                    + SigningKey.keyId(trusted.getEncoded()));
        }
        if (!c.signedBy(trusted)) {
            return Optional.of("checkpoint " + c.id() + ": the signature does not verify");
        }
        Optional<byte[]> root = MerkleTree.rootFromPath(leafIndex, c.treeSize(), leaf, hashes);
        if (root.isEmpty() || !Arrays.equals(root.get(), c.merkleRoot())) {
            return Optional.of("the path does not lead from leaf " + leafIndex + " to checkpoint " + c.id()
                    + "'s Merkle root");
        }
        return Optional.empty();
    }
}
