-- Planner statistics for the ledger tables (issue 9). The application's role owns none of them (least privilege,
-- ADR 21), so its ANALYZE of them is skipped with a warning, and until autovacuum's first pass (a minute in) the
-- planner takes a freshly filled ledger for an empty one: the bulk path's id-list lookups then scan the whole table
-- for every batch (a second per batch by the end of the demo). This function, owned by the owner of the ledger and
-- executable by the application's role only (afterMigrate), refreshes their statistics and can do nothing else.
CREATE OR REPLACE FUNCTION careledger_analyze_ledger() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    -- whole tables: an analysis of some columns would leave their count of changes as it was
    ANALYZE public.domain_event_entry;
    ANALYZE public.ledger_chain;
    ANALYZE public.ledger_checkpoint;
END
$$;
REVOKE ALL ON FUNCTION careledger_analyze_ledger() FROM PUBLIC;
