package org.careledger.integrity;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signed checkpoints of the chain (ADR 21): made periodically by the chainer's thread while the chain grows, and on
 * demand (IG over the API, {@code careledger verify --checkpoint}); exported as {@link CheckpointDocument}s; and the
 * Merkle inclusion proof of one event against one of them.
 */
@Component
public class LedgerCheckpoints {

    /** Advisory lock key for making a checkpoint: "ckpt". */
    static final long LOCK = 0x636b7074L;

    private final JdbcTemplate jdbc;
    private final JdbcTemplate streaming;
    private final TransactionTemplate snapshot;
    private final IntegrityConfiguration.Keys keys;
    private final Clock clock;

    public LedgerCheckpoints(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                             IntegrityConfiguration.Keys keys, Clock clock) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(jdbc.getDataSource());
        this.streaming.setFetchSize(10_000);
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.keys = keys;
        this.clock = clock;
    }

    /** Signs the chain as it stands; empty when nothing is chained yet. */
    public Optional<Checkpoint> make() {
        return Optional.ofNullable(snapshot.execute(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)::text", String.class, LOCK);
            List<Object[]> head = jdbc.query("SELECT global_index, position, hash FROM ledger_chain "
                            + "ORDER BY global_index DESC LIMIT 1",
                    (rs, n) -> new Object[]{rs.getLong(1), rs.getLong(2), rs.getBytes(3)});
            if (head.isEmpty()) {
                return null;
            }
            long upTo = (long) head.get(0)[0];
            long size = (long) head.get(0)[1] + 1;
            MerkleTree.Frontier frontier = new MerkleTree.Frontier();
            streaming.query("SELECT leaf FROM ledger_chain WHERE position < ? ORDER BY position",
                    rs -> {
                        frontier.add(rs.getBytes(1));
                    }, size);
            if (frontier.size() != size) {
                throw new IllegalStateException("the chain has " + frontier.size() + " leaves below position " + size);
            }
            Long last = jdbc.queryForObject("SELECT max(checkpoint_id) FROM ledger_checkpoint", Long.class);
            long id = last == null ? 1 : last + 1;
            var madeAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
            byte[] chainHead = (byte[]) head.get(0)[2];
            byte[] root = frontier.root();
            SigningKey key = keys.signing();
            byte[] signature = key.sign(Checkpoint.statement(id, upTo, size, chainHead, root, madeAt)
                    .getBytes(StandardCharsets.UTF_8));
            Checkpoint checkpoint = new Checkpoint(id, upTo, size, chainHead, root, madeAt, key.keyId(),
                    key.publicKey().getEncoded(), signature);
            jdbc.update("""
                    INSERT INTO ledger_checkpoint (checkpoint_id, up_to_index, tree_size, chain_head, merkle_root,
                                                   made_at, key_id, public_key, signature)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, upTo, size, chainHead, root, Timestamp.from(madeAt),
                    checkpoint.keyId(), checkpoint.publicKey(), signature);
            return checkpoint;
        }));
    }

    /** A checkpoint when the chain has grown since the last one. */
    public Optional<Checkpoint> makeIfAdvanced() {
        Long chained = jdbc.queryForObject("SELECT max(global_index) FROM ledger_chain", Long.class);
        Optional<Checkpoint> latest = latest();
        if (chained == null || latest.isPresent() && latest.get().upToIndex() >= chained) {
            return Optional.empty();
        }
        return make();
    }

    public List<Checkpoint> all() {
        return jdbc.query("SELECT * FROM ledger_checkpoint ORDER BY checkpoint_id", CHECKPOINT);
    }

    /** Every checkpoint, read on the given connection (the verifier's snapshot). */
    List<Checkpoint> all(java.sql.Connection con) throws java.sql.SQLException {
        List<Checkpoint> all = new ArrayList<>();
        try (var s = con.createStatement();
             var rs = s.executeQuery("SELECT * FROM ledger_checkpoint ORDER BY checkpoint_id")) {
            while (rs.next()) {
                all.add(CHECKPOINT.mapRow(rs, all.size()));
            }
        }
        return all;
    }

    public Optional<Checkpoint> latest() {
        return jdbc.query("SELECT * FROM ledger_checkpoint ORDER BY checkpoint_id DESC LIMIT 1", CHECKPOINT)
                .stream().findFirst();
    }

    public Optional<Checkpoint> byId(long id) {
        return jdbc.query("SELECT * FROM ledger_checkpoint WHERE checkpoint_id = ?", CHECKPOINT, id)
                .stream().findFirst();
    }

    /**
     * The inclusion proof of event {@code eventId} against checkpoint {@code checkpointId} (empty: the latest
     * checkpoint). {@link NoProof} when the event is not chained or the checkpoint does not cover it.
     */
    public InclusionProof proof(String eventId, Optional<Long> checkpointId) {
        return snapshot.execute(status -> {
            // through the event table's index on the identifier (the chain has none of its own, V82)
            List<long[]> link = jdbc.query("""
                            SELECT c.global_index, c.position FROM domain_event_entry d
                            JOIN ledger_chain c ON c.global_index = d.global_index AND c.event_identifier = d.event_identifier
                            WHERE d.event_identifier = ?""",
                    (rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}, eventId);
            if (link.isEmpty()) {
                throw new NoProof("event " + eventId + " is not in the chain (yet)");
            }
            long position = link.get(0)[1];
            Checkpoint checkpoint = (checkpointId.isPresent() ? byId(checkpointId.get()) : latest())
                    .orElseThrow(() -> new NoProof("no such checkpoint"));
            if (checkpoint.treeSize() <= position) {
                throw new NoProof("checkpoint " + checkpoint.id() + " was made before event "
                        + eventId + " was chained");
            }
            List<byte[]> leaves = new ArrayList<>((int) checkpoint.treeSize());
            streaming.query("SELECT leaf FROM ledger_chain WHERE position < ? ORDER BY position",
                    rs -> {
                        leaves.add(rs.getBytes(1));
                    }, checkpoint.treeSize());
            List<byte[]> path = MerkleTree.path(leaves, Math.toIntExact(position), leaves.size());
            return InclusionProof.of(eventId, link.get(0)[0], position, leaves.get((int) position), path, checkpoint);
        });
    }

    /** No proof can be given; the message names ids only. */
    public static final class NoProof extends RuntimeException {
        NoProof(String message) {
            super(message);
        }
    }

    private static final RowMapper<Checkpoint> CHECKPOINT = (rs, n) -> new Checkpoint(rs.getLong("checkpoint_id"),
            rs.getLong("up_to_index"), rs.getLong("tree_size"), rs.getBytes("chain_head"), rs.getBytes("merkle_root"),
            rs.getTimestamp("made_at").toInstant(), rs.getString("key_id"), rs.getBytes("public_key"),
            rs.getBytes("signature"));
}
