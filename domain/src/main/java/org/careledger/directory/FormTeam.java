package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Refusal;
import org.careledger.shared.TeamId;

import java.time.Instant;

/** Form a team within an organisation. */
public record FormTeam(@TargetAggregateIdentifier OdsCode organisation, TeamId team, String name, Actor by, Instant at) implements Command {

    public FormTeam {
        Command.requireStamp(by, at);
        Refusal.requireValue(organisation, "organisation");
    }
}
