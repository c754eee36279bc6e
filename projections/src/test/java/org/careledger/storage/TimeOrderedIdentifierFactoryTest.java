package org.careledger.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ADR 40: Axon's message identifiers are version-7 UUIDs, ordered by their millisecond, and unique across threads. */
class TimeOrderedIdentifierFactoryTest {

    @Test
    void axonsServiceLoaderFindsTheFactoryAndMessagesCarryItsIdentifiers() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(TimeOrderedIdentifierFactory.class);
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(new GenericEventMessage<>("payload").getIdentifier());
        assertThat(id.version()).isEqualTo(7);
        assertThat(TimeOrderedIdentifierFactory.epochMillis(id)).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void theLayoutIsRfc9562Version7WithTheMillisecondFirst() {
        long millis = 0x0123_4567_89ABL;
        UUID id = TimeOrderedIdentifierFactory.of(millis, new SplittableRandom(1));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.toString()).startsWith("01234567-89ab-7");
        assertThat(TimeOrderedIdentifierFactory.epochMillis(id)).isEqualTo(millis);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void laterMillisecondsSortLaterAsTextAsTheDatabaseComparesThem() {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        TimeOrderedIdentifierFactory factory = new TimeOrderedIdentifierFactory(clock::get);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            made.add(factory.generateIdentifier());
            clock.addAndGet(1 + (i % 3));
        }
        assertThat(made).isSorted();
    }

    @Test
    void identifiersOfOneMillisecondOnManyThreadsAreAllDifferent() throws Exception {
        TimeOrderedIdentifierFactory factory = new TimeOrderedIdentifierFactory(() -> 1_700_000_000_000L);
        int threads = 8;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>(each);
                    for (int i = 0; i < each; i++) {
                        ids.add(factory.generateIdentifier());
                    }
                    return ids;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> part : parts) {
                all.addAll(part.get());
            }
            assertThat(all).hasSize(threads * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRandomUuidIsNotReadAsATime() {
        assertThatThrownBy(() -> TimeOrderedIdentifierFactory.epochMillis(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 4");
    }
}
