package org.careledger.audit;

import org.careledger.shared.LedgerEvent;

/**
 * An event of the audit trail: reads, refusals, searches and audit queries. They belong to no aggregate (a read
 * changes no record): they are appended to the ledger as events of their own, in order, immutable like the rest.
 */
public sealed interface AuditEvent extends LedgerEvent
        permits RecordAccessed, RecordAccessRefused, PatientSearched, AuditTrailQueried, ConsentViewed, RecordWriteRefused,
        RecordPreviewed {
}
