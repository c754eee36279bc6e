package org.careledger.policy;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;

import java.time.Instant;

/** Bring a role policy file (its full text) into force. */
public record ActivatePolicyVersion(String source, Actor by, Instant at) implements Command {

    public ActivatePolicyVersion {
        Command.requireStamp(by, at);
    }

    /** There is one policy history for the region. */
    @TargetAggregateIdentifier
    public String stream() {
        return PolicyVersions.STREAM;
    }
}
