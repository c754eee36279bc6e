package org.careledger.consent;

/** A recorded decision. UNKNOWN (not yet asked) is the absence of a decision, never recorded. */
public enum ConsentDecision {
    GRANTED,
    REFUSED
}
