package org.careledger.audit;

/** The purpose a reader states when opening a record. */
public enum Purpose {
    DIRECT_CARE,
    MEDICATION_REVIEW,
    CARE_PLANNING,
    REFERRAL,
    SAFEGUARDING,
    EMERGENCY_CARE,
    ADMINISTRATION,
    /** The patient reading their own record. */
    PATIENT_ACCESS
}
