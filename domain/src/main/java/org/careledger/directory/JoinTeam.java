package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.Refusal;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.time.Instant;

/** Add a staff member to a team of an organisation they hold a role at. */
public record JoinTeam(@TargetAggregateIdentifier UserId user, TeamId team, Actor by, Instant at) implements Command {

    public JoinTeam {
        Command.requireStamp(by, at);
        Refusal.requireValue(user, "user");
    }
}
