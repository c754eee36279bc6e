package org.careledger.consent;

/** How a consent decision or dissent was given. */
public enum ConsentMethod {
    VERBAL,
    WRITTEN,
    /** Given by the patient themselves, signed in online. Only a patient records this, and a patient only this. */
    ONLINE_BY_PATIENT
}
