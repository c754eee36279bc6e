package org.careledger.reading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.careledger.record.EntryContent;
import org.careledger.storage.LedgerJson;
import org.careledger.views.EntryContentCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.Arrays;

/**
 * An entry's content as the read services return it, from the bytes the views store (ADR 30). Inflating and parsing
 * an entry's content was the largest share of an open's CPU (~4 µs an entry, ~0.8 ms for a 200-entry record;
 * docs/benchmarks.md), and the same entries are read again and again (a record opened at the desk, by the nurse,
 * exported). So the parsed content is kept in a bounded cache keyed by the stored bytes themselves: equal bytes are
 * the same content by construction (the codec is deterministic and lossless), so an entry that changes, a rebuild,
 * or another database can never be answered from a stale value, and no event has to invalidate anything.
 * {@link EntryContent} is immutable, so one instance can be handed to many readers.
 * <p>
 * Size: {@code careledger.reads.content-cache-entries} (default 20,000 entries, ~20 MB: ~1 KB per imported
 * observation, measured; 0 turns it off). Its hits and misses are on {@code /actuator/prometheus} as
 * {@code cache_gets_total{cache="entry-contents"}}.
 * Nothing of the content is logged; a stored value that cannot be read names no content.
 */
@Component
public class StoredContents {

    private static final ObjectMapper JSON = LedgerJson.mapper();

    private final Cache<Stored, EntryContent> cache;

    public StoredContents(@Value("${careledger.reads.content-cache-entries:20000}") long entries,
                          ObjectProvider<MeterRegistry> meters) {
        if (entries < 0) {
            throw new IllegalArgumentException("careledger.reads.content-cache-entries must be 0 (off) or more, was "
                    + entries);
        }
        this.cache = entries == 0 ? null : Caffeine.newBuilder().maximumSize(entries).recordStats().build();
        MeterRegistry registry = meters.getIfAvailable();
        if (cache != null && registry != null) {
            CaffeineCacheMetrics.monitor(registry, cache, "entry-contents");
        }
    }

    /** The content a view row stores ({@code view_entry.content}, {@code view_entry_history.content}). */
    public EntryContent read(byte[] stored) {
        if (cache == null) {
            return parse(stored);
        }
        return cache.get(new Stored(stored), key -> parse(key.bytes));
    }

    private static EntryContent parse(byte[] stored) {
        try {
            return JSON.readValue(EntryContentCodec.decode(stored), EntryContent.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored EntryContent unreadable", e);
        }
    }

    /** The stored bytes as a key: equal and hashed by content, not by array identity. */
    private static final class Stored {
        private final byte[] bytes;
        private final int hash;

        Stored(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Stored s && s.hash == hash && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
