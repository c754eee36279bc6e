package org.careledger.consent;

import org.careledger.shared.LedgerEvent;
import org.careledger.shared.NhsNumber;

/** An event of one patient's consent to share. */
public sealed interface PatientConsentEvent extends LedgerEvent
        permits ConsentDecisionRecorded, DissentRecorded, DissentWithdrawn {

    NhsNumber patient();
}
