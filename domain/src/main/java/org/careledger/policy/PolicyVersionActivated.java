package org.careledger.policy;

import org.axonframework.serialization.Revision;
import org.careledger.shared.Actor;
import org.careledger.shared.LedgerEvent;

import java.time.Instant;

/**
 * A version of the role policy file came into force. The whole file is kept, with its SHA-256, so every access
 * decision can be attributed to the exact policy text in force when it was made.
 */
@Revision("1")
public record PolicyVersionActivated(String version, String sha256, String source, Actor by, Instant at)
        implements LedgerEvent {
}
