-- Gap skip (issue 13, ADR 22, AxonFramework issue 4829). A tracking (streaming) processor gives up a global index
-- it has not seen when it reads a later event whose timestamp is older than the gap timeout: if the transaction
-- that drew the index commits afterwards, that processor never receives the event. Every index a processor's
-- token passed without delivering it is noted here (org.careledger.storage.SkippedEventWatch), before the token
-- that passed it is stored; the reconciliation (SkippedEventReconciliation) then settles each one:
--   never committed (the chainer linked across it, ADR 21)  -> the row is deleted: nothing was lost;
--   committed (the event is in domain_event_entry)         -> found_at is set and the event is delivered again to
--                                                             that processor's handlers, then repaired_at is set.
-- Operational state, not the ledger: the application's role owns it (afterMigrate__least_privilege.sql).
CREATE TABLE projection_skipped_event (
    processor    varchar(255) NOT NULL,
    global_index bigint       NOT NULL,
    given_up_at  timestamptz  NOT NULL DEFAULT now(),
    found_at     timestamptz,
    repaired_at  timestamptz,
    CONSTRAINT projection_skipped_event_pkey PRIMARY KEY (processor, global_index)
);
CREATE INDEX projection_skipped_event_open ON projection_skipped_event (global_index) WHERE repaired_at IS NULL;
