package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A staff member may now act in a role at an organisation. */
@Revision("1")
public record RoleAssigned(UserId user, Role role, OdsCode organisation, Actor by, Instant at) implements DirectoryEvent {
}
