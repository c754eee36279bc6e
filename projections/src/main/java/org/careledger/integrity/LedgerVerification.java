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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

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

    /** Rows per round trip of each cursor. */
    public static final int FETCH_SIZE = 10_000;

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
        String snapshot;
        try (Statement s = con.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            snapshot = rs.getString(1);
        }
        try (Connection second = dataSource.getConnection()) {
            boolean autoCommit = second.getAutoCommit();
            second.setAutoCommit(false);
            second.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                try (Statement s = second.createStatement()) {
                    // the snapshot id is the server's own answer above, never input
                    s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "") + "'");
                    s.execute("SET LOCAL statement_timeout = 0");
                }
                return compare(con, second, all, pending, chainHead, started);
            } finally {
                second.rollback();
                second.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * The comparison: the event table read on a second connection in the same snapshot by a reader thread (JDBC
     * decoding and the server's scan overlap the hashing), the chain read and every event hashed on this thread.
     */
    private Result compare(Connection con, Connection second, List<Checkpoint> all, Deque<Checkpoint> pending,
                           long chainHead, long started) throws SQLException {
        try (PreparedStatement events = second.prepareStatement("SELECT " + EventDigest.COLUMNS
                + " FROM domain_event_entry ORDER BY global_index");
             PreparedStatement links = con.prepareStatement(
                     "SELECT global_index, event_identifier, previous_index, position, leaf, hash FROM ledger_chain "
                             + "ORDER BY global_index")) {
            LedgerChainer.binary(events);
            LedgerChainer.binary(links);
            events.setFetchSize(FETCH_SIZE);
            links.setFetchSize(FETCH_SIZE);
            try (ResultSet e = events.executeQuery(); ResultSet l = links.executeQuery()) {
                EventReader reader = new EventReader(e);
                Thread thread = new Thread(reader, "ledger-verify-reader");
                thread.setDaemon(true);
                thread.start();
                try {
                    return compare(reader, l, all, pending, chainHead, started);
                } finally {
                    reader.stop(thread);
                }
            }
        }
    }

    private Result compare(EventReader reader, ResultSet l, List<Checkpoint> all, Deque<Checkpoint> pending,
                           long chainHead, long started) throws SQLException {
        EventDigest digest = new EventDigest();
        MerkleTree.Frontier frontier = new MerkleTree.Frontier();
        byte[] hash = EventDigest.GENESIS;
        long count = 0;
        long chained = 0;
        long previous = 0;
        EventBatch batch = reader.next();
        int row = 0;
        boolean hasL = l.next();
        while (row < batch.size || hasL) {
            long ei = row < batch.size ? batch.index[row] : Long.MAX_VALUE;
            long li = hasL ? l.getLong(1) : Long.MAX_VALUE;
            if (li < ei) {
                return result(count, chained, previous, all.size(), started, new Problem(li, text(l.getBytes(2)),
                        "chained, but missing from the event table (deleted)"));
            }
            int offset = row * EventDigest.FIELDS;
            byte[] eventId = batch.fields[offset];
            hash = digest.link(hash, batch.fields, offset, batch.sequence[row]);
            count++;
            if (li == ei) {
                long expectedPrevious = l.getLong(3);
                byte[] chainedId = l.getBytes(2);
                if (!Arrays.equals(eventId, chainedId)) {
                    return result(count, chained, ei, all.size(), started, new Problem(ei, text(eventId),
                            "the chain holds event " + text(chainedId) + " here (rows moved)"));
                }
                if (expectedPrevious != previous || l.getLong(4) != count - 1) {
                    return result(count, chained, ei, all.size(), started, new Problem(ei, text(eventId),
                            "the chain links it after global index " + expectedPrevious + ", the table after "
                                    + previous + " (rows inserted, deleted or reordered)"));
                }
                if (!Arrays.equals(hash, l.getBytes(6)) || !Arrays.equals(digest.leaf(), l.getBytes(5))) {
                    return result(count, chained, ei, all.size(), started, new Problem(ei, text(eventId),
                            "its bytes are not the bytes that were chained (altered)"));
                }
                chained++;
                if (!pending.isEmpty()) {
                    // the Merkle tree is only needed up to the largest checkpoint
                    frontier.add(digest.leaf());
                }
                while (!pending.isEmpty() && pending.peek().treeSize() == count) {
                    Checkpoint c = pending.poll();
                    if (c.upToIndex() != ei || !Arrays.equals(c.chainHead(), hash)
                            || !Arrays.equals(c.merkleRoot(), frontier.root())) {
                        return result(count, chained, ei, all.size(), started, new Problem(ei, text(eventId),
                                "the ledger up to here does not give checkpoint " + c.id()
                                        + "'s chain head and Merkle root (the chain was rewritten at or "
                                        + "before this event)"));
                    }
                }
                hasL = l.next();
            } else if (ei <= chainHead) {
                return result(count, chained, ei, all.size(), started, new Problem(ei, text(eventId),
                        "below the chain's head but never chained (inserted)"));
            }
            previous = ei;
            row++;
            if (row == batch.size && !batch.last) {
                batch = reader.next();
                row = 0;
            }
        }
        if (!pending.isEmpty()) {
            Checkpoint c = pending.peek();
            return result(count, chained, previous, all.size(), started, new Problem(c.upToIndex(), null,
                    "checkpoint " + c.id() + " covers " + c.treeSize() + " events, the chain only " + chained
                            + " (events deleted)"));
        }
        return result(count, chained, previous, all.size(), started, null);
    }

    private static String text(byte[] utf8) {
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    /** Rows of the event table, as the driver received them: global index, sequence number, the other fields. */
    private static final class EventBatch {
        static final int ROWS = 2_000;
        final long[] index = new long[ROWS];
        final long[] sequence = new long[ROWS];
        final byte[][] fields = new byte[ROWS * EventDigest.FIELDS][];
        int size;
        boolean last;
    }

    /** Reads the event table's cursor into batches on its own thread; the comparing thread takes them in order. */
    private static final class EventReader implements Runnable {
        private final ResultSet rows;
        private final BlockingQueue<EventBatch> queue = new ArrayBlockingQueue<>(4);
        private volatile boolean stopped;
        private volatile SQLException failure;

        EventReader(ResultSet rows) {
            this.rows = rows;
        }

        @Override
        public void run() {
            EventBatch batch = new EventBatch();
            try {
                while (!stopped && rows.next()) {
                    int n = batch.size;
                    batch.index[n] = rows.getLong(1);
                    batch.sequence[n] = rows.getLong(4);
                    EventDigest.readFields(rows, batch.fields, n * EventDigest.FIELDS);
                    batch.size = n + 1;
                    if (batch.size == EventBatch.ROWS) {
                        queue.put(batch);
                        batch = new EventBatch();
                    }
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            } finally {
                batch.last = true;
                // the comparing thread drains the queue until this thread ends, so this cannot block for ever
                try {
                    queue.put(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The next batch in global index order; the last one is marked {@code last}. */
        EventBatch next() throws SQLException {
            try {
                EventBatch batch = queue.take();
                if (failure != null) {
                    throw failure;
                }
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("verification interrupted", e);
            }
        }

        /** Stops reading (at a mismatch) and waits for the reader thread to end. */
        void stop(Thread thread) {
            stopped = true;
            try {
                while (thread.isAlive()) {
                    queue.poll(10, TimeUnit.MILLISECONDS);
                }
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
