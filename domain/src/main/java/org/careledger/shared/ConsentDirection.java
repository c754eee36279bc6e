package org.careledger.shared;

/** The two sharing decisions a patient makes per organisation (DESIGN.md "Consent to share"). */
public enum ConsentDirection {
    /** Entries authored at the organisation may be seen elsewhere. */
    SHARE_OUT,
    /** Users at the organisation may see entries authored elsewhere. */
    SHARE_IN
}
