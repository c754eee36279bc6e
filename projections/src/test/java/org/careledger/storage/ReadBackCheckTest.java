package org.careledger.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.Serializer;
import org.careledger.directory.StaffMemberRegistered;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The ledger refuses to store what it cannot read back: every event type round-trips through the stored
 * serialisation, and an event that would not (or that carries a value no reader can carry) is refused before
 * commit with nothing appended.
 */
class ReadBackCheckTest extends LedgerDatabaseTest {

    @Autowired
    ReadBackCheck check;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;
    @Autowired
    EventBus eventBus;
    @Autowired
    TransactionManager transactions;
    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void readable() {
        FailureProbe.UNREADABLE.set(false);
    }

    @TestFactory
    Stream<DynamicTest> everyEventTypeRoundTripsThroughTheStoredSerialisation() {
        return EventSamples.all().stream().map(event -> DynamicTest.dynamicTest(event.getClass().getSimpleName(), () -> {
            assertThatCode(() -> check.check(event)).doesNotThrowAnyException();
            Object back = eventSerializer.deserialize(eventSerializer.serialize(event, byte[].class));
            assertThat(back).isEqualTo(event);
        }));
    }

    @Test
    void anEventThatCannotBeReadBackIsRefusedAndNothingIsAppended() {
        long before = events();
        FailureProbe.UNREADABLE.set(true);
        Throwable thrown = catchThrowable(() -> publish(new FailureProbe.Probed("never stored")));
        Throwable unreadable = thrown;
        while (unreadable != null && !(unreadable instanceof ReadBackCheck.UnreadableEvent)) {
            unreadable = unreadable.getCause();
        }
        assertThat(unreadable).as("thrown: " + thrown).isNotNull();
        assertThat(unreadable.getMessage()).contains("Probed").contains("could not be read back")
                .doesNotContain("never stored");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void anEventReadingBackDifferentIsRefused() {
        // a lone surrogate has no UTF-8 form: written, it would come back as something else
        assertThatThrownBy(() -> check.check(new StaffMemberRegistered(Fixtures.gpAt(OdsCode.of("A81001")).user(),
                "Dr \uD800", Fixtures.gpAt(OdsCode.of("A81001")), Instant.now())))
                .isInstanceOfAny(Refusal.class, ReadBackCheck.UnreadableEvent.class);
    }

    @Test
    void aCommandWhoseEventCarriesAControlCharacterIsRefusedNamingTheFieldAndNothingIsAppended() {
        OdsCode organisation = OdsCode.of("C83" + String.format("%03d", (int) (Math.random() * 1000)));
        long before = events();
        assertThatThrownBy(() -> commands.sendAndWait(Fixtures.gpPractice(organisation, "Nul\u0000 Surgery")))
                .isInstanceOf(Refusal.class)
                .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.INVALID_INPUT))
                .hasMessageContaining("OrganisationRegistered.name").hasMessageContaining("control character");
        assertThat(events()).isEqualTo(before);
    }

    /** A nested payload for the field paths of refusals; refused before it would need to read back. */
    record Nested(String name, java.util.List<Inner> items, java.util.Map<String, String> labels,
                  java.math.BigDecimal amount) {
    }

    record Inner(String code, java.util.List<String> notes) {
    }

    @Test
    void aRefusalNamesTheFieldPathThroughObjectsArraysAndKeys() {
        ReadBackCheck alone = new ReadBackCheck(eventSerializer);
        java.util.List<Inner> items = java.util.List.of(new Inner("ok", java.util.List.of("fine")),
                new Inner("ok", java.util.List.of("fine", "bell\u0007")));
        assertThatThrownBy(() -> alone.check(new Nested("n", items, java.util.Map.of(), java.math.BigDecimal.ONE)))
                .isInstanceOf(Refusal.class).hasMessageStartingWith("Nested.items[1].notes[1] ")
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> alone.check(new Nested("tab\u0001", java.util.List.of(), java.util.Map.of(),
                java.math.BigDecimal.ONE))).isInstanceOf(Refusal.class).hasMessageStartingWith("Nested.name ");
        assertThatThrownBy(() -> alone.check(new Nested("n", java.util.List.of(), java.util.Map.of("k\u0002", "v"),
                java.math.BigDecimal.ONE))).isInstanceOf(Refusal.class)
                .hasMessageStartingWith("Nested.labels has a key that ");
        assertThatThrownBy(() -> alone.check(new Nested("n", java.util.List.of(), java.util.Map.of(),
                new java.math.BigDecimal("0.12345678901234567890123456789"))))
                .isInstanceOf(Refusal.class).hasMessageStartingWith("Nested.amount must have at most ");
        assertThatCode(() -> alone.check(new Nested("n", items.subList(0, 1), java.util.Map.of("k", "v"),
                new java.math.BigDecimal("12.5")))).doesNotThrowAnyException();
    }

    /** A payload whose JSON carries a property its reader does not read back (so the deserializer skips it). */
    record Derived(String name) {
        public Inner getExtra() {
            return new Inner("ok", java.util.List.of("fine", "bell\u0007"));
        }
    }

    @Test
    void aValueTheReaderSkipsIsCheckedAllTheSame() {
        ReadBackCheck alone = new ReadBackCheck(eventSerializer);
        assertThat(new String(eventSerializer.serialize(new Derived("n"), byte[].class).getData(),
                java.nio.charset.StandardCharsets.UTF_8)).contains("\"extra\"");
        assertThatThrownBy(() -> alone.check(new Derived("n"))).isInstanceOf(Refusal.class)
                .hasMessageStartingWith("Derived.extra.notes[1] ").hasMessageContaining("control character");
    }

    /**
     * The check reads the stored JSON once, through a parser that checks each token as the deserializer advances it.
     * A deserializer may advance a parser by any of {@link JsonParser}'s public {@code next...} and {@code skip...}
     * methods: each must either be the check's own or {@code JsonParser}'s default (which goes through
     * {@code nextToken}), never one that {@link JsonParserDelegate} hands straight to the parser underneath, or
     * tokens would pass unchecked. Fails when a Jackson upgrade adds such a method.
     */
    @Test
    void everyWayToAdvanceTheParserGoesThroughTheCheck() throws NoSuchMethodException {
        java.util.List<String> unchecked = new java.util.ArrayList<>();
        java.util.Set<String> examined = new java.util.TreeSet<>();
        for (java.lang.reflect.Method m : JsonParser.class.getMethods()) {
            if (!(m.getName().startsWith("next") || m.getName().startsWith("skip"))) {
                continue;
            }
            examined.add(m.getName());
            Class<?> declaring = ReadBackCheck.CheckingParser.class.getMethod(m.getName(), m.getParameterTypes())
                    .getDeclaringClass();
            if (declaring != ReadBackCheck.CheckingParser.class && declaring != JsonParser.class) {
                unchecked.add(m.getName() + " (from " + declaring.getSimpleName() + ")");
            }
        }
        assertThat(examined).contains("nextToken", "nextValue", "nextFieldName", "nextTextValue", "skipChildren");
        assertThat(unchecked).isEmpty();
    }

    /** A serializer whose stored type names resolve to another class, as after a class was renamed or moved. */
    static final class MisnamingSerializer extends org.axonframework.serialization.json.JacksonSerializer {
        MisnamingSerializer() {
            super(org.axonframework.serialization.json.JacksonSerializer.builder().objectMapper(LedgerJson.mapper()));
        }

        @Override
        protected String resolveClassName(org.axonframework.serialization.SerializedType type) {
            return Inner.class.getName();
        }
    }

    @Test
    void anEventWhoseTypeNameReadsBackAsAnotherClassIsRefused() {
        ReadBackCheck misnamed = new ReadBackCheck(new MisnamingSerializer());
        assertThatThrownBy(() -> misnamed.check(new Derived("n")))
                .isInstanceOf(ReadBackCheck.UnreadableEvent.class)
                .hasMessageContaining("Derived").hasMessageContaining("reads back as another class");
        assertThatThrownBy(() -> new ReadBackCheck(org.axonframework.serialization.JavaSerializer.builder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Jackson");
    }

    private void publish(Object payload) {
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        unitOfWork.execute(() -> eventBus.publish(new GenericEventMessage<>(payload)));
    }

    private long events() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }
}
