package org.careledger.access;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** A grant (of either kind) was revoked before its window ended. */
@Revision("1")
public record AccessGrantRevoked(NhsNumber patient, GrantId grant, String reason, Actor by, Instant at)
        implements PatientAccessEvent {
}
