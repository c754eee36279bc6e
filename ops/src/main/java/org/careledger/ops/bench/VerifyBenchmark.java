package org.careledger.ops.bench;

import org.careledger.integrity.EventDigest;
import org.careledger.integrity.LedgerVerification;
import org.postgresql.PGStatement;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * {@code bench-verify}'s ledger and baseline (issue 13): fills the ledger with copies of real events (new event ids,
 * aggregates suffixed with the copy's number, the same bytes otherwise) up to a target count, and reads the columns
 * the chain's canonical bytes need, in global index order, in the way {@link LedgerVerification} reads them (one
 * REPEATABLE READ snapshot, binary transfer, the same fetch size), touching every column's bytes but hashing
 * nothing. A harness, not a test.
 */
public final class VerifyBenchmark {

    private final DataSource dataSource;

    public VerifyBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long events() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM domain_event_entry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Appends copies of the first {@code template} events (by global index) until the ledger holds at least
     * {@code target} events, about {@code perTransaction} rows per committed INSERT ... SELECT. Returns the rows added.
     */
    public long fill(long target, int perTransaction) throws SQLException {
        long added = 0;
        try (Connection c = dataSource.getConnection()) {
            long template;
            long firstCopy;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT (SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier NOT LIKE '%~copy%'),
                           (SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE '%~copy%')""")) {
                rs.next();
                template = rs.getLong(1);
                firstCopy = template == 0 ? 0 : rs.getLong(2) / template + 1;
            }
            if (template == 0) {
                throw new IllegalStateException("no events to copy");
            }
            long have = events();
            int copiesPerStatement = (int) Math.max(1, perTransaction / template);
            long copy = firstCopy;
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number, type,
                                                    time_stamp, payload_type, payload_revision, payload, meta_data)
                    SELECT gen_random_uuid()::text, e.aggregate_identifier || '~copy' || g, e.sequence_number, e.type,
                           e.time_stamp, e.payload_type, e.payload_revision, e.payload, e.meta_data
                      FROM generate_series(?::bigint, ?::bigint) g
                     CROSS JOIN (SELECT * FROM domain_event_entry WHERE aggregate_identifier NOT LIKE '%~copy%') e
                     ORDER BY g, e.global_index""")) {
                while (have < target) {
                    long copies = Math.min(copiesPerStatement, (target - have + template - 1) / template);
                    insert.setLong(1, copy);
                    insert.setLong(2, copy + copies - 1);
                    int n = insert.executeUpdate();
                    added += n;
                    have += n;
                    copy += copies;
                }
            }
        }
        return added;
    }

    /** What the baseline read: rows and bytes, and how long it took. */
    public record Read(long rows, long bytes, Duration took) {
        public double rowsPerSecond() {
            return rows / Math.max(1e-9, took.toNanos() / 1e9);
        }
    }

    /** The baseline: the verifier's SELECT of the event table, every column's bytes fetched, nothing hashed. */
    public Read plainSelect() throws SQLException {
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EventDigest.COLUMNS
                    + " FROM domain_event_entry ORDER BY global_index")) {
                ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
                ps.setFetchSize(LedgerVerification.FETCH_SIZE);
                long rows = 0;
                long bytes = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        bytes += rs.getLong(1) & 1;
                        for (int i = 2; i <= 10; i++) {
                            if (i == 4) {
                                bytes += rs.getLong(i) & 1;
                            } else {
                                byte[] b = rs.getBytes(i);
                                bytes += b == null ? 0 : b.length;
                            }
                        }
                        rows++;
                    }
                }
                return new Read(rows, bytes, Duration.ofNanos(System.nanoTime() - started));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
