package org.careledger.storage;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * A unit of work's view and trail writes sent to the database in one round trip (ADR 41). When a unit of work (a
 * command, an audited read) stages its events, this interceptor opens a pipeline on the thread: from then on the
 * in-transaction projections' {@link BulkScope#update} writes are queued, in the order they are made, instead of each
 * making its own round trip. After the event store has appended the events and every subscribing processor has
 * handled them, still in the unit of work's prepare-commit phase and so in its transaction, the queue goes to the
 * server as one statement list in one round trip, in order; an error in any of them fails the unit of work, which
 * rolls back as it would have. Nothing is reordered, so the writes do what they did one by one, as long as no
 * handler reads a row another queued write of the same unit of work makes: the same condition as the bulk path's
 * {@link BulkScope}, under which every projection's writes already run.
 * <p>
 * Not opened inside a bulk scope (the bulk path batches by statement text itself), nor for events published outside
 * a unit of work (they are handled at once).
 */
@Component
public class WritePipeline implements MessageDispatchInterceptor<EventMessage<?>> {

    private static final ThreadLocal<Queue> CURRENT = new ThreadLocal<>();

    private final JdbcTemplate jdbc;
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder statements = new LongAdder();

    @Autowired
    public WritePipeline(JdbcTemplate jdbc, EventBus eventBus) {
        this(jdbc);
        eventBus.registerDispatchInterceptor(this);
    }

    /** The pipeline alone, not registered on any bus. */
    WritePipeline(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The writes queued on this thread: statement texts and their arguments, in order. */
    static final class Queue {
        final List<String> statements = new ArrayList<>();
        final List<Object> arguments = new ArrayList<>();
    }

    @Override
    public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
        if (CurrentUnitOfWork.isStarted() && CURRENT.get() == null && !BulkScope.active()) {
            UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
            if (unitOfWork.phase() == UnitOfWork.Phase.PREPARE_COMMIT) {
                open(unitOfWork);
            }
        }
        return (index, message) -> message;
    }

    /**
     * Opens the thread's pipeline for the unit of work, which is preparing its commit: the flush is queued behind the
     * handlers of that phase already registered (the event bus's: append, then the subscribing processors), and the
     * pipeline is closed when the unit of work cleans up, committed or not.
     */
    private void open(UnitOfWork<?> unitOfWork) {
        Queue queue = new Queue();
        CURRENT.set(queue);
        unitOfWork.onPrepareCommit(u -> {
            try {
                flush(queue);
            } finally {
                CURRENT.remove();
            }
        });
        unitOfWork.onCleanup(u -> {
            if (CURRENT.get() == queue) {
                CURRENT.remove();
            }
        });
    }

    /** Queues a write when a pipeline is open on this thread; false when the caller is to run it now. */
    static boolean queue(String sql, Object[] args) {
        Queue queue = CURRENT.get();
        if (queue == null) {
            return false;
        }
        queue.statements.add(sql);
        queue.arguments.addAll(Arrays.asList(args));
        return true;
    }

    /** Whether a pipeline is open on this thread. */
    public static boolean open() {
        return CURRENT.get() != null;
    }

    /** Round trips the pipelines of this process have made (one per unit of work that wrote anything). */
    public long roundTrips() {
        return roundTrips.sum();
    }

    /** Writes those round trips carried. */
    public long statements() {
        return statements.sum();
    }

    /** Runs the queued writes in one round trip, in order (one alone as it is). */
    void flush(Queue queue) {
        if (queue.statements.isEmpty()) {
            return;
        }
        Object[] arguments = queue.arguments.toArray();
        roundTrips.increment();
        statements.add(queue.statements.size());
        if (queue.statements.size() == 1) {
            jdbc.update(queue.statements.get(0), arguments);
            return;
        }
        String sql = String.join(";\n", queue.statements);
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                new ArgumentPreparedStatementSetter(arguments).setValues(statement);
                boolean result = statement.execute();
                while (result || statement.getUpdateCount() != -1) {
                    result = statement.getMoreResults();
                }
            }
            return null;
        });
    }
}
