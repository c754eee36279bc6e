package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.Refusal;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.time.Instant;

/** Remove a staff member from a team. */
public record LeaveTeam(@TargetAggregateIdentifier UserId user, TeamId team, Actor by, Instant at) implements Command {

    public LeaveTeam {
        Command.requireStamp(by, at);
        Refusal.requireValue(user, "user");
    }
}
