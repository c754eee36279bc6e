package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.TeamId;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A staff member became a member of a team at an organisation (and so is covered by grants to that team). */
@Revision("1")
public record TeamJoined(UserId user, TeamId team, OdsCode organisation, Actor by, Instant at) implements DirectoryEvent {
}
