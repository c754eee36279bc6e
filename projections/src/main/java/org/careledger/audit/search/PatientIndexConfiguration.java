package org.careledger.audit.search;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The patient index is kept by a subscribing processor whose errors propagate: it is written in the command's own
 * transaction, and a failing index update rolls the command back, so a search never misses a registered patient.
 */
@Configuration(proxyBeanMethods = false)
public class PatientIndexConfiguration {

    public static final String PROCESSING_GROUP = "patient-index";

    @Autowired
    public void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(PROCESSING_GROUP)
                .registerListenerInvocationErrorHandler(PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }
}
