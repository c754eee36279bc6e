-- The ledger is append-only: nothing in domain_event_entry is ever updated or deleted, not even by the
-- application's own database user. Amendments and corrections are new events. Snapshots and tokens are
-- derived, disposable state and stay mutable.
CREATE FUNCTION careledger_refuse_ledger_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER domain_event_entry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON domain_event_entry
    FOR EACH ROW EXECUTE FUNCTION careledger_refuse_ledger_change();

-- TRUNCATE fires no row triggers, so it needs its own statement trigger.
CREATE TRIGGER domain_event_entry_no_truncate
    BEFORE TRUNCATE ON domain_event_entry
    FOR EACH STATEMENT EXECUTE FUNCTION careledger_refuse_ledger_change();
