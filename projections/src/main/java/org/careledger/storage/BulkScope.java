package org.careledger.storage;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How the projections' handlers write, so that the bulk write path (ADR 16) can group their statements into JDBC
 * batches without a second implementation of any projection. Outside a scope every write runs at once, exactly as
 * before. Inside one (opened by the bulk writer around one <em>run</em>: events of a single type, each patient's in
 * stream order, and no two of them about the same row except in stream order) writes are collected per statement
 * text, in the order each text was first seen, and {@link #flush() flushed} as one batch per text, each batch in
 * the order its writes were made. That reordering is safe for such a run: a handler's statements for one event
 * depend only on rows written by earlier runs, or by earlier events of the same run through the same statement
 * text (e.g. an entry's history sequence), which run in order.
 * <p>
 * Inside a scope, a handler's write reports one row changed (the events of a bulk write are new, so their keyed
 * inserts do insert), and per-event lookups the scope can answer once for the whole run are memoised.
 */
public final class BulkScope {

    private static final ThreadLocal<BulkScope> CURRENT = new ThreadLocal<>();

    private final JdbcTemplate jdbc;
    /** Pending writes per statement text, in first-seen order: lists of argument rows. */
    private final Map<String, List<Object[]>> pending = new LinkedHashMap<>();
    private final Map<String, Object> memo = new HashMap<>();
    private long statements;

    private BulkScope(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens a scope on this thread; close it with {@link #close()} (after a last {@link #flush()}). */
    public static BulkScope open(JdbcTemplate jdbc) {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a bulk scope is already open on this thread");
        }
        BulkScope scope = new BulkScope(jdbc);
        CURRENT.set(scope);
        return scope;
    }

    public static boolean active() {
        return CURRENT.get() != null;
    }

    /**
     * A write: batched inside a scope; outside one, queued in the unit of work's {@link WritePipeline} when one is
     * open, run now otherwise. Returns the rows changed (1 when batched or queued).
     */
    public static int update(JdbcTemplate jdbc, String sql, Object... args) {
        BulkScope scope = CURRENT.get();
        if (scope == null) {
            // a command's or a read's unit of work: queued for its one round trip before commit (ADR 41)
            return WritePipeline.queue(sql, args) ? 1 : jdbc.update(sql, args);
        }
        scope.pending.computeIfAbsent(sql, s -> new ArrayList<>()).add(args);
        return 1;
    }

    /**
     * A value computed once per scope under {@code key} (e.g. the audit generations a write goes to, or a lock taken
     * for the whole transaction); outside a scope computed every time.
     */
    @SuppressWarnings("unchecked")
    public static <T> T once(String key, Supplier<T> compute) {
        BulkScope scope = CURRENT.get();
        if (scope == null) {
            return compute.get();
        }
        return (T) scope.memo.computeIfAbsent(key, k -> compute.get());
    }

    /** A memoised value of this scope, or null: for lookups the bulk writer answers in advance. */
    @SuppressWarnings("unchecked")
    public static <T> T memoised(String key) {
        BulkScope scope = CURRENT.get();
        return scope == null ? null : (T) scope.memo.get(key);
    }

    /** Puts a value the handlers will ask for (see {@link #memoised}). */
    public void remember(String key, Object value) {
        memo.put(key, value);
    }

    /** A SQL array parameter, created on the connection that runs the statement (usable in batches). */
    public static SqlTypeValue array(String elementType, Object[] elements) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Object createTypeValue(Connection con, int sqlType, String typeName) throws SQLException {
                return con.createArrayOf(elementType, elements);
            }
        };
    }

    /**
     * Runs what was collected, texts in first-seen order: a plain insert (no ON CONFLICT, or ON CONFLICT DO NOTHING)
     * as multi-row INSERTs of {@value #ROWS_PER_INSERT} rows (one statement for many rows: the server starts its
     * executor once per statement, not per row), other statements as one JDBC batch per text.
     * Upserts stay row by row: a multi-row {@code DO UPDATE} may not touch a row twice, and a run may (which is also
     * why the driver's own {@code reWriteBatchedInserts} stays off).
     */
    public void flush() {
        for (Map.Entry<String, List<Object[]>> write : pending.entrySet()) {
            String sql = write.getKey();
            List<Object[]> rows = write.getValue();
            MultiRowInsert multi = rows.size() >= ROWS_PER_INSERT ? MultiRowInsert.of(sql) : null;
            int from = 0;
            if (multi != null) {
                String statement = multi.sql(ROWS_PER_INSERT);
                for (; from + ROWS_PER_INSERT <= rows.size(); from += ROWS_PER_INSERT) {
                    List<Object> args = new ArrayList<>(ROWS_PER_INSERT * rows.get(from).length);
                    for (Object[] row : rows.subList(from, from + ROWS_PER_INSERT)) {
                        args.addAll(java.util.Arrays.asList(row));
                    }
                    jdbc.update(statement, args.toArray());
                    statements++;
                }
            }
            if (from < rows.size()) {
                jdbc.batchUpdate(sql, from == 0 ? rows : rows.subList(from, rows.size()));
                statements += rows.size() - from;
            }
        }
        pending.clear();
    }

    /** Rows per multi-row INSERT: large enough to amortise a statement, small enough to stay a cached plan. */
    static final int ROWS_PER_INSERT = 128;

    /** {@code INSERT INTO t (cols) VALUES (tuple) [ON CONFLICT (key) DO NOTHING]}, with the tuple repeatable. */
    record MultiRowInsert(String head, String tuple, String tail) {

        private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile(
                "(?is)^(\\s*INSERT\\s+INTO\\s+[\\w.]+\\s*\\([^()]*\\)\\s*VALUES\\s*)(\\([^()]*\\))"
                        + "(\\s*(ON\\s+CONFLICT\\s*\\([^()]*\\)\\s*DO\\s+NOTHING)?\\s*)$");
        private static final Map<String, Optional<MultiRowInsert>> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

        /** The statement as a repeatable insert, or null when it is anything else (an upsert, a SELECT, ...). */
        static MultiRowInsert of(String sql) {
            return PARSED.computeIfAbsent(sql, text -> {
                java.util.regex.Matcher m = SHAPE.matcher(text);
                return m.matches() ? Optional.of(new MultiRowInsert(m.group(1), m.group(2), m.group(3)))
                        : Optional.empty();
            }).orElse(null);
        }

        String sql(int rows) {
            StringBuilder sql = new StringBuilder(head.length() + rows * (tuple.length() + 2) + tail.length());
            sql.append(head);
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ", ").append(tuple);
            }
            return sql.append(tail).toString();
        }
    }

    /** Statements flushed so far. */
    public long statements() {
        return statements;
    }

    /**
     * Orders the events of many independent queues (one per patient, or per aggregate) into runs of one event type,
     * keeping each queue's order: at each step the type at the head of most queues is taken from every queue that
     * starts with it, as many as follow in a row. Queues touch different rows, so any interleaving of them is
     * equivalent to writing them one after another; within a run the same type's handlers run back to back.
     */
    public static <M> List<List<M>> runs(List<List<M>> queues, java.util.function.Function<M, Object> typeOf) {
        int n = queues.size();
        int[] next = new int[n];
        List<List<M>> runs = new ArrayList<>();
        while (true) {
            Map<Object, Integer> heads = new HashMap<>();
            for (int i = 0; i < n; i++) {
                List<M> queue = queues.get(i);
                if (next[i] < queue.size()) {
                    heads.merge(typeOf.apply(queue.get(next[i])), 1, Integer::sum);
                }
            }
            if (heads.isEmpty()) {
                return runs;
            }
            Object type = heads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<M> run = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<M> queue = queues.get(i);
                while (next[i] < queue.size() && typeOf.apply(queue.get(next[i])).equals(type)) {
                    run.add(queue.get(next[i]++));
                }
            }
            runs.add(run);
        }
    }

    /** Closes the scope; anything not flushed is dropped (the caller's transaction is failing). */
    public void close() {
        pending.clear();
        CURRENT.remove();
    }
}
