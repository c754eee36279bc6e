package org.careledger.access;

import org.careledger.shared.LedgerEvent;
import org.careledger.shared.NhsNumber;

/** An event of who may open one patient's record beyond their registered practice. */
public sealed interface PatientAccessEvent extends LedgerEvent
        permits AccessGranted, SealedEntryAccessGranted, AccessGrantRevoked, EmergencyAccessDeclared,
        UnrecognisedAccessReported {

    NhsNumber patient();
}
