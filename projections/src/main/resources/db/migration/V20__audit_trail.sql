-- The audit trail read model (org.careledger.audit.trail): who saw what, built by the tracking processor
-- "audit-trail" from the audit events of the ledger (RecordAccessed, RecordAccessRefused, PatientSearched,
-- AuditTrailQueried, EmergencyAccessDeclared) plus the entry facts it needs to name sections.
--
-- Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE on every audit table, so a row once written is never
-- changed in place, not even by the application's own database user.
--
-- Generations: the tables live in a schema per generation (audit_g1, audit_g2, ...). Rebuilding the projection
-- creates a FRESH generation and replays the ledger into it while the active one keeps answering; when the new one
-- has caught up, the views in the current schema (audit_event, access_disclosure, audit_entry, ig_alert) are
-- re-pointed at it in one transaction. Old generations are retired, never emptied or dropped.

CREATE FUNCTION careledger_refuse_audit_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Which generation answers (ACTIVE), which is being rebuilt (BUILDING), which are kept for the record (RETIRED).
-- This pointer table is bookkeeping, not audit data: its state column moves forward on a switch.
CREATE TABLE audit_generation (
    generation   integer      NOT NULL PRIMARY KEY,
    schema_name  varchar(63)  NOT NULL UNIQUE,
    state        varchar(10)  NOT NULL CHECK (state IN ('BUILDING', 'ACTIVE', 'RETIRED')),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    activated_at timestamptz,
    -- the ledger's highest global index when the rebuild started: the new generation must reach it
    rebuild_head bigint
);
CREATE UNIQUE INDEX audit_generation_one_active ON audit_generation (state) WHERE state = 'ACTIVE';
CREATE UNIQUE INDEX audit_generation_one_building ON audit_generation (state) WHERE state = 'BUILDING';

-- Creates the tables, indexes and append-only triggers of one generation in its own schema.
CREATE FUNCTION careledger_audit_create_generation(gen integer) RETURNS varchar
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar := 'audit_g' || gen;
    t varchar;
BEGIN
    EXECUTE format('CREATE SCHEMA %I', s);

    -- one row per audit event (and per emergency declaration, itself an IG alert)
    EXECUTE format($ddl$
        CREATE TABLE %I.audit_event (
            event_id          varchar(255) NOT NULL PRIMARY KEY,
            global_index      bigint       NOT NULL UNIQUE,
            kind              varchar(20)  NOT NULL,
            occurred_at       timestamptz  NOT NULL,
            user_id           uuid         NOT NULL,
            role              varchar(40)  NOT NULL,
            organisation      varchar(6),
            patient           char(10),
            basis             varchar(12),
            grant_id          uuid,
            emergency_id      uuid,
            purpose           varchar(30),
            channel           varchar(20),
            record_view       varchar(10),
            policy_version    varchar(64),
            receipt           text[]       NOT NULL DEFAULT '{}',
            disclosed_count   integer,
            withheld_count    integer,
            refusal_reason    varchar(30),
            search_kind       varchar(30),
            returned_patients text[],
            question          varchar(40),
            subject           varchar(255),
            period_from       timestamptz,
            period_to         timestamptz,
            emergency_until   timestamptz,
            emergency_reason  text
        )$ddl$, s);
    EXECUTE format('CREATE INDEX ON %I.audit_event (patient, occurred_at, global_index) WHERE patient IS NOT NULL', s);
    EXECUTE format('CREATE INDEX ON %I.audit_event (user_id, occurred_at, global_index)', s);
    EXECUTE format('CREATE INDEX ON %I.audit_event (occurred_at, global_index)', s);
    EXECUTE format($ddl$CREATE INDEX ON %I.audit_event (occurred_at, global_index)
                        WHERE kind = 'EMERGENCY_DECLARED' OR basis = 'EMERGENCY'$ddl$, s);
    EXECUTE format($ddl$CREATE INDEX ON %I.audit_event (occurred_at, global_index) WHERE kind = 'REFUSED'$ddl$, s);
    EXECUTE format('CREATE INDEX ON %I.audit_event USING gin (returned_patients)', s);

    -- the entry versions a read disclosed: "who has ever seen entry X" is an index lookup
    EXECUTE format($ddl$
        CREATE TABLE %I.access_disclosure (
            access_event_id varchar(255) NOT NULL,
            global_index    bigint       NOT NULL,
            occurred_at     timestamptz  NOT NULL,
            patient         char(10)     NOT NULL,
            entry_id        uuid         NOT NULL,
            version         integer      NOT NULL,
            section         varchar(30),
            PRIMARY KEY (access_event_id, entry_id)
        )$ddl$, s);
    EXECUTE format('CREATE INDEX ON %I.access_disclosure (entry_id, occurred_at, global_index)', s);

    -- what the trail needs to know of an entry to name its section (never content); an entry's section is fixed
    EXECUTE format($ddl$
        CREATE TABLE %I.audit_entry (
            entry_id     uuid        NOT NULL PRIMARY KEY,
            patient      char(10)    NOT NULL,
            section      varchar(30) NOT NULL,
            global_index bigint      NOT NULL
        )$ddl$, s);

    -- IG alerts derived from the trail; reviews and outcomes are events of their own (a later issue)
    EXECUTE format($ddl$
        CREATE TABLE %I.ig_alert (
            alert_id        varchar(255) NOT NULL PRIMARY KEY,
            kind            varchar(30)  NOT NULL,
            raised_at       timestamptz  NOT NULL,
            user_id         uuid         NOT NULL,
            patient         char(10),
            source_event_id varchar(255) NOT NULL,
            global_index    bigint       NOT NULL,
            detail          varchar(255)
        )$ddl$, s);
    EXECUTE format('CREATE INDEX ON %I.ig_alert (raised_at, global_index)', s);
    EXECUTE format('CREATE INDEX ON %I.ig_alert (kind, raised_at, global_index)', s);

    -- facts the alerts compare: staff surnames (StaffMemberRegistered) and patients' surnames and postcodes,
    -- the latter kept as history (a row per change) so the trail never updates in place
    EXECUTE format($ddl$
        CREATE TABLE %I.audit_staff (
            user_id      uuid         NOT NULL PRIMARY KEY,
            surname      varchar(255) NOT NULL,
            global_index bigint       NOT NULL
        )$ddl$, s);
    EXECUTE format($ddl$
        CREATE TABLE %I.audit_patient_name (
            patient      char(10)     NOT NULL,
            global_index bigint       NOT NULL,
            surname      varchar(255) NOT NULL,
            postcode     varchar(16),
            PRIMARY KEY (patient, global_index)
        )$ddl$, s);

    FOREACH t IN ARRAY ARRAY['audit_event', 'access_disclosure', 'audit_entry', 'ig_alert', 'audit_staff',
                             'audit_patient_name'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I.%I
                        FOR EACH ROW EXECUTE FUNCTION careledger_refuse_audit_change()', t || '_append_only', s, t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION careledger_refuse_audit_change()', t || '_no_truncate', s, t);
    END LOOP;
    RETURN s;
END;
$$;

-- Points the views the queries use at one generation. Run inside the switching transaction: readers see the old
-- generation or the new one, never a mix.
CREATE FUNCTION careledger_audit_point_views(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    t varchar;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_event', 'access_disclosure', 'audit_entry', 'ig_alert'] LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %I AS SELECT * FROM %I.%I', t, s, t);
    END LOOP;
END;
$$;

INSERT INTO audit_generation (generation, schema_name, state, activated_at) VALUES (1, 'audit_g1', 'ACTIVE', now());
SELECT careledger_audit_create_generation(1);
SELECT careledger_audit_point_views('audit_g1');
