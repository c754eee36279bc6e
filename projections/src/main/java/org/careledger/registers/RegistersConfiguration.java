package org.careledger.registers;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The registers processing group is a subscribing processor whose handler errors propagate: a failing register
 * update fails the command and rolls back its events with it. (The default listener error handler only logs,
 * which would leave the registers behind the ledger for ever.)
 */
@Configuration(proxyBeanMethods = false)
public class RegistersConfiguration {

    public static final String PROCESSING_GROUP = "registers";

    @Autowired
    public void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(PROCESSING_GROUP)
                .registerListenerInvocationErrorHandler(PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }
}
