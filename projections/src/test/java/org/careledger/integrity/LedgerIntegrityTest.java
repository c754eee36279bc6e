package org.careledger.integrity;

import org.careledger.LedgerCore;
import org.careledger.storage.EmbeddedPostgresServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tamper evidence (ADR 21) on its own ledger, since it alters stored rows: every event is chained, whatever wrote it;
 * a late commit is chained in its place, a rolled-back index is linked across; {@code verify} names the first event
 * that does not match after a byte flip, a deleted row, reordered rows and an inserted row, and refuses a forged
 * checkpoint; an inclusion proof checks against its checkpoint and fails when anything in it changes.
 * Each tampering is made as the database owner (triggers off for that transaction only) and undone after.
 */
@SpringBootTest(classes = LedgerCore.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"careledger.integrity.checkpoint-interval=0s", "careledger.integrity.chain-interval=50ms"})
class LedgerIntegrityTest {

    static final Path DATA_DIR = Path.of("target", "test-pg", "integrity-" + UUID.randomUUID());

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("careledger.embedded-db.data-dir", DATA_DIR::toString);
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    LedgerChainer chainer;
    @Autowired
    LedgerCheckpoints checkpoints;
    @Autowired
    LedgerVerification verification;
    @Autowired
    IntegrityConfiguration.Keys keys;
    @Autowired
    EmbeddedPostgresServer postgres;

    @BeforeEach
    void someEventsAllChained() {
        append(50);
        awaitAllChained();
        assertThat(verification.verify().problem()).isEmpty();
    }

    // ---- the chain --------------------------------------------------------------------------------------

    @Test
    void everyEventIsChainedAndAnUntouchedLedgerVerifies() {
        LedgerVerification.Result r = verification.verify();
        assertThat(r.verified()).isTrue();
        long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        assertThat(r.events()).isEqualTo(events);
        assertThat(r.chained()).isEqualTo(events);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_chain", Long.class)).isEqualTo(events);
    }

    @Test
    void anAppendHeldOpenIsChainedInItsPlaceWhenItCommitsAndARolledBackIndexIsLinkedAcross() throws Exception {
        // appends through the application's own pool, as every writer does
        try (Connection held = jdbc.getDataSource().getConnection();
             Connection rolledBack = jdbc.getDataSource().getConnection()) {
            held.setAutoCommit(false);
            rolledBack.setAutoCommit(false);
            long heldIndex = insert(held, "held");
            long goneIndex = insert(rolledBack, "gone");
            rolledBack.rollback();
            append(20);
            long last = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
            // the chainer stops before the open append, however often it runs: the gap is not settled
            for (int i = 0; i < 3; i++) {
                chainer.chainAvailable();
                assertThat(chainer.head()).isEqualTo(heldIndex - 1);
            }
            held.commit();
            await().atMost(Duration.ofSeconds(30)).until(() -> chainer.head() == last);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_chain WHERE global_index = ?", Long.class,
                    heldIndex)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_chain WHERE global_index = ?", Long.class,
                    goneIndex)).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_chain WHERE previous_index = ?", Long.class,
                    goneIndex - 1)).isEqualTo(1);
        }
        assertThat(verification.verify().problem()).isEmpty();
    }

    @Test
    void whileDeferredTheChainWaitsAndThenCatchesUpAtOnce() {
        long before = chainer.head();
        long last = chainer.deferredDuring(() -> {
            append(30);
            // eight of the chainer's scheduled turns (50 ms apart) pass without chaining
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() -> chainer.head() == before);
            assertThat(chainer.unchained()).isEqualTo(30);
            return jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> chainer.head() == last);
        assertThat(verification.verify().problem()).isEmpty();
    }

    // ---- tampering, each detected --------------------------------------------------------------------------

    @Test
    void aFlippedByteIsNamed() {
        Map<String, Object> victim = chainedEvent(10);
        long index = (long) victim.get("global_index");
        asOwner("UPDATE domain_event_entry SET payload = set_byte(payload, 3, get_byte(payload, 3) # 1) "
                + "WHERE global_index = " + index);
        LedgerVerification.Problem p = verification.verify().problem().orElseThrow();
        assertThat(p.globalIndex()).isEqualTo(index);
        assertThat(p.eventId()).isEqualTo(victim.get("event_identifier"));
        assertThat(p.what()).contains("altered");
        asOwner("UPDATE domain_event_entry SET payload = set_byte(payload, 3, get_byte(payload, 3) # 1) "
                + "WHERE global_index = " + index);
        assertThat(verification.verify().problem()).isEmpty();
    }

    @Test
    void aDeletedRowIsNamed() {
        Map<String, Object> victim = chainedEvent(5);
        long index = (long) victim.get("global_index");
        asOwner("CREATE TABLE deleted_row AS SELECT * FROM domain_event_entry WHERE global_index = " + index,
                "DELETE FROM domain_event_entry WHERE global_index = " + index);
        LedgerVerification.Problem p = verification.verify().problem().orElseThrow();
        assertThat(p.globalIndex()).isEqualTo(index);
        assertThat(p.eventId()).isEqualTo(victim.get("event_identifier"));
        assertThat(p.what()).contains("deleted");
        asOwner("INSERT INTO domain_event_entry SELECT * FROM deleted_row", "DROP TABLE deleted_row");
        assertThat(verification.verify().problem()).isEmpty();
    }

    @Test
    void reorderedRowsAreNamedAtTheFirst() {
        long a = (long) chainedEvent(7).get("global_index");
        long b = (long) chainedEvent(3).get("global_index");
        String[] swap = {"UPDATE domain_event_entry SET global_index = -%1$d WHERE global_index = %1$d".formatted(a),
                "UPDATE domain_event_entry SET global_index = %1$d WHERE global_index = %2$d".formatted(a, b),
                "UPDATE domain_event_entry SET global_index = %2$d WHERE global_index = -%1$d".formatted(a, b)};
        asOwner(swap);
        LedgerVerification.Problem p = verification.verify().problem().orElseThrow();
        assertThat(p.globalIndex()).isEqualTo(Math.min(a, b));
        assertThat(p.what()).contains("rows moved");
        asOwner(swap);
        assertThat(verification.verify().problem()).isEmpty();
    }

    @Test
    void aRowInsertedBelowTheChainsHeadIsNamed() throws SQLException {
        long gone;
        try (Connection c = owner()) {
            c.setAutoCommit(false);
            gone = insert(c, "rolled-back");
            c.rollback();
        }
        append(3);
        awaitAllChained();
        assertThat(verification.verify().problem()).isEmpty();
        String id = "inserted-" + UUID.randomUUID();
        asOwner("""
                INSERT INTO domain_event_entry (global_index, event_identifier, aggregate_identifier, sequence_number,
                       type, time_stamp, payload_type, payload_revision, payload, meta_data)
                VALUES (%d, '%s', '%s', 0, NULL, '2026-12-01T00:00:00Z', 'org.careledger.test.Probe', '1',
                       convert_to('{}', 'UTF8'), convert_to('{}', 'UTF8'))""".formatted(gone, id, id));
        LedgerVerification.Problem p = verification.verify().problem().orElseThrow();
        assertThat(p.globalIndex()).isEqualTo(gone);
        assertThat(p.eventId()).isEqualTo(id);
        assertThat(p.what()).contains("inserted");
        asOwner("DELETE FROM domain_event_entry WHERE global_index = " + gone);
        assertThat(verification.verify().problem()).isEmpty();
    }

    @Test
    void aForgedCheckpointIsRefusedAndARewrittenChainContradictsTheCheckpoints() throws Exception {
        Checkpoint real = checkpoints.make().orElseThrow();
        assertThat(verification.verify().checkpoints()).isGreaterThanOrEqualTo(1);
        assertThat(verification.verify().problem()).isEmpty();

        // a checkpoint whose statement was altered after signing
        long forged = real.id() + 1000;
        asOwner(insertCheckpoint(forged, real.upToIndex(), real.treeSize(), real.chainHead(), real.merkleRoot(),
                real.publicKey(), real.signature()));
        assertThat(verification.verify().problem()).hasValueSatisfying(p -> assertThat(p.what())
                .contains("checkpoint " + forged, "does not verify"));
        asOwner("DELETE FROM ledger_checkpoint WHERE checkpoint_id = " + forged);

        // a checkpoint signed by a key nobody trusts
        var stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        var signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(stranger.getPrivate());
        signer.update(Checkpoint.statement(forged, real.upToIndex(), real.treeSize(), real.chainHead(),
                real.merkleRoot(), real.madeAt()).getBytes(StandardCharsets.UTF_8));
        asOwner(insertCheckpoint(forged, real.upToIndex(), real.treeSize(), real.chainHead(), real.merkleRoot(),
                stranger.getPublic().getEncoded(), signer.sign()));
        assertThat(verification.verify().problem()).hasValueSatisfying(p -> assertThat(p.what())
                .contains("checkpoint " + forged, "not trusted"));
        asOwner("DELETE FROM ledger_checkpoint WHERE checkpoint_id = " + forged);
        assertThat(verification.verify().problem()).isEmpty();

        // an event altered and its chain row recomputed to match: the signed checkpoint still catches it
        Map<String, Object> victim = jdbc.queryForMap("SELECT * FROM ledger_chain WHERE global_index = "
                + "(SELECT max(global_index) FROM ledger_chain WHERE global_index <= ?)", real.upToIndex());
        long index = (long) victim.get("global_index");
        String originalTime = jdbc.queryForObject("SELECT time_stamp FROM domain_event_entry WHERE global_index = ?",
                String.class, index);
        byte[] originalLeaf = (byte[]) victim.get("leaf");
        byte[] originalHash = (byte[]) victim.get("hash");
        asOwner("UPDATE domain_event_entry SET time_stamp = '1999-01-01T00:00:00Z' WHERE global_index = " + index);
        byte[][] relinked = relink(index);
        asOwner("UPDATE ledger_chain SET leaf = '\\x%s', hash = '\\x%s' WHERE global_index = %d".formatted(
                hex(relinked[0]), hex(relinked[1]), index));
        LedgerVerification.Problem p = verification.verify().problem().orElseThrow();
        assertThat(p.globalIndex()).isEqualTo(index);
        assertThat(p.what()).contains("checkpoint " + real.id());
        asOwner("UPDATE ledger_chain SET leaf = '\\x%s', hash = '\\x%s' WHERE global_index = %d".formatted(
                hex(originalLeaf), hex(originalHash), index),
                "UPDATE domain_event_entry SET time_stamp = '%s' WHERE global_index = %d".formatted(originalTime, index));
        assertThat(verification.verify().problem()).isEmpty();
    }

    // ---- inclusion proofs --------------------------------------------------------------------------------

    @Test
    void anInclusionProofChecksAgainstItsCheckpointAndFailsWhenAnythingChanges() throws Exception {
        Checkpoint checkpoint = checkpoints.make().orElseThrow();
        for (long position : List.of(0L, checkpoint.treeSize() / 2, checkpoint.treeSize() - 1)) {
            String eventId = jdbc.queryForObject("SELECT event_identifier FROM ledger_chain WHERE position = ?",
                    String.class, position);
            InclusionProof proof = checkpoints.proof(eventId, Optional.of(checkpoint.id()));
            assertThat(proof.leafIndex()).isEqualTo(position);
            assertThat(proof.problem(keys.signing().publicKey())).as("leaf %d", position).isEmpty();
        }
        String eventId = jdbc.queryForObject("SELECT event_identifier FROM ledger_chain WHERE position = 1", String.class);
        InclusionProof proof = checkpoints.proof(eventId, Optional.empty());
        // another leaf
        InclusionProof otherLeaf = new InclusionProof(proof.format(), proof.eventId(), proof.globalIndex(),
                proof.leafIndex(), hex(new byte[32]), proof.path(), proof.checkpoint());
        assertThat(otherLeaf.problem(keys.signing().publicKey())).hasValueSatisfying(s -> assertThat(s)
                .contains("does not lead"));
        // a bigger tree claimed in the checkpoint
        CheckpointDocument c = proof.checkpoint();
        CheckpointDocument grown = new CheckpointDocument(c.id(), c.upToGlobalIndex(), c.treeSize() + 1, c.chainHead(),
                c.merkleRoot(), c.madeAt(), c.keyId(), c.publicKey(), c.statement(), c.signature());
        assertThat(new InclusionProof(proof.format(), proof.eventId(), proof.globalIndex(), proof.leafIndex(),
                proof.leafHash(), proof.path(), grown).problem(keys.signing().publicKey()))
                .hasValueSatisfying(s -> assertThat(s).contains("does not verify"));
        // someone who trusts another key
        var stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertThat(proof.problem(stranger)).hasValueSatisfying(s -> assertThat(s).contains("not by the trusted key"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private void awaitAllChained() {
        await().atMost(Duration.ofSeconds(60)).until(() -> chainer.unchained() == 0);
    }

    private Map<String, Object> chainedEvent(int fromTheEnd) {
        return jdbc.queryForMap("SELECT global_index, event_identifier FROM ledger_chain ORDER BY global_index DESC "
                + "OFFSET ? LIMIT 1", fromTheEnd);
    }

    /** Appends like the bulk path does: plain JDBC batches into the event table, no Axon call site involved. */
    private void append(int n) {
        String aggregate = "probe-" + UUID.randomUUID();
        jdbc.batchUpdate("""
                INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                       time_stamp, payload_type, payload_revision, payload, meta_data)
                VALUES (?, ?, ?, 'Probe', ?, 'org.careledger.test.Probe', '1', ?, ?)""",
                java.util.stream.IntStream.range(0, n).mapToObj(i -> new Object[]{UUID.randomUUID().toString(),
                        aggregate, i, java.time.Instant.now().toString(),
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8)}).toList());
    }

    private static long insert(Connection c, String tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                       time_stamp, payload_type, payload_revision, payload, meta_data)
                VALUES (?, ?, 0, 'Probe', '2026-12-01T00:00:00Z', 'org.careledger.test.Probe', '1', ?, ?)
                RETURNING global_index""")) {
            String id = tag + "-" + UUID.randomUUID();
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setBytes(3, "{}".getBytes(StandardCharsets.UTF_8));
            ps.setBytes(4, "{}".getBytes(StandardCharsets.UTF_8));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A connection as the database owner (the superuser of the embedded server). */
    private Connection owner() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
    }

    /** Statements run as the owner in one transaction with the append-only triggers off for it alone. */
    private void asOwner(String... statements) {
        try (Connection c = owner()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String insertCheckpoint(long id, long upTo, long size, byte[] head, byte[] root, byte[] key,
                                           byte[] signature) {
        return """
                INSERT INTO ledger_checkpoint (checkpoint_id, up_to_index, tree_size, chain_head, merkle_root, made_at,
                       key_id, public_key, signature)
                VALUES (%d, %d, %d, '\\x%s', '\\x%s', now(), '%s', '\\x%s', '\\x%s')""".formatted(id, upTo, size,
                hex(head), hex(root), SigningKey.keyId(key), hex(key), hex(signature));
    }

    /** The leaf and link of the event at {@code index} as it now stands, after its predecessor's stored link. */
    private byte[][] relink(long index) {
        byte[] previous = jdbc.query("SELECT hash FROM ledger_chain WHERE global_index < ? ORDER BY global_index DESC "
                + "LIMIT 1", rs -> rs.next() ? rs.getBytes(1) : EventDigest.GENESIS, index);
        return jdbc.query("SELECT " + EventDigest.COLUMNS + " FROM domain_event_entry WHERE global_index = ?", rs -> {
            rs.next();
            EventDigest d = new EventDigest();
            byte[] link = d.link(previous, rs);
            return new byte[][]{d.leaf(), link};
        }, index);
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
