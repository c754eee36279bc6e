package org.careledger.audit.elasticsearch;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects the events of one processor batch and hands them over together just before the batch commits (its
 * token with it): one bulk request per batch, and if the request fails the batch rolls back and is retried from the
 * token. Each event carries its own global index, read from its ledger row: a tracking token's position is the
 * highest index it has seen, not the event's (ADR 10).
 */
final class LedgerBatch {

    /** One event of the batch: its id, its own global index (set at flush) and its payload. */
    record Pending(String eventId, Object payload) {
    }

    private LedgerBatch() {
    }

    /** Adds the event to the current batch of {@code owner}, registering {@code flush} once per batch. */
    static void add(Object owner, EventMessage<?> message, Consumer<List<Pending>> flush) {
        UnitOfWork<?> unit = CurrentUnitOfWork.get().root();
        String key = owner.getClass().getName() + ".batch";
        List<Pending> batch = unit.getOrComputeResource(key, k -> {
            List<Pending> created = new ArrayList<>();
            unit.onPrepareCommit(u -> flush.accept(created));
            return created;
        });
        batch.add(new Pending(message.getIdentifier(), message.getPayload()));
    }

    /** The global index of each event, from the ledger (one query per batch). */
    static Map<String, Long> globalIndexes(JdbcTemplate jdbc, List<Pending> batch) {
        Map<String, Long> indexes = new HashMap<>();
        String[] ids = batch.stream().map(Pending::eventId).distinct().toArray(String[]::new);
        jdbc.query(connection -> {
            var select = connection.prepareStatement(
                    "SELECT event_identifier, global_index FROM domain_event_entry WHERE event_identifier = ANY(?)");
            select.setArray(1, connection.createArrayOf("varchar", ids));
            return select;
        }, rs -> {
            indexes.put(rs.getString(1), rs.getLong(2));
        });
        for (String id : ids) {
            if (!indexes.containsKey(id)) {
                throw new IllegalStateException("search: event " + id + " is not in the ledger");
            }
        }
        return indexes;
    }
}
