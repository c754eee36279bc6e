package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A staff member left a team, by request or because their last role at the team's organisation ended. */
@Revision("1")
public record TeamLeft(UserId user, TeamId team, OdsCode organisation, Actor by, Instant at) implements DirectoryEvent {
}
