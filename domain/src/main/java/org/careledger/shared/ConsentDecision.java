package org.careledger.shared;

/** A recorded decision. UNKNOWN (not yet asked) is the absence of a decision, never recorded. */
public enum ConsentDecision {
    GRANTED,
    REFUSED
}
