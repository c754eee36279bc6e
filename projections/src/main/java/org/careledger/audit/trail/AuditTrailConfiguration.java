package org.careledger.audit.trail;

import org.axonframework.config.EventProcessingConfigurer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail is a tracking projection: a pooled streaming processor reading the ledger in global index order,
 * a batch of events per transaction (the default batch of one would commit once per event).
 */
@Configuration(proxyBeanMethods = false)
public class AuditTrailConfiguration {

    public static final String PROCESSING_GROUP = "audit-trail";

    @Autowired
    public void configure(EventProcessingConfigurer processing,
                          @Value("${careledger.audit.batch-size:100}") int batchSize) {
        processing.registerPooledStreamingEventProcessor(PROCESSING_GROUP,
                org.axonframework.config.Configuration::eventStore,
                (configuration, builder) -> builder.batchSize(batchSize).initialSegmentCount(1));
    }
}
