-- Tamper evidence (ADR 21). A hash chain over every stored event in global order, and signed checkpoints.
-- Both are append-only like the ledger itself: the same trigger function refuses UPDATE, DELETE and TRUNCATE.

-- One row per chained event, written by the chainer (org.careledger.integrity.LedgerChainer), which follows
-- domain_event_entry in global_index order whatever wrote the rows (commands, audited reads, the bulk path).
--   previous_index  the global index this link follows (NULL for the first event): a rolled-back append leaves a gap
--   position        0-based count of the event in the chain: its leaf number in the checkpoints' Merkle trees
--   leaf            SHA-256(0x00 || canonical bytes)            (the Merkle leaf, RFC 6962)
--   hash            SHA-256(previous hash || canonical bytes)   (32 zero bytes before the first event)
CREATE TABLE ledger_chain (
    global_index     bigint       NOT NULL,
    event_identifier varchar(255) NOT NULL,
    previous_index   bigint,
    position         bigint       NOT NULL,
    leaf             bytea        NOT NULL,
    hash             bytea        NOT NULL,
    CONSTRAINT ledger_chain_pkey PRIMARY KEY (global_index),
    CONSTRAINT ledger_chain_position_key UNIQUE (position),
    CONSTRAINT ledger_chain_event_identifier_key UNIQUE (event_identifier)
);

-- A signed statement of the chain's head and of the Merkle root over the first tree_size leaves.
CREATE TABLE ledger_checkpoint (
    checkpoint_id bigint       NOT NULL,
    up_to_index   bigint       NOT NULL,
    tree_size     bigint       NOT NULL,
    chain_head    bytea        NOT NULL,
    merkle_root   bytea        NOT NULL,
    made_at       timestamptz  NOT NULL,
    key_id        varchar(64)  NOT NULL,
    public_key    bytea        NOT NULL,
    signature     bytea        NOT NULL,
    CONSTRAINT ledger_checkpoint_pkey PRIMARY KEY (checkpoint_id)
);

CREATE TRIGGER ledger_chain_no_update_or_delete
    BEFORE UPDATE OR DELETE ON ledger_chain
    FOR EACH ROW EXECUTE FUNCTION careledger_refuse_ledger_change();
CREATE TRIGGER ledger_chain_no_truncate
    BEFORE TRUNCATE ON ledger_chain
    FOR EACH STATEMENT EXECUTE FUNCTION careledger_refuse_ledger_change();
CREATE TRIGGER ledger_checkpoint_no_update_or_delete
    BEFORE UPDATE OR DELETE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION careledger_refuse_ledger_change();
CREATE TRIGGER ledger_checkpoint_no_truncate
    BEFORE TRUNCATE ON ledger_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION careledger_refuse_ledger_change();
