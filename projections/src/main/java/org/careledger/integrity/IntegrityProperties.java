package org.careledger.integrity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Tamper evidence (ADR 21).
 *
 * @param signingKey         PKCS#8 PEM file of the Ed25519 key that signs checkpoints; empty: a development key
 *                           generated on first start beside the embedded database's data directory
 *                           ({@code ./data/ledger-signing-key.pem} by default)
 * @param trustedPublicKeys  PEM files of earlier signing keys whose checkpoints {@code verify} still accepts
 * @param chainInterval      how often the chainer looks for new events when it has caught up
 * @param checkpointInterval how often a checkpoint is made while the chain grows; 0 turns periodic checkpoints off
 * @param chainBatch         events chained per transaction
 */
@ConfigurationProperties("careledger.integrity")
public record IntegrityProperties(
        Path signingKey,
        @DefaultValue({}) List<Path> trustedPublicKeys,
        @DefaultValue("200ms") Duration chainInterval,
        @DefaultValue("1h") Duration checkpointInterval,
        @DefaultValue("5000") int chainBatch) {
}
