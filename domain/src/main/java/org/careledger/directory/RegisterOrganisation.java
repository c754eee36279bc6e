package org.careledger.directory;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;

import java.time.Instant;

/** Register an organisation of the region. */
public record RegisterOrganisation(@TargetAggregateIdentifier OdsCode organisation, String name, OrganisationType type,
                                   Actor by, Instant at) {
}
