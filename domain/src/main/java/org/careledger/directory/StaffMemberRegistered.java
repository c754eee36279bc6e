package org.careledger.directory;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.UserId;

import java.time.Instant;

/** A member of staff was registered under their identity provider's stable user id. */
@Revision("1")
public record StaffMemberRegistered(UserId user, String displayName, Actor by, Instant at) implements DirectoryEvent {
}
