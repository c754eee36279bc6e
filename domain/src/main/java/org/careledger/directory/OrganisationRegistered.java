package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;

import java.time.Instant;

/** An organisation of the region joined CareLedger. */
@Revision("1")
public record OrganisationRegistered(OdsCode organisation, String name, OrganisationType type, Actor by, Instant at)
        implements DirectoryEvent {
}
