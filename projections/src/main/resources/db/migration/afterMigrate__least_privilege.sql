-- Least privilege (issue 13, ADR 21), run by Flyway after every migrate, as the owner that runs the migrations.
-- The application's role (placeholder approle, spring.flyway.placeholders.approle, default careledger) may only
-- SELECT and INSERT the ledger tables (the events, their hash chain, its checkpoints): no UPDATE, DELETE, TRUNCATE,
-- no triggers, and it owns none of them, so it cannot drop or disable their append-only triggers either.
-- Everything derived from the ledger (registers, views, audit trail generations, the patient index, tokens,
-- snapshots) is handed to the application's role, which rebuilds it (DDL included) at run time.
-- Nothing happens when that role does not exist or is the one migrating (one role for everything, as before).
DO $least_privilege$
DECLARE
    app    text   := '${approle}';
    ledger text[] := ARRAY ['domain_event_entry', 'ledger_chain', 'ledger_checkpoint', 'flyway_schema_history'];
    r      record;
BEGIN
    IF app = '' OR app = current_user OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO %I', current_database(), app);
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', app);
    FOR r IN SELECT nspname FROM pg_namespace
              WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'
                AND pg_get_userbyid(nspowner) <> app
    LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, app);
    END LOOP;
    -- tables, partitioned tables, views; sequences only when no column owns them (those follow their table)
    FOR r IN SELECT n.nspname, c.relname, c.relkind
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%'
                AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                AND NOT (n.nspname = 'public' AND c.relname = ANY (ledger))
                AND pg_get_userbyid(c.relowner) <> app
                AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                                                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                         AND d.deptype IN ('a', 'i')))
    LOOP
        EXECUTE format('ALTER %s %I.%I OWNER TO %I',
                       CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.nspname, r.relname, app);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS fn
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%'
                AND p.proname NOT IN ('careledger_refuse_ledger_change', 'careledger_analyze_ledger')
                AND pg_get_userbyid(p.proowner) <> app
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                                            AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, app);
    END LOOP;
    EXECUTE format('REVOKE ALL ON domain_event_entry, ledger_chain, ledger_checkpoint FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON domain_event_entry, ledger_chain, ledger_checkpoint TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE domain_event_entry_global_index_seq TO %I', app);
    EXECUTE format('GRANT SELECT ON flyway_schema_history TO %I', app);
    -- the ledger's planner statistics, refreshed by the owner's function (V78): the one thing the role may run as owner
    EXECUTE format('GRANT EXECUTE ON FUNCTION careledger_analyze_ledger() TO %I', app);
END
$least_privilege$;
