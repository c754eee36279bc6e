package org.careledger.audit;

/** Which view of a record was read. */
public enum RecordView {
    /** The current record in the reader's role view. */
    CURRENT,
    /** The version history of entries. */
    HISTORY,
    /** A download or export of the record. */
    EXPORT,
    /** A preview of what another role at an organisation would see ("view as", ADR 24). */
    PREVIEW
}
