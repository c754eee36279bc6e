package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.Command;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;

import java.time.Instant;

/** Register an organisation of the region. */
public record RegisterOrganisation(@TargetAggregateIdentifier OdsCode organisation, String name, OrganisationType type,
                                   Actor by, Instant at) implements Command {

    public RegisterOrganisation {
        Command.requireStamp(by, at);
        Refusal.requireValue(organisation, "organisation");
    }
}
