package org.careledger.api;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * How controllers write: a command stamped with {@code at} from the injected clock (ADR 3; {@code by} comes from
 * the token, {@code SignedInUser#actor}), sent and waited for. A refusal comes back as the aggregate threw it and
 * becomes problem+json.
 */
@Component
public class Commands {

    private final CommandGateway gateway;
    private final Clock clock;

    public Commands(CommandGateway gateway, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public void send(Object command) {
        gateway.sendAndWait(command);
    }
}
