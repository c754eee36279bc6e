package org.careledger.audit.trail;

import org.careledger.alert.AlertRules;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail is written in the transaction that appends the audit event (ADR 10): a subscribing processor whose
 * handler errors propagate, like the views (ADR 7). A read, a search or an audit query commits its event and its
 * trail rows together or not at all, so no event can reach the ledger without reaching the trail. The tracking
 * processor it replaces lost events whose transaction committed after a later one (gap-aware token and the
 * event's own timestamp: see ADR 10); there is no token, no gap and no lag any more.
 */
@Configuration(proxyBeanMethods = false)
public class AuditTrailConfiguration {

    public static final String PROCESSING_GROUP = "audit-trail";

    /** The IG alert rules' thresholds ({@code careledger.audit.alerts.*}; docs/operations.md). */
    @Bean
    public AlertRules.Thresholds alertThresholds(
            @Value("${careledger.audit.alerts.records-per-day:50}") int recordsPerDay,
            @Value("${careledger.audit.alerts.refusals-per-day:3}") int refusalsPerDay,
            @Value("${careledger.audit.alerts.baseline-factor:5}") double baselineFactor,
            @Value("${careledger.audit.alerts.baseline-days:30}") int baselineDays,
            @Value("${careledger.audit.alerts.baseline-minimum:20}") int baselineMinimum,
            @Value("${careledger.audit.alerts.baseline-active-days:5}") int baselineActiveDays) {
        return new AlertRules.Thresholds(recordsPerDay, refusalsPerDay, baselineFactor, baselineDays, baselineMinimum,
                baselineActiveDays);
    }

    @Autowired
    public void configure(EventProcessingConfigurer processing) {
        processing.registerSubscribingEventProcessor(PROCESSING_GROUP)
                .registerListenerInvocationErrorHandler(PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
    }
}
