package org.careledger.integrity;

import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Recomputes the hash chain from the event table and compares it with the stored chain and the signed checkpoints
 * (ADR 21): {@code careledger verify}. It reads {@code domain_event_entry} and {@code ledger_chain} side by side in
 * global index order, in one REPEATABLE READ snapshot, and stops at the first event that does not match:
 * <ul>
 *     <li>an event whose bytes differ from what was chained (a flipped byte, a swapped row): its link differs;</li>
 *     <li>a chained event missing from the table (a deleted row);</li>
 *     <li>an event below the chain's head that was never chained (an inserted row);</li>
 *     <li>a checkpoint not signed by a trusted key, or whose chain head or Merkle root the table no longer gives
 *     (a rewritten chain).</li>
 * </ul>
 * Events above the chain's head (not chained yet) are hashed and counted, not judged.
 */
@Component
public class LedgerVerification {

    /** What does not match: at {@code globalIndex}, the event {@code eventId} (null when unknown). */
    public record Problem(long globalIndex, String eventId, String what) {
        @Override
        public String toString() {
            return "global index " + globalIndex + (eventId == null ? "" : " (event " + eventId + ")") + ": " + what;
        }
    }

    /**
     * @param events      events read from the table
     * @param chained     of those, how many were compared with their chain link
     * @param checkpoints checkpoints checked (signature, and head and root where the table reached them)
     * @param problem     the first mismatch, if any
     */
    public record Result(long events, long chained, long lastIndex, int checkpoints, Duration elapsed,
                         Optional<Problem> problem) {
        public boolean verified() {
            return problem.isEmpty();
        }

        public double eventsPerSecond() {
            return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final DataSource dataSource;
    private final LedgerCheckpoints checkpoints;
    private final IntegrityConfiguration.Keys keys;

    public LedgerVerification(DataSource dataSource, LedgerCheckpoints checkpoints, IntegrityConfiguration.Keys keys) {
        this.dataSource = dataSource;
        this.checkpoints = checkpoints;
        this.keys = keys;
    }

    public Result verify() {
        long started = System.nanoTime();
        try (Connection con = dataSource.getConnection()) {
            boolean autoCommit = con.getAutoCommit();
            con.setAutoCommit(false);
            con.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                try (Statement s = con.createStatement()) {
                    s.execute("SET LOCAL statement_timeout = 0");
                }
                return verify(con, started);
            } finally {
                con.rollback();
                con.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("verification could not read the ledger: " + e.getSQLState(), e);
        }
    }

    private Result verify(Connection con, long started) throws SQLException {
        List<Checkpoint> all = checkpoints.all(con);
        Deque<Checkpoint> pending = new ArrayDeque<>();
        for (Checkpoint c : all) {
            Optional<String> bad = untrusted(c);
            if (bad.isPresent()) {
                return result(0, 0, 0, all.size(), started, new Problem(c.upToIndex(), null, bad.get()));
            }
        }
        all.stream().sorted((a, b) -> Long.compare(a.treeSize(), b.treeSize())).forEach(pending::add);
        long chainHead;
        try (Statement s = con.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT coalesce(max(global_index), 0) FROM ledger_chain")) {
            rs.next();
            chainHead = rs.getLong(1);
        }
        try (PreparedStatement events = con.prepareStatement("SELECT " + EventDigest.COLUMNS
                + " FROM domain_event_entry ORDER BY global_index");
             PreparedStatement links = con.prepareStatement(
                     "SELECT global_index, event_identifier, previous_index, position, leaf, hash FROM ledger_chain "
                             + "ORDER BY global_index")) {
            LedgerChainer.binary(events);
            LedgerChainer.binary(links);
            events.setFetchSize(5_000);
            links.setFetchSize(5_000);
            try (ResultSet e = events.executeQuery(); ResultSet l = links.executeQuery()) {
                EventDigest digest = new EventDigest();
                MerkleTree.Frontier frontier = new MerkleTree.Frontier();
                byte[] hash = EventDigest.GENESIS;
                long count = 0;
                long chained = 0;
                long previous = 0;
                boolean hasE = e.next();
                boolean hasL = l.next();
                while (hasE || hasL) {
                    long ei = hasE ? e.getLong(1) : Long.MAX_VALUE;
                    long li = hasL ? l.getLong(1) : Long.MAX_VALUE;
                    if (li < ei) {
                        return result(count, chained, previous, all.size(), started, new Problem(li, l.getString(2),
                                "chained, but missing from the event table (deleted)"));
                    }
                    String eventId = e.getString(2);
                    hash = digest.link(hash, e);
                    count++;
                    if (li == ei) {
                        long expectedPrevious = l.getObject(3) == null ? 0 : l.getLong(3);
                        if (!eventId.equals(l.getString(2))) {
                            return result(count, chained, ei, all.size(), started, new Problem(ei, eventId,
                                    "the chain holds event " + l.getString(2) + " here (rows moved)"));
                        }
                        if (expectedPrevious != previous || l.getLong(4) != count - 1) {
                            return result(count, chained, ei, all.size(), started, new Problem(ei, eventId,
                                    "the chain links it after global index " + expectedPrevious + ", the table after "
                                            + previous + " (rows inserted, deleted or reordered)"));
                        }
                        if (!Arrays.equals(hash, l.getBytes(6)) || !Arrays.equals(digest.leaf(), l.getBytes(5))) {
                            return result(count, chained, ei, all.size(), started, new Problem(ei, eventId,
                                    "its bytes are not the bytes that were chained (altered)"));
                        }
                        chained++;
                        frontier.add(digest.leaf());
                        while (!pending.isEmpty() && pending.peek().treeSize() == count) {
                            Checkpoint c = pending.poll();
                            if (c.upToIndex() != ei || !Arrays.equals(c.chainHead(), hash)
                                    || !Arrays.equals(c.merkleRoot(), frontier.root())) {
                                return result(count, chained, ei, all.size(), started, new Problem(ei, eventId,
                                        "the ledger up to here does not give checkpoint " + c.id()
                                                + "'s chain head and Merkle root (the chain was rewritten at or "
                                                + "before this event)"));
                            }
                        }
                        hasL = l.next();
                    } else if (ei <= chainHead) {
                        return result(count, chained, ei, all.size(), started, new Problem(ei, eventId,
                                "below the chain's head but never chained (inserted)"));
                    }
                    previous = ei;
                    hasE = e.next();
                }
                if (!pending.isEmpty()) {
                    Checkpoint c = pending.peek();
                    return result(count, chained, previous, all.size(), started, new Problem(c.upToIndex(), null,
                            "checkpoint " + c.id() + " covers " + c.treeSize() + " events, the chain only " + chained
                                    + " (events deleted)"));
                }
                return result(count, chained, previous, all.size(), started, null);
            }
        }
    }

    private Optional<String> untrusted(Checkpoint c) {
        PublicKey key = keys.trusted().stream().filter(k -> Arrays.equals(k.getEncoded(), c.publicKey()))
                .findFirst().orElse(null);
        if (key == null) {
            return Optional.of("checkpoint " + c.id() + " is signed by key " + c.keyId() + ", which is not trusted");
        }
        if (!c.signedBy(key)) {
            return Optional.of("checkpoint " + c.id() + ": the signature does not verify (forged or altered)");
        }
        return Optional.empty();
    }

    private static Result result(long events, long chained, long last, int checkpoints, long started,
                                 Problem problem) {
        return new Result(events, chained, last, checkpoints, Duration.ofNanos(System.nanoTime() - started),
                Optional.ofNullable(problem));
    }
}
