package org.careledger.views;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.UnknownSerializedType;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.PolicyVersionActivated;
import org.careledger.storage.BulkScope;
import org.careledger.storage.PlannerStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Rebuilds the sharing state and the entries from the ledger, and swaps them in atomically: after restoring a
 * database, when the views' migration found events already in the ledger, or with {@code careledger replay}. A policy
 * activation needs none: the role views are computed from the entries and the sections in force (ADR 27).
 * <p>
 * A rebuild first records {@code view_build.needs_rebuild = true} (committed) and clears it in the swap, so a node
 * stopped in the middle leaves the flag set and the next start ({@link ViewsStartup}) redoes the rebuild. Rebuilds
 * are serialised across nodes by a session advisory lock ({@link #REBUILD_LOCK}) held for the whole rebuild.
 * <p>
 * How:
 * <ol>
 *     <li>create schema {@code views_next} with empty copies of the view tables;</li>
 *     <li>stream the ledger ({@code domain_event_entry}) in global-index order, in batches of one transaction each,
 *     deserialised with the event serializer, through the very {@link ViewsProjection} handlers (an
 *     {@link AnnotationEventHandlerAdapter} over the bean) with {@code search_path = views_next, public}: one
 *     implementation, two targets. Indexes skipped on the way (transactions still open, or rolled back) are
 *     remembered and looked at again, as a gap-aware tracking token would;</li>
 *     <li>swap, in one transaction: take the views write gate exclusively (writers wait before touching any view
 *     table), lock the live tables ACCESS EXCLUSIVE in the readers' lock order (readers in flight finish first,
 *     later ones wait), apply the events committed since, drop the role views and the live tables, move the new
 *     tables into {@code public} and make the role views again from their definitions. PostgreSQL DDL is
 *     transactional, so a reader sees the old views or the new ones, never a half-built one; a command blocked at
 *     the gate resumes against the new tables.</li>
 * </ol>
 * One rebuild at a time per process ({@code synchronized}) and per database ({@link #REBUILD_LOCK}); the swap holds
 * writers only for the final catch-up.
 * Upcasters are not applied (none exist yet); events of unknown types are skipped.
 */
@Component
public class ViewRebuild {

    private static final Logger log = LoggerFactory.getLogger(ViewRebuild.class);
    private static final int BATCH = 5_000;
    /** Catch up outside the swap until fewer than this many events remain, so the swap holds writers briefly. */
    private static final int SWAP_LAG = 200;
    /** Key of the session advisory lock a rebuild holds from start to swap, so two nodes never build at once. */
    public static final long REBUILD_LOCK = 0x436c5662L; // "ClVb"

    /** Progress callback: events applied so far of the ledger's size when the rebuild started. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long done, long total);
    }

    public record Result(long events, long applied, boolean swapped, Duration took) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Serializer serializer;
    private final ViewsProjection projection;
    private final AnnotationEventHandlerAdapter handlers;
    private final LedgerPolicy policy;
    private final PlannerStatistics statistics;

    public ViewRebuild(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                       @Qualifier("eventSerializer") Serializer serializer, ViewsProjection projection,
                       LedgerPolicy policy, PlannerStatistics statistics) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.serializer = serializer;
        this.projection = projection;
        this.handlers = new AnnotationEventHandlerAdapter(projection);
        this.policy = policy;
        this.statistics = statistics;
    }

    /** Rebuilds every view from the ledger and swaps the new tables in. */
    public synchronized Result rebuild(Progress progress) {
        return underRebuildLock(() -> rebuildNow(progress));
    }

    /**
     * Rebuilds when {@code view_build.needs_rebuild} is set (the views' migration found events, or a rebuild was
     * stopped before its swap), checked under the rebuild lock so a rebuild another node just finished is not
     * repeated; empty when nothing was needed.
     */
    public synchronized Optional<Result> rebuildIfNeeded(Progress progress) {
        return underRebuildLock(() -> needsRebuild() ? Optional.of(rebuildNow(progress)) : Optional.empty());
    }

    /** Whether the views are marked as behind the ledger ({@code view_build.needs_rebuild}). */
    public boolean needsRebuild() {
        return Boolean.TRUE.equals(transactions.execute(s -> jdbc.queryForObject(
                "SELECT needs_rebuild FROM view_build WHERE id = 1", Boolean.class)));
    }

    private Result rebuildNow(Progress progress) {
        long started = System.nanoTime();
        // committed before any work: if this node stops before the swap, the next start sees the flag and redoes it
        transactions.executeWithoutResult(s -> jdbc.update("UPDATE view_build SET needs_rebuild = true WHERE id = 1"));
        Position position = buildNext(progress);
        transactions.executeWithoutResult(status -> swap(position));
        policy.refresh();
        Result result = new Result(position.total, position.applied, true, Duration.ofNanos(System.nanoTime() - started));
        log.info("views rebuilt: {} events applied in {} ms", result.applied(), result.took().toMillis());
        return result;
    }

    private <T> T underRebuildLock(Supplier<T> work) {
        DataSource dataSource = jdbc.getDataSource();
        if (dataSource == null) {
            throw new IllegalStateException("views rebuild needs a data source");
        }
        try (Connection lock = dataSource.getConnection()) {
            // waiting for another node's rebuild may take longer than the pool's statement bound: lift it for
            // this wait only (SET LOCAL); the session lock outlives the transaction
            lock.setAutoCommit(false);
            try (var st = lock.createStatement()) {
                st.execute("SET LOCAL statement_timeout = 0");
                st.execute("SELECT pg_advisory_lock(" + REBUILD_LOCK + ")");
            }
            lock.commit();
            lock.setAutoCommit(true);
            try {
                return work.get();
            } finally {
                try (var ps = lock.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, REBUILD_LOCK);
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("views rebuild lock: " + e.getMessage(), e);
        }
    }

    /**
     * Builds the next views in schema {@code views_next} and leaves them there, unswapped: for comparing them with
     * the live views (tests, checks). A later {@link #rebuild} replaces the schema.
     */
    public synchronized Result buildNextOnly(Progress progress) {
        long started = System.nanoTime();
        Position position = buildNext(progress);
        return new Result(position.total, position.applied, false, Duration.ofNanos(System.nanoTime() - started));
    }

    private Position buildNext(Progress progress) {
        Position position = new Position();
        position.total = transactions.execute(s -> jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry", Long.class));
        progress.update(0, position.total);
        transactions.executeWithoutResult(s -> createNextSchema());
        while (true) {
            int applied = inNext(() -> applyBatch(position, false));
            statistics.refreshGrownTables(); // the next schema's tables start empty: see PlannerStatistics
            progress.update(position.applied, Math.max(position.total, position.applied));
            if (applied == 0) {
                break;
            }
        }
        // events committed late into the gaps, or after the bulk pass: catch up until little is left for the swap
        for (int round = 0; round < 10; round++) {
            int applied = inNext(() -> applyBatch(position, true));
            if (applied < SWAP_LAG) {
                break;
            }
        }
        progress.update(position.applied, Math.max(position.total, position.applied));
        return position;
    }

    private void swap(Position position) {
        jdbc.update("SET LOCAL statement_timeout = '10min'");
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", ViewTables.WRITE_GATE);
        jdbc.update("LOCK TABLE " + String.join(", ", ViewTables.TABLES.stream().map(t -> "public." + t).toList())
                + " IN ACCESS EXCLUSIVE MODE");
        jdbc.update("SET LOCAL search_path = " + ViewTables.NEXT_SCHEMA + ", public");
        while (applyBatch(position, true) > 0) {
            // catch up with everything committed before the gate closed
        }
        jdbc.update("SET LOCAL search_path = public");
        // the role views (V80) read the tables being replaced: dropped first, made again from their own
        // definitions afterwards, so the migration stays the one place that defines them
        List<Map<String, Object>> roleViews = jdbc.queryForList("""
                SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'v' AND (c.relname = ? OR c.relname LIKE ?)
                ORDER BY c.relname <> ?, c.relname""", ViewTables.ROLE_VIEW, ViewTables.ROLE_VIEW + "\\_%",
                ViewTables.ROLE_VIEW);
        jdbc.update("DROP VIEW IF EXISTS public." + ViewTables.ROLE_VIEW + " CASCADE");
        for (String table : ViewTables.TABLES) {
            jdbc.update("DROP TABLE public." + table);
        }
        for (String table : ViewTables.TABLES) {
            jdbc.update("ALTER TABLE " + ViewTables.NEXT_SCHEMA + "." + table + " SET SCHEMA public");
        }
        for (Map<String, Object> view : roleViews) {
            jdbc.update("CREATE VIEW public." + view.get("name") + " AS " + view.get("definition"));
        }
        jdbc.update("DROP SCHEMA " + ViewTables.NEXT_SCHEMA);
        jdbc.update("UPDATE view_build SET needs_rebuild = false, rebuilt_at = now(), events = ?", position.applied);
    }

    private int inNext(java.util.function.IntSupplier work) {
        Integer n = transactions.execute(status -> {
            jdbc.update("SET LOCAL search_path = " + ViewTables.NEXT_SCHEMA + ", public");
            jdbc.update("SET LOCAL statement_timeout = '10min'");
            return work.getAsInt();
        });
        return n == null ? 0 : n;
    }

    private void createNextSchema() {
        ViewTables.createEmptyCopyIn(ViewTables.NEXT_SCHEMA).forEach(jdbc::update);
    }

    /**
     * Applies the next batch of committed events the position has not seen: those above its highest index and
     * those in the gaps it skipped. Returns how many it applied.
     */
    private int applyBatch(Position position, boolean includeGaps) {
        List<Row> rows = new ArrayList<>();
        Long[] gaps = includeGaps ? position.gaps.toArray(Long[]::new) : new Long[0];
        jdbc.query(con -> {
            var ps = con.prepareStatement("""
                    SELECT global_index, event_identifier, payload_type, payload_revision, payload, time_stamp,
                           aggregate_identifier
                    FROM domain_event_entry WHERE global_index > ? OR global_index = ANY (?)
                    ORDER BY global_index LIMIT ?""");
            ps.setLong(1, position.max);
            ps.setArray(2, con.createArrayOf("bigint", gaps));
            ps.setInt(3, BATCH);
            return ps;
        }, rs -> {
            rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5),
                    rs.getString(6), rs.getString(7)));
        });
        for (Row row : rows) {
            if (row.index > position.max) {
                for (long missing = position.max + 1; missing < row.index; missing++) {
                    position.gaps.add(missing);
                }
                position.max = row.index;
            } else {
                position.gaps.remove(row.index);
            }
        }
        // the batched machinery of the bulk write path (ADR 16): runs of one event type, each aggregate's events in
        // order, the handlers' writes sent as JDBC batches; a policy activation stands alone between runs
        BulkScope scope = BulkScope.open(jdbc);
        try {
            List<Row> segment = new ArrayList<>();
            for (Row row : rows) {
                if (row.type.endsWith("." + PolicyVersionActivated.class.getSimpleName())) {
                    applyInRuns(segment, position, scope);
                    segment.clear();
                    applyInRuns(List.of(row), position, scope);
                } else {
                    segment.add(row);
                }
            }
            applyInRuns(segment, position, scope);
        } finally {
            scope.close();
        }
        return rows.size();
    }

    private void applyInRuns(List<Row> rows, Position position, BulkScope scope) {
        Map<String, List<Row>> byAggregate = new LinkedHashMap<>();
        for (Row row : rows) {
            byAggregate.computeIfAbsent(row.aggregate == null ? row.eventId : row.aggregate, k -> new ArrayList<>())
                    .add(row);
        }
        for (List<Row> run : BulkScope.runs(new ArrayList<>(byAggregate.values()), row -> row.type)) {
            for (Row row : run) {
                apply(row, position);
            }
            scope.flush();
        }
    }

    private void apply(Row row, Position position) {
        SerializedType type = new SimpleSerializedObject<>(row.payload, byte[].class, row.type, row.revision).getType();
        if (UnknownSerializedType.class.equals(serializer.classForType(type))) {
            log.warn("views rebuild: event {} of unknown type skipped", row.eventId);
            return;
        }
        Object payload = serializer.deserialize(
                new SimpleSerializedObject<>(row.payload, byte[].class, row.type, row.revision));
        EventMessage<?> message = new GenericEventMessage<>(row.eventId, payload, MetaData.emptyInstance(),
                DateTimeUtils.parseInstant(row.timestamp));
        position.applied++;
        if (!handlers.canHandle(message)) {
            return;
        }
        try {
            handlers.handle(message);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("views rebuild failed at event " + row.eventId, e);
        }
    }

    private record Row(long index, String eventId, String type, String revision, byte[] payload, String timestamp,
                       String aggregate) {
    }

    private static final class Position {
        long total;
        long max = 0;
        long applied;
        final TreeSet<Long> gaps = new TreeSet<>();
    }
}
