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
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The bulk write path's baseline (issue 9): the event rows the subject stored, read into memory (untimed), then
 * inserted again by plain JDBC into a scratch table of the same definition ({@code LIKE domain_event_entry INCLUDING
 * ALL}: same columns, keys and indexes, no trigger), in batches of the size the subject committed, a commit per
 * batch (timed). A second baseline inserts every row the load wrote, in every table (events, registers, views, the
 * audit trail, the chain), into scratch copies, interleaved in as many transactions as the subject's batches: what
 * PostgreSQL needs for the same rows, the framework and the rules left out. Also measures CPU time: this JVM's and
 * the database server's processes' (from /proc, when the server runs on this machine), so ratios can be read on a machine shared with other work. A harness, not a test.
 */
public final class LoadBenchmark {

    static final String RAW_TABLE = "bench_raw_events";
    /** The scratch schema of the same-rows baseline. */
    static final String RAW_SCHEMA = "bench_raw_rows";

    private final DataSource dataSource;
    private final List<Object[]> rows = new ArrayList<>();
    private final List<TableRows> sameRows = new ArrayList<>();

    /** One table's rows for the same-rows baseline: its insertable columns, which are bytea, and the rows. */
    record TableRows(String key, String schema, String table, List<String> columns, boolean[] binary,
                     List<Object[]> rows) {
        String scratch() {
            return RAW_SCHEMA + ".\"" + schema + "__" + table + "\"";
        }
    }

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
        return loadRows(-1);
    }

    /** The highest global index stored so far (-1 when there are no events). */
    public long lastGlobalIndex() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(global_index), -1) FROM domain_event_entry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reads the stored event rows after global index {@code after} (all columns but the global index) into memory.
     * Returns how many.
     */
    public long loadRows(long after) throws SQLException {
        rows.clear();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("""
                        SELECT event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type,
                               payload_revision, payload, meta_data
                        FROM domain_event_entry WHERE global_index > ? ORDER BY global_index""")) {
                s.setFetchSize(5_000);
                s.setLong(1, after);
                try (ResultSet rs = s.executeQuery()) {
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

    /**
     * Exact row counts of the ledger's tables: every ordinary table and partition outside the system schemas, but
     * not Flyway's history or the harnesses' scratch tables.
     */
    public Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE 'bench\\_raw%'
                      AND c.relname NOT LIKE 'bench\\_raw%' AND c.relname <> 'flyway_schema_history'
                    ORDER BY 1""")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /**
     * About how many bytes the rows {@link #loadSameRows} would read take on disk: for every table that gained rows,
     * its size (with TOAST, without indexes) times the share of its rows it gained. The rows take a few times this
     * in memory.
     */
    public long sameRowsBytes(Map<String, Long> before) throws SQLException {
        double bytes = 0;
        Map<String, Long> after = rowCounts();
        try (Connection c = dataSource.getConnection();
             PreparedStatement size = c.prepareStatement("SELECT pg_table_size(?::regclass)")) {
            for (Map.Entry<String, Long> table : after.entrySet()) {
                long gained = table.getValue() - before.getOrDefault(table.getKey(), 0L);
                if (gained <= 0) {
                    continue;
                }
                size.setString(1, table.getKey());
                try (ResultSet rs = size.executeQuery()) {
                    rs.next();
                    bytes += (double) rs.getLong(1) * gained / table.getValue();
                }
            }
        }
        return (long) bytes;
    }

    /**
     * Reads into memory, for every table that holds more rows than {@code before} says, as many of its rows as it
     * gained (all insertable columns: not generated ones). Returns the rows read.
     */
    public long loadSameRows(Map<String, Long> before) throws SQLException {
        sameRows.clear();
        long total = 0;
        Map<String, Long> after = rowCounts();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (Map.Entry<String, Long> table : after.entrySet()) {
                long gained = table.getValue() - before.getOrDefault(table.getKey(), 0L);
                if (gained <= 0) {
                    continue;
                }
                TableRows read = readRows(c, table.getKey(), gained);
                sameRows.add(read);
                total += read.rows().size();
            }
            c.commit();
        }
        return total;
    }

    private static TableRows readRows(Connection c, String table, long limit) throws SQLException {
        String schema;
        String name;
        List<String> columns = new ArrayList<>();
        List<Boolean> binary = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT n.nspname, r.relname, quote_ident(a.attname), a.atttypid = 'bytea'::regtype
                FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                schema = null;
                name = null;
                while (rs.next()) {
                    schema = rs.getString(1);
                    name = rs.getString(2);
                    columns.add(rs.getString(3));
                    binary.add(rs.getBoolean(4));
                }
            }
        }
        boolean[] bytea = new boolean[binary.size()];
        for (int i = 0; i < bytea.length; i++) {
            bytea[i] = binary.get(i);
        }
        List<Object[]> read = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.setFetchSize(5_000);
            try (ResultSet rs = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table
                    + " LIMIT " + limit)) {
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = bytea[i] ? rs.getBytes(i + 1) : rs.getString(i + 1);
                    }
                    read.add(row);
                }
            }
        }
        return new TableRows(table, schema, name, columns, bytea, read);
    }

    /** How many tables the same-rows baseline writes. */
    public int sameRowsTables() {
        return sameRows.size();
    }

    /**
     * The same-rows baseline: fresh scratch copies of the tables ({@code LIKE ... INCLUDING ALL}: columns, keys,
     * indexes and defaults; no triggers or foreign keys), then the rows read by {@link #loadSameRows} inserted by
     * plain JDBC batches on one connection in {@code transactions} transactions, each holding its share of every
     * table's rows, committed durably.
     */
    public Cost rawSameRows(int transactions) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + RAW_SCHEMA + " CASCADE");
                s.execute("CREATE SCHEMA " + RAW_SCHEMA);
                for (TableRows table : sameRows) {
                    s.execute("CREATE TABLE " + table.scratch() + " (LIKE " + quoted(table.schema()) + "."
                            + quoted(table.table()) + " INCLUDING ALL)");
                }
            }
            c.setAutoCommit(false);
            List<PreparedStatement> inserts = new ArrayList<>();
            try {
                for (TableRows table : sameRows) {
                    inserts.add(c.prepareStatement("INSERT INTO " + table.scratch() + " ("
                            + String.join(", ", table.columns()) + ") OVERRIDING SYSTEM VALUE VALUES ("
                            + String.join(", ", Collections.nCopies(table.columns().size(), "?")) + ")"));
                }
                Mark start = mark();
                for (int t = 0; t < transactions; t++) {
                    for (int i = 0; i < sameRows.size(); i++) {
                        TableRows table = sameRows.get(i);
                        int size = table.rows().size();
                        int from = (int) ((long) size * t / transactions);
                        int to = (int) ((long) size * (t + 1) / transactions);
                        if (from == to) {
                            continue;
                        }
                        PreparedStatement insert = inserts.get(i);
                        for (Object[] row : table.rows().subList(from, to)) {
                            for (int col = 0; col < row.length; col++) {
                                if (table.binary()[col]) {
                                    insert.setBytes(col + 1, (byte[]) row[col]);
                                } else {
                                    insert.setObject(col + 1, row[col], Types.OTHER);
                                }
                            }
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                    c.commit();
                }
                return since(start);
            } finally {
                for (PreparedStatement insert : inserts) {
                    insert.close();
                }
                c.setAutoCommit(true);
            }
        }
    }

    /** The rows each scratch copy holds, by source table (as {@link #rowCounts} names it). */
    public Map<String, Long> sameRowsCopied() throws SQLException {
        Map<String, Long> copied = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (TableRows table : sameRows) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.scratch())) {
                    rs.next();
                    copied.put(table.key(), rs.getLong(1));
                }
            }
        }
        return copied;
    }

    public void dropSameRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + RAW_SCHEMA + " CASCADE");
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public void dropRawTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + RAW_TABLE);
        }
        rows.clear();
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
