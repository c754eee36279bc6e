package org.careledger.audit.trail;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.careledger.audit.AuditEvent;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends an audit event to the ledger in a short transaction of its own and returns only once it is committed.
 * Audit events belong to no aggregate: they go through the event bus as plain events. If the append fails the
 * exception propagates, so the caller (a query, a search) fails before any data leaves.
 */
@Component
public class AuditAppender {

    private final EventBus eventBus;
    private final TransactionTemplate transaction;

    public AuditAppender(EventBus eventBus, PlatformTransactionManager transactions) {
        this.eventBus = eventBus;
        this.transaction = new TransactionTemplate(transactions);
    }

    public void append(AuditEvent event) {
        transaction.executeWithoutResult(status -> eventBus.publish(GenericEventMessage.asEventMessage(event)));
    }
}
