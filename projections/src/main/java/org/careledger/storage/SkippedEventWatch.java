package org.careledger.storage;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Notes every global index that a tracking (streaming) processor's token passes without delivering its event
 * (ADR 22, AxonFramework issue 4829): the event source of each such processor is wrapped ({@link #watch}) and the
 * tokens of consecutive messages are compared. An index that was a gap and is gone from the next token without being
 * the delivered event, or that lies between two consecutive tokens' indexes without becoming a gap, was given up by
 * the storage engine's gap timeout: either it was rolled back, or its transaction has not committed yet and the
 * processor will never receive it. Each is written to {@code projection_skipped_event} before the message is handed
 * to the processor, hence before any token that passed it is stored: after a crash the processor reads from its old
 * token again and the comparison is made again. {@link SkippedEventReconciliation} settles and repairs them.
 * Ids only in logs.
 */
@Component
public class SkippedEventWatch {

    private static final Logger log = LoggerFactory.getLogger(SkippedEventWatch.class);

    private final JdbcTemplate jdbc;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    public SkippedEventWatch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The processor's event source, watched: what its tokens pass without delivering is noted. */
    public StreamableMessageSource<TrackedEventMessage<?>> watch(String processor,
                                                                StreamableMessageSource<TrackedEventMessage<?>> source) {
        watched.add(processor);
        return new StreamableMessageSource<>() {
            @Override
            public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
                return new WatchedStream(processor, token, source.openStream(token));
            }

            @Override
            public TrackingToken createTailToken() {
                return source.createTailToken();
            }

            @Override
            public TrackingToken createHeadToken() {
                return source.createHeadToken();
            }

            @Override
            public TrackingToken createTokenAt(Instant dateTime) {
                return source.createTokenAt(dateTime);
            }

            @Override
            public TrackingToken createTokenSince(Duration duration) {
                return source.createTokenSince(duration);
            }
        };
    }

    /** The processing groups whose sources are watched. */
    public Set<String> watched() {
        return Set.copyOf(watched);
    }

    /**
     * The global indexes given up between two consecutive tokens of one stream: {@code delivered} is the index of
     * the message that carries {@code next} (or -1 when it is unknown and must be looked up). Pure.
     */
    static List<long[]> givenUp(TrackingToken previous, TrackingToken next, long delivered) {
        GapAwareTrackingToken p = gapAware(previous);
        GapAwareTrackingToken n = gapAware(next);
        if (n == null) {
            return List.of();
        }
        long from = p == null ? 0 : p.getIndex();
        SortedSet<Long> before = p == null ? new TreeSet<>() : p.getGaps();
        SortedSet<Long> after = n.getGaps();
        List<long[]> ranges = new ArrayList<>();
        if (n.getIndex() > from) {
            // the message is the new index: every earlier gap that vanished was given up
            for (long gap : before) {
                if (!after.contains(gap)) {
                    ranges.add(new long[]{gap, gap});
                }
            }
            // and every index between the two tokens that did not become a gap
            long start = from + 1;
            for (long gap : after.tailSet(start)) {
                if (gap >= n.getIndex()) {
                    break;
                }
                if (gap > start) {
                    ranges.add(new long[]{start, gap - 1});
                }
                start = gap + 1;
            }
            if (start < n.getIndex()) {
                ranges.add(new long[]{start, n.getIndex() - 1});
            }
        } else {
            // the message filled one of the gaps: any other gap that vanished was given up
            for (long gap : before) {
                if (!after.contains(gap) && gap != delivered) {
                    ranges.add(new long[]{gap, gap});
                }
            }
        }
        return ranges;
    }

    /** Whether {@link #givenUp} needs the delivered message's own index (a gap was filled and another vanished). */
    static boolean needsDeliveredIndex(TrackingToken previous, TrackingToken next) {
        GapAwareTrackingToken p = gapAware(previous);
        GapAwareTrackingToken n = gapAware(next);
        if (p == null || n == null || n.getIndex() > p.getIndex()) {
            return false;
        }
        return p.getGaps().stream().filter(g -> !n.getGaps().contains(g)).count() > 1;
    }

    private static GapAwareTrackingToken gapAware(TrackingToken token) {
        TrackingToken t = token == null ? null : WrappedToken.unwrapLowerBound(token);
        return t instanceof GapAwareTrackingToken g ? g : null;
    }

    private void note(String processor, TrackingToken previous, TrackedEventMessage<?> message) {
        TrackingToken next = message.trackingToken();
        GapAwareTrackingToken p = gapAware(previous);
        GapAwareTrackingToken n = gapAware(next);
        if (n == null || (p != null && n.getIndex() == p.getIndex() + 1 && !p.hasGaps() && !n.hasGaps())) {
            return; // the usual case: the next index, no gaps
        }
        long delivered = -1;
        if (needsDeliveredIndex(previous, next)) {
            delivered = jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                    Long.class, message.getIdentifier()).stream().findFirst().orElse(-1L);
        }
        List<long[]> ranges = givenUp(previous, next, delivered);
        for (long[] r : ranges) {
            int noted = jdbc.update("""
                    INSERT INTO projection_skipped_event (processor, global_index)
                    SELECT ?, g FROM generate_series(?::bigint, ?::bigint) g
                    ON CONFLICT DO NOTHING""", processor, r[0], r[1]);
            if (noted > 0) {
                log.info("Processor {} passed global indexes {} to {} without receiving them (gap timeout): noted "
                        + "for reconciliation", processor, r[0], r[1]);
            }
        }
    }

    /** A processor's stream: each message's token is compared with the one before before it is handed over. */
    private final class WatchedStream implements BlockingStream<TrackedEventMessage<?>> {
        private final String processor;
        private final BlockingStream<TrackedEventMessage<?>> delegate;
        private TrackingToken last;

        WatchedStream(String processor, TrackingToken from, BlockingStream<TrackedEventMessage<?>> delegate) {
            this.processor = processor;
            this.delegate = delegate;
            this.last = from;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return delegate.peek();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            return delegate.hasNextAvailable(timeout, unit);
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> message = delegate.nextAvailable();
            note(processor, last, message);
            last = message.trackingToken();
            return message;
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return delegate.setOnAvailableCallback(callback);
        }
    }
}
