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

    /** A write: batched inside a scope, run now outside one. Returns the rows changed (1 when batched). */
    public static int update(JdbcTemplate jdbc, String sql, Object... args) {
        BulkScope scope = CURRENT.get();
        if (scope == null) {
            return jdbc.update(sql, args);
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

    /** Runs what was collected: one JDBC batch per statement text, texts in first-seen order. */
    public void flush() {
        for (Map.Entry<String, List<Object[]>> batch : pending.entrySet()) {
            jdbc.batchUpdate(batch.getKey(), batch.getValue());
            statements += batch.getValue().size();
        }
        pending.clear();
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
