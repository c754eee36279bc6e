package org.careledger.integrity;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A checkpoint as exported (the API, {@code verify --export}): everything a third party needs to keep it and check
 * its signature without us. Hashes in hex, the signature in base64, the public key as PEM, and the signed statement.
 */
public record CheckpointDocument(long id, long upToGlobalIndex, long treeSize, String chainHead, String merkleRoot,
                                 Instant madeAt, String keyId, String publicKey, String statement, String signature) {

    private static final HexFormat HEX = HexFormat.of();

    public static CheckpointDocument of(Checkpoint c) {
        return new CheckpointDocument(c.id(), c.upToIndex(), c.treeSize(), HEX.formatHex(c.chainHead()),
                HEX.formatHex(c.merkleRoot()), c.madeAt(), c.keyId(), SigningKey.toPem(c.publicKey(), "PUBLIC KEY"),
                c.statement(), Base64.getEncoder().encodeToString(c.signature()));
    }

    /** Back to a checkpoint; its statement is rebuilt from the fields (the given one is for people to read). */
    public Checkpoint checkpoint() {
        return new Checkpoint(id, upToGlobalIndex, treeSize, HEX.parseHex(chainHead), HEX.parseHex(merkleRoot),
                madeAt, keyId, SigningKey.pem(publicKey, "PUBLIC KEY"),
                Base64.getDecoder().decode(signature));
    }
}
