package org.careledger.audit.elasticsearch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The two search processors as one thing to watch and to replay: their lag behind the ledger (gauge
 * {@code careledger.search.lag}, tag {@code processor}: the ledger's highest global index minus the processor's
 * position) and a replay from the start of the ledger ({@code careledger replay --target elasticsearch}), which is
 * harmless because every write is versioned by global index.
 */
@Component
@ConditionalOnProperty(SearchConfiguration.URL)
public class SearchProcessors {

    private static final Logger log = LoggerFactory.getLogger(SearchProcessors.class);
    public static final List<String> GROUPS = List.of(SearchConfiguration.PATIENTS, SearchConfiguration.AUDIT);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;

    public SearchProcessors(EventProcessingConfiguration processing, JdbcTemplate jdbc,
                            ObjectProvider<MeterRegistry> meters) {
        this.processing = processing;
        this.jdbc = jdbc;
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            for (String group : GROUPS) {
                Gauge.builder("careledger.search.lag", () -> lag(group))
                        .description("ledger events the search processor has still to index")
                        .tag("processor", group).register(registry);
            }
        }
    }

    /** Events of the ledger beyond the processor's position (0 when it has caught up). */
    public long lag(String group) {
        Long head = jdbc.queryForObject("SELECT coalesce(max(global_index), -1) FROM domain_event_entry", Long.class);
        return Math.max(0, head - position(group));
    }

    /** The lowest position over the processor's segments; -1 before it has claimed any. */
    long position(String group) {
        return processor(group).processingStatus().values().stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(p -> p.orElse(-1L))
                .min().orElse(-1L);
    }

    public boolean caughtUp() {
        return GROUPS.stream().allMatch(g -> lag(g) == 0);
    }

    /** Starts both processors again from the beginning of the ledger. */
    public void replay() {
        for (String group : GROUPS) {
            StreamingEventProcessor processor = processor(group);
            processor.shutDown();
            processor.resetTokens();
            processor.start();
            log.info("search: processor {} replays the ledger", group);
        }
    }

    private StreamingEventProcessor processor(String group) {
        return processing.eventProcessor(group, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no search processor " + group));
    }

}
