-- A read's disclosures on the read's own row (ADR 32, issue 10): the entries a read disclosed, their versions and
-- the sections they are in become three arrays on its audit_event row, with a GIN index on the entries, instead of
-- one access_disclosure row per entry (~200 rows and 400 B-tree entries per record opened: most of the database's
-- work in an open). "Who has seen entry X" is then a GIN lookup on the reads' rows.
--
-- Every generation (the active one, one being built, the retired ones) gets the columns; its access_disclosure rows
-- are moved onto their reads' rows (the append-only trigger is lifted for that one statement, inside this
-- migration's transaction) and the table is dropped once every row is accounted for. New generations are created
-- with the columns and without the table.
--
-- The arrays are canonical, so that a rebuilt generation equals the one it replaces: entries in uuid order with
-- their versions in the same order, sections distinct and in "C" order, sections of unknown entries left out.

CREATE FUNCTION careledger_audit_disclosures_on_the_read(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    moved  bigint;
    before bigint;
BEGIN
    EXECUTE format($ddl$ALTER TABLE %I.audit_event
                        ADD COLUMN IF NOT EXISTS disclosed_entries  uuid[],
                        ADD COLUMN IF NOT EXISTS disclosed_versions integer[],
                        ADD COLUMN IF NOT EXISTS disclosed_sections text[]$ddl$, s);
    EXECUTE format('CREATE INDEX IF NOT EXISTS audit_event_disclosed_entries ON %I.audit_event
                    USING gin (disclosed_entries)', s);
    IF to_regclass(format('%I.access_disclosure', s)) IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I.access_disclosure', s) INTO before;
    EXECUTE format('ALTER TABLE %I.audit_event DISABLE TRIGGER audit_event_append_only', s);
    EXECUTE format($dml$
        UPDATE %1$I.audit_event e
           SET disclosed_entries = d.entries, disclosed_versions = d.versions, disclosed_sections = d.sections
          FROM (SELECT access_event_id,
                       array_agg(entry_id ORDER BY entry_id) AS entries,
                       array_agg(version ORDER BY entry_id) AS versions,
                       coalesce(array_agg(DISTINCT section::text COLLATE "C" ORDER BY section::text COLLATE "C")
                                FILTER (WHERE section IS NOT NULL), '{}') AS sections
                  FROM %1$I.access_disclosure GROUP BY access_event_id) d
         WHERE e.event_id = d.access_event_id$dml$, s);
    EXECUTE format('ALTER TABLE %I.audit_event ENABLE TRIGGER audit_event_append_only', s);
    EXECUTE format('SELECT coalesce(sum(cardinality(disclosed_entries)), 0) FROM %I.audit_event', s) INTO moved;
    IF moved <> before THEN
        RAISE EXCEPTION 'audit generation %: % disclosures moved onto their reads, % expected', s, moved, before;
    END IF;
    EXECUTE format('DROP TABLE %I.access_disclosure', s);
END;
$$;

-- the views the queries use no longer include access_disclosure
DROP VIEW IF EXISTS access_disclosure;
CREATE OR REPLACE FUNCTION careledger_audit_point_views_v20(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    t varchar;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_event', 'audit_entry', 'ig_alert'] LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %I AS SELECT * FROM %I.%I', t, s, t);
    END LOOP;
END;
$$;

ALTER FUNCTION careledger_audit_create_generation(integer) RENAME TO careledger_audit_create_generation_v77;

CREATE FUNCTION careledger_audit_create_generation(gen integer) RETURNS varchar
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar;
BEGIN
    s := careledger_audit_create_generation_v77(gen);
    PERFORM careledger_audit_disclosures_on_the_read(s);
    RETURN s;
END;
$$;

SELECT careledger_audit_disclosures_on_the_read(schema_name) FROM audit_generation ORDER BY generation;
SELECT careledger_audit_point_views(schema_name) FROM audit_generation WHERE state = 'ACTIVE';
