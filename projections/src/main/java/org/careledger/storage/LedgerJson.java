package org.careledger.storage;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.KeyDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Instant;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one JSON configuration of the ledger: how events, metadata, tokens and snapshots are written to
 * PostgreSQL. Changing it changes stored data, so it lives in one place.
 * <ul>
 *     <li>java.time as ISO-8601 strings, never numeric timestamps;</li>
 *     <li>single-value id records of {@code org.careledger.shared} ({@code NhsNumber}, {@code OdsCode},
 *     {@code UserId}, ... : any record there with exactly one component named {@code value} of type String or
 *     UUID) as plain JSON strings, read back through their canonical constructors (so validation runs);</li>
 *     <li>unknown properties are ignored, so an older reader survives a newer event with an added field;</li>
 *     <li>an entry's migration provenance ({@code EntryContent.codings}, {@code EntryContent.source}) is written
 *     only when present: entries written in CareLedger are stored exactly as before those fields existed, and
 *     revision-1 JSON without them reads as "no source" (docs/events.md, EntryContentContractTest).</li>
 * </ul>
 * {@link #snapshotMapper()} additionally reads and writes objects by their fields (any visibility) and ignores
 * getters: aggregates have a no-arg constructor and private fields, and their snapshot is their exact state.
 */
public final class LedgerJson {

    static final String ID_PACKAGE = "org.careledger.shared";

    private LedgerJson() {
    }

    /** The mapper for events, messages and tokens. */
    public static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(new JavaTimeModule());
        mapper.registerModule(new SimpleModule("careledger-instants").addDeserializer(Instant.class,
                new FastInstantDeserializer()));
        mapper.registerModule(idModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        // Measured values keep their precision: 152.0 mm[Hg] is not 152 mm[Hg]. Decimals are written as written and
        // read back as BigDecimal with the same scale, in trees too.
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        mapper.setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
        mapper.addMixIn(org.careledger.record.EntryContent.class, EntryContentProvenance.class);
        return mapper;
    }

    /**
     * Reads the instants this mapper writes ({@code 2026-03-01T09:30:00.123Z}: ISO-8601, UTC, 0–9 fraction digits)
     * with plain arithmetic, and anything else through Jackson's own {@code InstantDeserializer}. Jackson's parses
     * every instant through a {@code DateTimeFormatter}, which was ~8 % of the bulk write path's CPU (every event
     * carries at least one instant and the read-back check reads each back; docs/benchmarks.md).
     * {@code LedgerJsonTest} checks both read the same instant.
     */
    static final class FastInstantDeserializer
            extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<Instant> {

        FastInstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p,
                                   DeserializationContext context) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                Instant fast = parse(p.getText());
                if (fast != null) {
                    return fast;
                }
            }
            return com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer.INSTANT.deserialize(p, context);
        }

        /** The instant, or null when the text is not in the canonical form (then Jackson's parser decides). */
        static Instant parse(String t) {
            int n = t.length();
            if (n < 20 || n > 30 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                    || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(n - 1) != 'Z') {
                return null;
            }
            int year = digits(t, 0, 4);
            int month = digits(t, 5, 7);
            int day = digits(t, 8, 10);
            int hour = digits(t, 11, 13);
            int minute = digits(t, 14, 16);
            int second = digits(t, 17, 19);
            if (year < 1 || month < 1 || month > 12 || day < 1
                    || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                    || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
                return null;
            }
            int nanos = 0;
            if (n > 20) {
                int fraction = n - 21;
                if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                    return null;
                }
                nanos = digits(t, 20, n - 1);
                if (nanos < 0) {
                    return null;
                }
                for (int i = fraction; i < 9; i++) {
                    nanos *= 10;
                }
            } else if (t.charAt(19) != 'Z') {
                return null;
            }
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
        }

        /** The decimal number in t[from, to), or -1 (so every range check above fails) if a char is not a digit. */
        private static int digits(String t, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }
    }

    /** Omits an entry's migration provenance when there is none (entries written in CareLedger). */
    abstract static class EntryContentProvenance {
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        abstract java.util.List<org.careledger.record.SourceCoding> codings();

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        abstract org.careledger.record.SourceReference source();
    }

    /** The mapper for aggregate snapshots: the same, but objects are their fields (any visibility), no getters. */
    public static ObjectMapper snapshotMapper() {
        ObjectMapper mapper = mapper();
        mapper.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        mapper.setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY);
        return mapper;
    }

    /** True for the single-value id records written as plain strings. */
    public static boolean isIdRecord(Class<?> type) {
        return IdType.of(type) != null;
    }

    /** A Jackson module writing the id records of {@code org.careledger.shared} as plain strings. */
    public static SimpleModule idModule() {
        SimpleModule module = new SimpleModule("careledger-ids") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addSerializers(new IdSerializers(false));
                context.addKeySerializers(new IdSerializers(true));
                context.addDeserializers(new IdDeserializers());
                context.addKeyDeserializers(new IdKeyDeserializers());
            }
        };
        return module;
    }

    /** How one id record type maps to and from its single string or UUID component. */
    private record IdType(Class<?> type, Method accessor, Constructor<?> constructor, boolean uuid) {

        private static final Map<Class<?>, java.util.Optional<IdType>> CACHE = new ConcurrentHashMap<>();

        static IdType of(Class<?> type) {
            if (type == null || !type.isRecord() || !ID_PACKAGE.equals(type.getPackageName())) {
                return null;
            }
            return CACHE.computeIfAbsent(type, IdType::inspect).orElse(null);
        }

        private static java.util.Optional<IdType> inspect(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components.length != 1 || !"value".equals(components[0].getName())) {
                return java.util.Optional.empty();
            }
            Class<?> valueType = components[0].getType();
            if (valueType != String.class && valueType != UUID.class) {
                return java.util.Optional.empty();
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(valueType);
                constructor.setAccessible(true);
                Method accessor = components[0].getAccessor();
                accessor.setAccessible(true);
                return java.util.Optional.of(new IdType(type, accessor, constructor, valueType == UUID.class));
            } catch (NoSuchMethodException e) {
                return java.util.Optional.empty();
            }
        }

        String write(Object id) {
            try {
                return String.valueOf(accessor.invoke(id));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + type.getSimpleName(), e);
            }
        }

        Object read(String text) throws InvocationTargetException {
            try {
                return constructor.newInstance(uuid ? UUID.fromString(text) : text);
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalStateException("cannot create " + type.getSimpleName(), e);
            }
        }
    }

    private static final class IdSerializer extends StdSerializer<Object> {
        private final IdType id;

        IdSerializer(IdType id) {
            super(Object.class);
            this.id = id;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(id.write(value));
        }
    }

    private static final class IdKeySerializer extends StdSerializer<Object> {
        private final IdType id;

        IdKeySerializer(IdType id) {
            super(Object.class);
            this.id = id;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeFieldName(id.write(value));
        }
    }

    private static final class IdSerializers extends Serializers.Base {
        private final boolean keys;

        IdSerializers(boolean keys) {
            this.keys = keys;
        }

        @Override
        public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            IdType id = IdType.of(type.getRawClass());
            if (id == null) {
                return null;
            }
            return keys ? new IdKeySerializer(id) : new IdSerializer(id);
        }
    }

    private static final class IdDeserializer extends JsonDeserializer<Object> {
        private final IdType id;

        IdDeserializer(IdType id) {
            this.id = id;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return ctxt.handleUnexpectedToken(id.type(), p);
            }
            return read(id, p.getText(), ctxt);
        }
    }

    private static Object read(IdType id, String text, DeserializationContext ctxt) throws IOException {
        try {
            return id.read(text);
        } catch (InvocationTargetException e) {
            // the canonical constructor refused the value (e.g. a bad NHS number); the message names no content
            return ctxt.handleWeirdStringValue(id.type(), text, "refused by %s: %s", id.type().getSimpleName(),
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
        } catch (IllegalArgumentException e) {
            return ctxt.handleWeirdStringValue(id.type(), text, "not a UUID");
        }
    }

    private static final class IdDeserializers extends Deserializers.Base {
        @Override
        public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config,
                                                        BeanDescription beanDesc) {
            IdType id = IdType.of(type.getRawClass());
            return id == null ? null : new IdDeserializer(id);
        }
    }

    private static final class IdKeyDeserializers implements KeyDeserializers {
        @Override
        public KeyDeserializer findKeyDeserializer(JavaType type, DeserializationConfig config,
                                                   BeanDescription beanDesc) {
            IdType id = IdType.of(type.getRawClass());
            if (id == null) {
                return null;
            }
            return new KeyDeserializer() {
                @Override
                public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                    return read(id, key, ctxt);
                }
            };
        }
    }
}
