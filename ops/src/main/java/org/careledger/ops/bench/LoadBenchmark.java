package org.careledger.ops.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The bulk write path's baseline (issue 9): the event rows the subject stored, read into memory (untimed), then
 * inserted again by plain JDBC into a scratch table of the same definition ({@code LIKE domain_event_entry INCLUDING
 * ALL}: same columns, keys and indexes, no trigger), in batches of the size the subject committed, a commit per
 * batch (timed). Also measures CPU time: this JVM's and the database server's processes' (from /proc, when the
 * server runs on this machine), so ratios can be read on a machine shared with other work. A harness, not a test.
 */
public final class LoadBenchmark {

    static final String RAW_TABLE = "bench_raw_events";

    private final DataSource dataSource;
    private final List<Object[]> rows = new ArrayList<>();

    public LoadBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Wall time and CPU time (this JVM; the database server's processes, or -1 when not measurable). */
    public record Cost(Duration wall, double jvmCpuSeconds, double serverCpuSeconds) {
        public double cpuSeconds() {
            return jvmCpuSeconds + Math.max(0, serverCpuSeconds);
        }
    }

    /** A point on the CPU clocks. */
    public record Mark(long nanos, long jvmCpuNanos, long serverCpuTicks) {
    }

    public Mark mark() {
        return new Mark(System.nanoTime(), jvmCpu(), serverCpuTicks());
    }

    public Cost since(Mark start) {
        Mark now = mark();
        return new Cost(Duration.ofNanos(now.nanos() - start.nanos()), (now.jvmCpuNanos() - start.jvmCpuNanos()) / 1e9,
                start.serverCpuTicks() < 0 || now.serverCpuTicks() < 0 ? -1
                        : (now.serverCpuTicks() - start.serverCpuTicks()) / 100.0);
    }

    /** Reads every stored event row (all columns but the global index) into memory. Returns how many. */
    public long loadRows() throws SQLException {
        rows.clear();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(5_000);
                try (ResultSet rs = s.executeQuery("""
                        SELECT event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type,
                               payload_revision, payload, meta_data
                        FROM domain_event_entry ORDER BY global_index""")) {
                    while (rs.next()) {
                        rows.add(new Object[]{rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getBytes(9)});
                    }
                }
            }
            c.commit();
        }
        return rows.size();
    }

    /** The baseline: the loaded rows inserted into a fresh scratch table, {@code batch} rows and a commit per batch. */
    public Cost rawInserts(int batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + RAW_TABLE);
                s.execute("CREATE TABLE " + RAW_TABLE + " (LIKE domain_event_entry INCLUDING ALL)");
            }
            c.setAutoCommit(false);
            Mark start = mark();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + RAW_TABLE + """
                     (event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type,
                     payload_revision, payload, meta_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                int inBatch = 0;
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        insert.setObject(i + 1, row[i]);
                    }
                    insert.addBatch();
                    if (++inBatch == batch) {
                        insert.executeBatch();
                        c.commit();
                        inBatch = 0;
                    }
                }
                if (inBatch > 0) {
                    insert.executeBatch();
                    c.commit();
                }
            }
            Cost cost = since(start);
            c.setAutoCommit(true);
            return cost;
        }
    }

    public void dropRawTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + RAW_TABLE);
        }
    }

    /** Database size in bytes and the stored events' count. */
    public long[] databaseSizeAndEvents() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT pg_database_size(current_database()), (SELECT count(*) FROM domain_event_entry)")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    private static long jvmCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** utime + stime (clock ticks) of the server's postmaster and its children, found through a backend's parent. */
    private long serverCpuTicks() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Optional<ProcessHandle> backend = ProcessHandle.of(rs.getLong(1));
            Optional<ProcessHandle> postmaster = backend.flatMap(ProcessHandle::parent);
            if (postmaster.isEmpty()) {
                return -1;
            }
            long ticks = ticks(postmaster.get().pid());
            for (ProcessHandle child : postmaster.get().children().toList()) {
                ticks += ticks(child.pid());
            }
            return ticks;
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command name: state is field 3; utime and stime are fields 14 and 15
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
