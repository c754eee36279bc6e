package org.careledger.views;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The views processing group is a subscribing processor whose handler errors propagate, like the registers: the
 * sharing state and role views are written in the command's own transaction, so once a command is acknowledged
 * every read that starts afterwards sees its effects, and a failing view update fails the command.
 */
@Configuration(proxyBeanMethods = false)
public class ViewsConfiguration {

    public static final String PROCESSING_GROUP = "views";

    @Autowired
    public void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(PROCESSING_GROUP)
                .registerListenerInvocationErrorHandler(PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }
}
