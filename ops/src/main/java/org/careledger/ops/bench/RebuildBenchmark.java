package org.careledger.ops.bench;

import org.careledger.views.ViewRebuild;
import org.careledger.views.ViewTables;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * View rebuild speed: {@link ViewRebuild#rebuild} (stream the ledger, deserialise, apply through the views
 * handlers into a fresh schema, swap) against a raw JDBC batch insert of the SAME view rows
 * (every row of every table ViewRebuild builds, same columns, into scratch tables of the same definitions, batches of
 * {@value #BATCH} rows with addBatch/executeBatch and a commit per batch, as the rebuild commits per
 * {@value #BATCH} events), in the same run on the same database. The baseline's rows are read into memory before
 * its clock starts; only the inserts are timed. A harness, not a test.
 */
public final class RebuildBenchmark {

    static final int BATCH = 1_000;
    static final String RAW_SCHEMA = "bench_raw_views";

    private final DataSource dataSource;
    private final ViewRebuild rebuild;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    public RebuildBenchmark(DataSource dataSource, ViewRebuild rebuild) {
        this.dataSource = dataSource;
        this.rebuild = rebuild;
    }

    /** One table's columns (name and SQL type) and, once loaded, its rows as text. */
    private record Table(String name, List<String> columns, List<String> types, List<String[]> rows) {
    }

    public record Result(String workload, long events, long rows, Duration took) {
        private double seconds() {
            return Math.max(1e-9, took.toNanos() / 1e9);
        }

        public double eventsPerSecond() {
            return events / seconds();
        }

        public double rowsPerSecond() {
            return rows / seconds();
        }
    }

    /** Events in the ledger and rows in the live views: what the rebuild replays and what it produces. */
    public long ledgerEvents() throws SQLException {
        return count("domain_event_entry");
    }

    public long viewRows() throws SQLException {
        long rows = 0;
        for (String table : ViewTables.TABLES) {
            rows += count("public." + table);
        }
        return rows;
    }

    /** The subject: a full rebuild and swap. Rows are counted after it, untimed. */
    public Result rebuild() throws SQLException {
        ViewRebuild.Result result = rebuild.rebuild(ViewRebuild.Progress.NONE);
        return new Result("rebuild", result.applied(), viewRows(), result.took());
    }

    /** Reads every row of every live view table into memory (as text, with each column's SQL type). */
    public long loadRows() throws SQLException {
        tables.clear();
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            for (String name : ViewTables.TABLES) {
                List<String> columns = new ArrayList<>();
                List<String> types = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
                        WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum""")) {
                    ps.setString(1, "public." + name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            columns.add(rs.getString(1));
                            types.add(rs.getString(2));
                        }
                    }
                }
                List<String[]> rows = new ArrayList<>();
                String select = "SELECT " + String.join(", ", columns.stream().map(col -> col + "::text").toList())
                        + " FROM public." + name;
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(5_000);
                    try (ResultSet rs = s.executeQuery(select)) {
                        while (rs.next()) {
                            String[] row = new String[columns.size()];
                            for (int i = 0; i < row.length; i++) {
                                row[i] = rs.getString(i + 1);
                            }
                            rows.add(row);
                        }
                    }
                }
                tables.put(name, new Table(name, columns, types, rows));
                total += rows.size();
            }
            c.commit();
        }
        return total;
    }

    /**
     * The baseline: a fresh scratch schema with tables defined as the rebuild defines its next schema (untimed), then
     * the loaded rows inserted into it in batches, a commit per batch (timed).
     */
    public Result rawInserts() throws SQLException {
        return rawInserts(false);
    }

    /**
     * The baseline with {@code multiRow}: the same rows as INSERTs of {@value #ROWS_PER_STATEMENT} rows each (what the
     * rebuild's bulk scope sends for plain inserts, ADR 16), a commit every {@value #BATCH} rows or so; a stronger
     * baseline than single-row statements in a JDBC batch.
     */
    public Result rawInserts(boolean multiRow) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            createRawSchema(c);
            c.setAutoCommit(false);
            long rows = 0;
            long started = System.nanoTime();
            for (Table table : tables.values()) {
                StringBuilder tuple = new StringBuilder("(");
                for (int i = 0; i < table.types().size(); i++) {
                    tuple.append(i == 0 ? "" : ", ").append("?::").append(table.types().get(i));
                }
                tuple.append(')');
                String head = "INSERT INTO " + RAW_SCHEMA + "." + table.name() + " ("
                        + String.join(", ", table.columns()) + ") VALUES ";
                int perStatement = multiRow ? ROWS_PER_STATEMENT : 1;
                String multi = head + String.join(", ", java.util.Collections.nCopies(perStatement, tuple));
                List<String[]> all = table.rows();
                int fullRows = all.size() - all.size() % perStatement;
                int sinceCommit = 0;
                try (PreparedStatement insert = c.prepareStatement(multi)) {
                    for (int from = 0; from < fullRows; from += perStatement) {
                        int p = 1;
                        for (String[] row : all.subList(from, from + perStatement)) {
                            for (String value : row) {
                                insert.setString(p++, value);
                            }
                        }
                        if (multiRow) {
                            insert.executeUpdate();
                        } else {
                            insert.addBatch();
                        }
                        rows += perStatement;
                        sinceCommit += perStatement;
                        if (sinceCommit >= BATCH) {
                            if (!multiRow) {
                                insert.executeBatch();
                            }
                            c.commit();
                            sinceCommit = 0;
                        }
                    }
                    if (!multiRow && sinceCommit > 0) {
                        insert.executeBatch();
                    }
                }
                if (fullRows < all.size()) {
                    try (PreparedStatement insert = c.prepareStatement(head + tuple)) {
                        for (String[] row : all.subList(fullRows, all.size())) {
                            for (int i = 0; i < row.length; i++) {
                                insert.setString(i + 1, row[i]);
                            }
                            insert.addBatch();
                            rows++;
                        }
                        insert.executeBatch();
                    }
                }
                c.commit();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            c.setAutoCommit(true);
            return new Result(multiRow ? "raw multi-row INSERT" : "raw batch INSERT", 0, rows, took);
        }
    }

    public static final int ROWS_PER_STATEMENT = 128;

    /** Drops the scratch schema (the baseline's tables) so the database is left as the ledger made it. */
    public void dropRawSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + RAW_SCHEMA + " CASCADE");
        }
    }

    /** The same empty view tables a rebuild builds into (ViewTables.createEmptyCopyIn), in the baseline's schema. */
    private static void createRawSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : ViewTables.createEmptyCopyIn(RAW_SCHEMA)) {
                s.execute(ddl);
            }
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server settings that decide what a commit costs, to print beside the figures. */
    public String durabilitySettings() throws SQLException {
        StringBuilder settings = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method",
                    "full_page_writes")) {
                try (ResultSet rs = s.executeQuery("show " + name)) {
                    rs.next();
                    settings.append(settings.isEmpty() ? "" : ", ").append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return settings.toString();
    }
}
