package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A staff member left a team. */
@Revision("1")
public record TeamLeft(UserId user, TeamId team, Actor by, Instant at) implements DirectoryEvent {
}
