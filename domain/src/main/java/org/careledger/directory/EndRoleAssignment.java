package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;

/** End a staff member's role at an organisation, with the reason. */
public record EndRoleAssignment(@TargetAggregateIdentifier UserId user, Role role, OdsCode organisation, String reason,
                                Actor by, Instant at) implements Command {

    public EndRoleAssignment {
        Command.requireStamp(by, at);
        Refusal.requireValue(user, "user");
    }
}
