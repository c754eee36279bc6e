package org.careledger.audit.trail;

/**
 * Where an IG alert's case stands, derived from the append-only rows of its case (ig_alert_review, V40): CLOSED
 * once it was closed with an outcome, UNDER_REVIEW once reviewed, OPEN otherwise.
 */
public enum AlertStatus {
    OPEN,
    UNDER_REVIEW,
    CLOSED
}
