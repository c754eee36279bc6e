package org.careledger.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.ErrorContext;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tracking projection that meets an event it cannot handle stops loudly instead of skipping it (ADR 9).
 * Registered as the default for every event processor:
 * <ul>
 *     <li>listener errors propagate (Axon's default would log and skip the event);</li>
 *     <li>for a streaming (tracking or pooled) processor the error handler logs the processor and the ids of the
 *     events in the failed batch (never content, never the exception's message, which can quote the stored JSON),
 *     counts {@code careledger.projection.failures} tagged with the processor, and turns the {@code projections}
 *     health DOWN naming the processor and the failing event's id; it then throws an exception that carries ids
 *     only, so the processor rolls back the batch and retries it later from its token: the token stays before the
 *     event, nothing is skipped;</li>
 *     <li>once the failing event is handled the processor is healthy again;</li>
 *     <li>a subscribing processor's error is rethrown unchanged: it fails the command that published the event.</li>
 * </ul>
 * Processing groups that register their own handlers keep them.
 */
@Configuration(proxyBeanMethods = false)
public class ProjectionFailures {

    private static final Logger log = LoggerFactory.getLogger(ProjectionFailures.class);

    public static final String METRIC = "careledger.projection.failures";

    /** Where a processor stands stuck: the event that failed (its id), its type, when, and how often so far. */
    public record Stuck(String eventId, String eventType, String error, Instant since, long attempts) {
    }

    private final Map<String, Stuck> stuck = new ConcurrentHashMap<>();
    private MeterRegistry meters;
    private org.axonframework.config.Configuration axon;

    /** Thrown to the processor instead of the original error: ids only, so nothing of the event reaches a log. */
    public static final class ProjectionStopped extends RuntimeException {
        ProjectionStopped(String message) {
            super(message, null, false, false);
        }
    }

    @Autowired
    public void configure(EventProcessingConfigurer processing, MeterRegistry meters) {
        this.meters = meters;
        processing.registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance())
                .registerDefaultErrorHandler(c -> {
                    this.axon = c;
                    return errorHandler();
                })
                .registerDefaultHandlerInterceptor((c, processor) -> {
                    this.axon = c;
                    return interceptor(processor);
                });
    }

    @Bean
    public HealthIndicator projectionsHealthIndicator() {
        return () -> {
            Map<String, Stuck> now = Map.copyOf(stuck);
            if (now.isEmpty()) {
                return Health.up().build();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            now.forEach((processor, s) -> details.put(processor, s));
            return Health.down().withDetails(details).build();
        };
    }

    /** The processors currently stopped at an event they cannot handle. */
    public Map<String, Stuck> stuck() {
        return Map.copyOf(stuck);
    }

    ErrorHandler errorHandler() {
        return (ErrorContext context) -> {
            if (!isStreaming(context.eventProcessor())) {
                PropagatingErrorHandler.instance().handleError(context);
                return;
            }
            String processor = context.eventProcessor();
            Throwable error = context.error();
            List<String> ids = context.failedEvents().stream().map(EventMessage::getIdentifier).toList();
            Counter.builder(METRIC).description("Failed attempts of a tracking projection to handle a batch of events")
                    .tag("processor", processor).register(meters).increment();
            Stuck at = stuck.get(processor);
            if (at == null && !ids.isEmpty()) {
                // the handler interceptor did not see it (e.g. the batch failed to commit): name the batch's first
                EventMessage<?> first = context.failedEvents().get(0);
                at = new Stuck(first.getIdentifier(), first.getPayloadType().getSimpleName(),
                        error.getClass().getSimpleName(), Instant.now(), 0);
            }
            if (at != null) {
                at = new Stuck(at.eventId(), at.eventType(), at.error(), at.since(), at.attempts() + 1);
                stuck.put(processor, at);
            }
            log.error("projection {} stopped at event {} ({}, {}); batch {}; it retries from its token, nothing is "
                            + "skipped", processor, at == null ? "?" : at.eventId(), at == null ? "?" : at.eventType(),
                    error.getClass().getName(), ids);
            throw new ProjectionStopped("projection " + processor + " stopped at event "
                    + (at == null ? "?" : at.eventId()) + " (" + error.getClass().getSimpleName() + ")");
        };
    }

    MessageHandlerInterceptor<EventMessage<?>> interceptor(String processor) {
        return (unitOfWork, chain) -> {
            EventMessage<?> event = unitOfWork.getMessage();
            try {
                Object result = chain.proceed();
                Stuck at = stuck.get(processor);
                if (at != null && at.eventId().equals(event.getIdentifier())) {
                    stuck.remove(processor);
                    log.info("projection {} handled event {} and goes on", processor, event.getIdentifier());
                }
                return result;
            } catch (Exception e) {
                if (isStreaming(processor)) {
                    stuck.compute(processor, (p, old) -> old != null && old.eventId().equals(event.getIdentifier())
                            ? old : new Stuck(event.getIdentifier(), event.getPayloadType().getSimpleName(),
                            e.getClass().getSimpleName(), Instant.now(), 0));
                }
                throw e;
            }
        };
    }

    private boolean isStreaming(String processor) {
        if (axon == null) {
            return false;
        }
        EventProcessor found = axon.eventProcessingConfiguration().eventProcessor(processor).orElse(null);
        return found instanceof StreamingEventProcessor;
    }
}
