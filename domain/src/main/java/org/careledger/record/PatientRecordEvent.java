package org.careledger.record;

import org.careledger.shared.LedgerEvent;
import org.careledger.shared.NhsNumber;

/** An event of one patient's record. */
public sealed interface PatientRecordEvent extends LedgerEvent
        permits PatientRegistered, DemographicsUpdated, RegistrationTransferred, EntryRecorded, EntryAmended,
        EntryMarkedEnteredInError, EntrySensitivityChanged {

    NhsNumber patient();
}
