package org.careledger.alert;

import org.careledger.shared.LedgerEvent;

/** An event of one IG alert case: an IG officer reviewing it, or closing it with an outcome. */
public sealed interface AlertCaseEvent extends LedgerEvent permits AlertReviewed, AlertClosed {

    /** The id of the alert the audit trail raised, e.g. {@code EMERGENCY_ACCESS:<event id>}. */
    String alert();
}
