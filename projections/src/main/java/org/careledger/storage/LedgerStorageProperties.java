package org.careledger.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the ledger is stored.
 *
 * @param gapTimeout   how long a tracking processor waits for a missing global index before skipping it for
 *                     ever (Axon issue 4829); every append transaction must end well before this
 * @param batchSize    rows per read batch of the storage engine
 * @param snapshotThreshold events after which a PatientRecord snapshot is taken
 * @param skipReconcileInterval how often the global indexes that tracking processors gave up are settled and the
 *                     skipped events delivered again (ADR 22)
 */
@ConfigurationProperties("careledger.ledger")
public record LedgerStorageProperties(
        @DefaultValue("60s") Duration gapTimeout,
        @DefaultValue("100") int batchSize,
        @DefaultValue("250") int snapshotThreshold,
        @DefaultValue("10s") Duration skipReconcileInterval) {
}
