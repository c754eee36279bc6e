package org.careledger.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.List;
import java.util.Set;
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
        try {
            stored = serialize.get();
        } catch (RuntimeException e) {
            throw new UnreadableEvent("a " + type + " could not be written as JSON that reads back; nothing was stored",
                    e);
        }
        try {
            walk(stored.getData(), type);
        } catch (IOException e) {
            throw new UnreadableEvent("a " + type + " was written as JSON that does not parse; nothing was stored", e);
        }
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

    /**
     * Checks every string (value and key) and decimal of the stored JSON as it streams past, without building a tree
     * of it (the tree cost a quarter of the bulk path's CPU, issue 9); the field path is only built for a refusal.
     * Floating-point numbers are read as decimals, as the serializer's mapper reads them
     * ({@code USE_BIG_DECIMAL_FOR_FLOATS}).
     */
    private void walk(byte[] stored, String type) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(stored)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME) {
                    String problem = Values.textProblem(parser.currentName());
                    if (problem != null) {
                        throw new Refusal(Refusal.Kind.INVALID_INPUT,
                                field(type, parser.getParsingContext().getParent()) + " has a key that " + problem);
                    }
                } else if (token == JsonToken.VALUE_STRING) {
                    String problem = Values.textProblem(parser.getText());
                    if (problem != null) {
                        throw new Refusal(Refusal.Kind.INVALID_INPUT,
                                field(type, parser.getParsingContext()) + " " + problem);
                    }
                } else if (token == JsonToken.VALUE_NUMBER_FLOAT && !Values.isCarried(parser.getDecimalValue())) {
                    throw new Refusal(Refusal.Kind.INVALID_INPUT, field(type, parser.getParsingContext())
                            + " must have at most " + Values.MAX_DIGITS + " significant digits and at most "
                            + Values.MAX_SCALE + " decimal places");
                }
            }
        }
    }

    /** "Type.field[2].inner": the path from the root down to the value at {@code context}. */
    private static String field(String type, JsonStreamContext context) {
        Deque<String> path = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            path.addFirst(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        return type + String.join("", path);
    }
}
