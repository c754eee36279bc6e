package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.TeamId;

import java.time.Instant;

/** A team was formed within an organisation (a district nursing team, a social care locality team, ...). */
@Revision("1")
public record TeamFormed(OdsCode organisation, TeamId team, String name, Actor by, Instant at) implements DirectoryEvent {
}
