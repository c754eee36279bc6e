package org.careledger.shared;

import java.time.Instant;

/**
 * Every command says who issues it and when (ADR 3): the edge stamps both, handlers never read a clock. A command
 * without them cannot be constructed.
 */
public interface Command {

    Actor by();

    Instant at();

    /** For the commands' compact constructors. */
    static void requireStamp(Actor by, Instant at) {
        Refusal.requireValue(by, "who (by)");
        Refusal.requireValue(at, "when (at)");
    }
}
