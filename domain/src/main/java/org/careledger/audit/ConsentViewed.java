package org.careledger.audit;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/**
 * A patient's consent settings were read (on screen or exported). Appended before they are returned, like every
 * read and export: consent holds no clinical content but says where a patient's record may go.
 */
@Revision("1")
public record ConsentViewed(NhsNumber patient, Channel channel, RecordView view, Actor by, Instant at)
        implements AuditEvent {
}
