package org.careledger.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only: a pooled streaming (tracking) projection, {@value #PROCESSOR}, handling {@link Probed} events only, with
 * none of its own error handling, so the defaults of {@link ProjectionFailures} apply. A {@code Probed} event can be
 * made unreadable (its JSON creator refuses while {@link #UNREADABLE} is set), as a stored event an older or newer
 * reader cannot read would be.
 */
@Configuration(proxyBeanMethods = false)
@Import(FailureProbe.Handler.class)
public class FailureProbe {

    public static final String PROCESSOR = "failure-probe";
    public static final AtomicBoolean UNREADABLE = new AtomicBoolean();
    public static final List<String> HANDLED = new CopyOnWriteArrayList<>();

    /** An event only the probe handles. */
    public record Probed(String marker) {
        @JsonCreator
        public static Probed read(@JsonProperty("marker") String marker) {
            if (UNREADABLE.get()) {
                throw new IllegalStateException("unreadable (test)");
            }
            return new Probed(marker);
        }
    }

    @Autowired
    public void configure(EventProcessingConfigurer processing, SkippedEventWatch skipped) {
        // read through the watch, as every tracking processor must (ADR 22)
        processing.registerPooledStreamingEventProcessor(PROCESSOR,
                config -> skipped.watch(PROCESSOR, config.eventStore()),
                (configuration, builder) -> builder.batchSize(10).initialSegmentCount(1));
    }

    @Component
    @ProcessingGroup(PROCESSOR)
    public static class Handler {
        @EventHandler
        void on(Probed event) {
            HANDLED.add(event.marker());
        }
    }
}
