package org.careledger.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.careledger.shared.Refusal;
import org.careledger.shared.Values;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The ledger refuses to store what it cannot read back (ADR 9). Every event published to the event bus (commands'
 * events and the audit events of reads alike) is, before it is staged for commit:
 * <ol>
 *     <li>serialized with the event serializer the store and every reader use, and its JSON checked against the
 *     {@link Values} rules (text without control characters or unpaired surrogates, numbers every reader can
 *     carry): a breach is a {@link Refusal} of kind INVALID_INPUT naming the event type and field path, never the
 *     value;</li>
 *     <li>deserialized again with the same serializer and compared with the original: an event that does not read
 *     back equal is an {@link UnreadableEvent}.</li>
 * </ol>
 * Either exception aborts the unit of work, so the command (or read) fails and nothing is appended. Value objects
 * already refuse bad values where they are made (ADR 4); this is the net under every edge.
 */
@Component
public class ReadBackCheck implements MessageDispatchInterceptor<EventMessage<?>> {

    private final Serializer serializer;
    private final ObjectMapper json = LedgerJson.mapper();

    @Autowired
    public ReadBackCheck(@Qualifier("eventSerializer") Serializer serializer, EventBus eventBus) {
        this(serializer);
        eventBus.registerDispatchInterceptor(this);
    }

    /** The check alone, not registered on any bus. */
    ReadBackCheck(Serializer serializer) {
        this.serializer = serializer;
    }

    /** An event that would not read back as it was written; the message names the event type only. */
    public static final class UnreadableEvent extends RuntimeException {
        UnreadableEvent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
        Set<String> checked = BulkScope.memoised(ALREADY_CHECKED);
        return (index, message) -> {
            if (checked == null || !checked.contains(message.getIdentifier())) {
                check(message);
            }
            return message;
        };
    }

    /**
     * In a bulk scope: the ids of events the bulk writer has already checked (before deciding to store them), so
     * their publication does not check them a second time.
     */
    public static final String ALREADY_CHECKED = "read-back-already-checked";

    /**
     * Refuses the event unless its payload is stored within the rules and reads back equal. The payload is
     * serialized through the message, which keeps the bytes for the event store's append (same serializer): the
     * store then writes the very bytes checked here, and the payload is serialized once, not twice.
     */
    public void check(EventMessage<?> message) {
        check(message.getPayload(), () -> message.serializePayload(serializer, byte[].class));
    }

    /** Refuses the payload unless it is stored within the rules and reads back equal. */
    public void check(Object payload) {
        check(payload, () -> serializer.serialize(payload, byte[].class));
    }

    private void check(Object payload, java.util.function.Supplier<SerializedObject<byte[]>> serialize) {
        String type = payload.getClass().getSimpleName();
        SerializedObject<byte[]> stored;
        JsonNode tree;
        try {
            stored = serialize.get();
            tree = json.readTree(stored.getData());
        } catch (RuntimeException | IOException e) {
            throw new UnreadableEvent("a " + type + " could not be written as JSON that reads back; nothing was stored",
                    e);
        }
        walk(tree, new ArrayDeque<>(), type);
        Object back;
        try {
            back = serializer.deserialize(stored);
        } catch (RuntimeException e) {
            throw new UnreadableEvent("a " + type + " would be stored but could not be read back; nothing was stored",
                    e);
        }
        if (!payload.equals(back)) {
            throw new UnreadableEvent("a " + type + " reads back different from what was written; nothing was stored",
                    null);
        }
    }

    /** Checks every string (and key) and decimal in the tree; the field path is only built for a refusal. */
    private static void walk(JsonNode node, Deque<String> path, String type) {
        if (node.isTextual()) {
            String problem = Values.textProblem(node.textValue());
            if (problem != null) {
                throw new Refusal(Refusal.Kind.INVALID_INPUT, field(type, path) + " " + problem);
            }
        } else if (node.isBigDecimal() && !Values.isCarried(node.decimalValue())) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, field(type, path) + " must have at most "
                    + Values.MAX_DIGITS + " significant digits and at most " + Values.MAX_SCALE + " decimal places");
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String keyProblem = Values.textProblem(field.getKey());
                if (keyProblem != null) {
                    throw new Refusal(Refusal.Kind.INVALID_INPUT, field(type, path) + " has a key that " + keyProblem);
                }
                path.addLast(field.getKey());
                walk(field.getValue(), path, type);
                path.removeLast();
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.addLast("[" + i + "]");
                walk(node.get(i), path, type);
                path.removeLast();
            }
        }
    }

    private static String field(String type, Deque<String> path) {
        StringBuilder field = new StringBuilder(type);
        for (String step : path) {
            field.append(step.startsWith("[") ? "" : ".").append(step);
        }
        return field.toString();
    }
}
