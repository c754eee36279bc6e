package org.careledger.registers;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.careledger.directory.OrganisationRegistered;
import org.springframework.stereotype.Component;

/** Test-only: a register handler that fails for one organisation name, to prove the rollback. */
@Component
@ProcessingGroup(RegistersConfiguration.PROCESSING_GROUP)
public class FailingRegisterHandler {

    public static final String FAILING_NAME = "Register Failure Test Surgery";

    @EventHandler
    void on(OrganisationRegistered event) {
        if (FAILING_NAME.equals(event.name())) {
            throw new IllegalStateException("register update failed (test)");
        }
    }
}
