package org.careledger.alert;

/**
 * How an IG officer closes an alert case. The names are stored in {@link AlertClosed} events and shown to the
 * patient who reported an access: add, never rename.
 */
public enum AlertOutcome {
    /** Nothing to follow up: the access was expected (an on-call doctor, a known referral, ...). */
    NO_CONCERN,
    /** IG checked with the reader's organisation and confirmed the access was part of the patient's care. */
    APPROPRIATE_ACCESS_CONFIRMED,
    /** The access should not have happened; IG has acted on it. */
    INAPPROPRIATE_ACCESS,
    /** Passed on for a formal investigation (the organisation's IG lead, the Caldicott guardian, HR, ...). */
    REFERRED_FOR_INVESTIGATION
}
