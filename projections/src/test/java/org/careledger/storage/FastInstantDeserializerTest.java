package org.careledger.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's fast instant reader answers exactly what Jackson's own InstantDeserializer answers. */
class FastInstantDeserializerTest {

    private final ObjectMapper ledger = LedgerJson.mapper();
    private final ObjectMapper jackson = new ObjectMapper().registerModule(new JavaTimeModule());

    @Provide
    Arbitrary<Instant> instants() {
        // years 0001-9999 (the range the ledger's values allow), every nanosecond precision
        return Arbitraries.longs().between(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("9999-12-31T23:59:59Z").getEpochSecond())
                .flatMap(seconds -> Arbitraries.oneOf(Arbitraries.just(0),
                                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                                Arbitraries.integers().between(0, 999_999_999))
                        .map(nanos -> Instant.ofEpochSecond(seconds, nanos)));
    }

    @Property(tries = 2000)
    void readsBackWhatItWritesAsJacksonDoes(@ForAll("instants") Instant instant) throws Exception {
        String json = ledger.writeValueAsString(instant);
        assertThat(ledger.readValue(json, Instant.class)).isEqualTo(instant)
                .isEqualTo(jackson.readValue(json, Instant.class));
        assertThat(LedgerJson.FastInstantDeserializer.parse(json.substring(1, json.length() - 1))).isEqualTo(instant);
    }

    @Example
    void textsOutsideTheCanonicalFormAreLeftToJacksonAndAnswerAsJacksonDoes() {
        List<String> texts = List.of("\"2026-03-01T09:30:00+01:00\"", "\"2026-03-01T09:30Z\"",
                "\"2026-03-01T09:30:00.5Z\"", "1700000000", "1700000000.5", "\"2026-02-30T09:30:00Z\"",
                "\"2026-13-01T09:30:00Z\"", "\"2026-03-01T24:00:00Z\"", "\"2026-03-01T09:61:00Z\"",
                "\"2026-03-01T23:59:60Z\"", "\"2026-03-01T09:30:00.1234567890Z\"", "\"2026-03-01 09:30:00Z\"",
                "\"2026-3-01T09:30:00Z\"", "\"not an instant\"", "\"2026-03-01T09:30:00.Z\"",
                "\"2026-03-01T09:30:0aZ\"", "\"+12026-03-01T09:30:00Z\"", "\"2026-03-01t09:30:00z\"");
        for (String json : texts) {
            Object expected = outcome(jackson, json);
            assertThat(outcome(ledger, json)).as(json).isEqualTo(expected);
        }
        for (String json : texts.subList(5, texts.size())) {
            assertThat(LedgerJson.FastInstantDeserializer.parse(json.replace("\"", ""))).as(json).isNull();
        }
    }

    /** The instant read, or the failure's class. */
    private static Object outcome(ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, Instant.class);
        } catch (Exception e) {
            return e.getClass();
        }
    }
}
