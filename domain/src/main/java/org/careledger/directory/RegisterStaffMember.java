package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.Refusal;
import org.careledger.shared.UserId;

import java.time.Instant;

/** Register a member of staff under their identity provider's user id. */
public record RegisterStaffMember(@TargetAggregateIdentifier UserId user, String displayName, Actor by, Instant at) implements Command {

    public RegisterStaffMember {
        Command.requireStamp(by, at);
        Refusal.requireValue(user, "user");
    }
}
