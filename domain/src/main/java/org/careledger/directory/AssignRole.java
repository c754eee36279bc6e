package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;

/** Let a staff member act in a role at an organisation. */
public record AssignRole(@TargetAggregateIdentifier UserId user, Role role, OdsCode organisation, Actor by, Instant at) implements Command {

    public AssignRole {
        Command.requireStamp(by, at);
        Refusal.requireValue(user, "user");
    }
}
