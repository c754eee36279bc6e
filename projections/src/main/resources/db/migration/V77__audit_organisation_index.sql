-- IG's per-organisation counts (issue 11, docs/benchmarks.md "Search at regional scale"): "per-user daily counts for
-- one organisation over a month" read every access of the month through the (occurred_at, global_index) index and
-- filtered the organisation's out of them. An index on (organisation, occurred_at) over the reads, carrying the user,
-- answers it from the index alone (the audit trail is append-only, so the visibility map stays set after VACUUM).
--
-- Generations: existing ones get the index here, new ones through careledger_audit_create_generation, which now
-- wraps the V40 function (renamed, unchanged).

CREATE FUNCTION careledger_audit_create_organisation_index(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    EXECUTE format($ddl$CREATE INDEX IF NOT EXISTS audit_event_organisation_reads ON %I.audit_event
                        (organisation, occurred_at) INCLUDE (user_id) WHERE kind = 'ACCESSED'$ddl$, s);
END;
$$;

ALTER FUNCTION careledger_audit_create_generation(integer) RENAME TO careledger_audit_create_generation_v40;

CREATE FUNCTION careledger_audit_create_generation(gen integer) RETURNS varchar
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar;
BEGIN
    s := careledger_audit_create_generation_v40(gen);
    PERFORM careledger_audit_create_organisation_index(s);
    RETURN s;
END;
$$;

SELECT careledger_audit_create_organisation_index(schema_name) FROM audit_generation ORDER BY generation;
