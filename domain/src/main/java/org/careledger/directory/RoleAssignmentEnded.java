package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A staff member no longer acts in a role at an organisation. */
@Revision("1")
public record RoleAssignmentEnded(UserId user, Role role, OdsCode organisation, String reason, Actor by, Instant at)
        implements DirectoryEvent {
}
