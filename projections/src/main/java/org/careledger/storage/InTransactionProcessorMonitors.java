package org.careledger.storage;

import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.springframework.stereotype.Component;

/**
 * No per-message Micrometer monitors on the subscribing processors (views, registers, audit trail, patient index).
 * They run inside the writing transaction (ADR 7, ADR 10), so their time is already inside the command's, the
 * read's and the bulk write's timers; Axon's monitor built and looked up three meters per processor per event and
 * reported every event a processor ignores: ~9 % of the bulk write path's CPU, with four processors per event
 * (docs/benchmarks.md). The command bus, the event store and the tracking processors keep theirs, so
 * {@code /actuator/prometheus} still has Axon's counters, timers and processor latency.
 */
@Component
public class InTransactionProcessorMonitors implements ConfigurerModule {

    @Override
    public void configureModule(Configurer configurer) {
        configurer.configureMessageMonitor(SubscribingEventProcessor.class,
                (configuration, componentType, componentName) -> NoOpMessageMonitor.instance());
    }
}
