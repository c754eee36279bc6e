package org.careledger.shared;

/** Why a grant was made; each kind has a policy maximum validity. */
public enum GrantReason {
    REFERRAL,
    CASELOAD,
    SOCIAL_CARE_ALLOCATION,
    OUT_OF_HOURS_EPISODE,
    OUTPATIENT_REFERRAL,
    /** A grant naming SEALED entries that its grantee may see. */
    SEALED_ENTRY_DISCLOSURE
}
