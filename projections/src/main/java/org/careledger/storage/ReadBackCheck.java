package org.careledger.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.careledger.shared.Refusal;
import org.careledger.shared.Values;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The ledger refuses to store what it cannot read back (ADR 9). Every event published to the event bus (commands'
 * events and the audit events of reads alike) is, before it is staged for commit:
 * <ol>
 *     <li>serialized with the event serializer the store and every reader use;</li>
 *     <li>read back with the same serializer's type resolution and Jackson mapper, and compared with the original:
 *     an event that does not read back equal (or reads back as another class) is an {@link UnreadableEvent};</li>
 *     <li>in the same pass over the stored JSON, every string, key and decimal is checked against the {@link Values}
 *     rules (text without control characters or unpaired surrogates, numbers every reader can carry): a breach is a
 *     {@link Refusal} of kind INVALID_INPUT naming the event type and field path, never the value.</li>
 * </ol>
 * Either exception aborts the unit of work, so the command (or read) fails and nothing is appended. Value objects
 * already refuse bad values where they are made (ADR 4); this is the net under every edge.
 */
@Component
public class ReadBackCheck implements MessageDispatchInterceptor<EventMessage<?>> {

    private final JacksonSerializer serializer;
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    @Autowired
    public ReadBackCheck(@Qualifier("eventSerializer") Serializer serializer, EventBus eventBus) {
        this(serializer);
        eventBus.registerDispatchInterceptor(this);
    }

    /** The check alone, not registered on any bus. */
    ReadBackCheck(Serializer serializer) {
        if (!(serializer instanceof JacksonSerializer jackson)) {
            throw new IllegalArgumentException("the read-back check reads with the event serializer's Jackson mapper; "
                    + "got a " + serializer.getClass().getName());
        }
        this.serializer = jackson;
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
        Class<?> storedType;
        try {
            storedType = serializer.classForType(stored.getType());
        } catch (RuntimeException e) {
            throw new UnreadableEvent("a " + type + " would be stored but could not be read back; nothing was stored",
                    e);
        }
        if (storedType != payload.getClass()) {
            throw new UnreadableEvent("a " + type + " would be stored under a type name that reads back as another "
                    + "class; nothing was stored", null);
        }
        ObjectReader reader = readers.computeIfAbsent(storedType, serializer.getObjectMapper()::readerFor);
        CheckingParser parser;
        try {
            parser = new CheckingParser(reader.createParser(stored.getData()), type);
        } catch (IOException e) {
            throw new UnreadableEvent("a " + type + " would be stored but could not be read back; nothing was stored",
                    e);
        }
        Object back;
        try (parser) {
            back = reader.readValue(parser);
            parser.drain();
        } catch (IOException | RuntimeException e) {
            if (parser.refusal != null) {
                throw parser.refusal;
            }
            if (e instanceof StreamReadException) {
                throw new UnreadableEvent("a " + type + " was written as JSON that does not parse; nothing was stored",
                        e);
            }
            throw new UnreadableEvent("a " + type + " would be stored but could not be read back; nothing was stored",
                    e);
        }
        if (!payload.equals(back)) {
            throw new UnreadableEvent("a " + type + " reads back different from what was written; nothing was stored",
                    null);
        }
    }

    /**
     * The stored JSON read back through a parser that checks every string (value and key) and decimal against the
     * {@link Values} rules as the deserializer reads it, so the bytes are parsed once, not once to check and once to
     * read back (the separate walk was 8.6 % of the bulk loader's CPU samples). Every way a deserializer advances a
     * parser goes through {@link #nextToken()}: {@link JsonParser}'s own {@code nextFieldName}, {@code nextTextValue}
     * and the like do so by default, and the two that {@link JsonParserDelegate} hands straight to the underlying
     * parser ({@link #nextValue()}, {@link #skipChildren()}) are overridden here (ReadBackCheckTest holds the list to
     * Jackson's). After the value, {@link #drain()} checks whatever the deserializer left unread. The first breach is
     * kept and parsing stops: a deserializer may wrap what a parser throws, so the caller rethrows the refusal itself.
     */
    static final class CheckingParser extends JsonParserDelegate {

        private final String type;
        Refusal refusal;

        CheckingParser(JsonParser parser, String type) {
            super(parser);
            this.type = type;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.FIELD_NAME) {
                String problem = Values.textProblem(delegate.currentName());
                if (problem != null) {
                    refuse(field(type, delegate.getParsingContext().getParent()) + " has a key that " + problem);
                }
            } else if (token == JsonToken.VALUE_STRING) {
                String problem = Values.textProblem(delegate.getText());
                if (problem != null) {
                    refuse(field(type, delegate.getParsingContext()) + " " + problem);
                }
            } else if (token == JsonToken.VALUE_NUMBER_FLOAT && !Values.isCarried(delegate.getDecimalValue())) {
                refuse(field(type, delegate.getParsingContext()) + " must have at most " + Values.MAX_DIGITS
                        + " significant digits and at most " + Values.MAX_SCALE + " decimal places");
            }
            return token;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken current = currentToken();
            if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken token = nextToken();
                if (token == null) {
                    return this;
                }
                if (token.isStructStart()) {
                    open++;
                } else if (token.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }

        /** Checks the tokens after the value, if any. */
        void drain() throws IOException {
            while (nextToken() != null) {
                // each token is checked as it passes
            }
        }

        private void refuse(String message) {
            refusal = new Refusal(Refusal.Kind.INVALID_INPUT, message);
            throw refusal;
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
