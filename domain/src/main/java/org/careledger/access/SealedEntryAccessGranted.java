package org.careledger.access;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.EntryId;
import org.careledger.shared.GrantId;
import org.careledger.shared.NhsNumber;

import java.time.Instant;
import java.util.List;

/**
 * A grant naming SEALED entries its grantee may see, within a window. It unseals only: the grantee still needs a
 * basis, a role view and consent that would show the entry were it NORMAL.
 */
@Revision("1")
public record SealedEntryAccessGranted(NhsNumber patient, GrantId grant, Grantee grantee, List<EntryId> entries,
                                       String reason, Instant validFrom, Instant validUntil, Actor by, Instant at)
        implements PatientAccessEvent {
}
