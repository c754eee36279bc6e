package org.careledger.access;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;

import java.time.Instant;

/**
 * The patient reported an access in their history that they do not recognise: {@code accessEvent} is the id of the
 * audit event, {@code comment} their words for IG (may be null). Raises an IG alert; the outcome comes back to the
 * patient when IG closes it.
 */
@Revision("1")
public record UnrecognisedAccessReported(NhsNumber patient, String accessEvent, String comment, Actor by, Instant at)
        implements PatientAccessEvent {
}
