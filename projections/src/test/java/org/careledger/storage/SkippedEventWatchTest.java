package org.careledger.storage;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a processor's token passed without delivering, between two consecutive tokens of its stream (ADR 22). */
class SkippedEventWatchTest {

    static GapAwareTrackingToken token(long index, Long... gaps) {
        return GapAwareTrackingToken.newInstance(index, Arrays.asList(gaps));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // previous, next, delivered index (-1: the message advanced the index), given up (from-to)
                Arguments.of("the next index", token(10), token(11), -1L, List.of()),
                Arguments.of("a gap kept open", token(10), token(12, 11L), -1L, List.of()),
                Arguments.of("a gap filled", token(12, 11L), token(12), 11L, List.of()),
                Arguments.of("a gap given up when the next event arrives", token(12, 11L), token(13), -1L,
                        List.of("11-11")),
                Arguments.of("indexes passed without ever becoming gaps (event older than the gap timeout)",
                        token(10), token(14), -1L, List.of("11-13")),
                Arguments.of("some passed, one kept as a gap", token(10), token(15, 12L), -1L,
                        List.of("11-11", "13-14")),
                Arguments.of("one gap filled, another given up at once", token(15, 11L, 12L), token(15), 12L,
                        List.of("11-11")),
                Arguments.of("from the start of the ledger", null, token(3), -1L, List.of("1-2")),
                Arguments.of("a replay is judged by its current position",
                        ReplayToken.createReplayToken(token(100), token(10)), token(12), -1L,
                        List.of("11-11")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void givenUp(String what, TrackingToken previous, TrackingToken next, long delivered, List<String> expected) {
        assertThat(SkippedEventWatch.givenUp(previous, next, delivered).stream().map(r -> r[0] + "-" + r[1]))
                .containsExactlyElementsOf(expected);
    }
}
