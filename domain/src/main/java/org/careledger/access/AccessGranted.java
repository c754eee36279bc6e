package org.careledger.access;

import org.careledger.shared.GrantReason;
import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/** Access to a patient's record was granted to a user, team or organisation, for a reason, scope and window. */
@Revision("1")
public record AccessGranted(NhsNumber patient, GrantId grant, Grantee grantee, GrantReason reason, GrantScope scope,
                            Instant validFrom, Instant validUntil, Actor by, Instant at) implements PatientAccessEvent {
}
