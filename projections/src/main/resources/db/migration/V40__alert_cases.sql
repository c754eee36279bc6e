-- IG alert cases (org.careledger.alert): reviews and closures of the audit trail's alerts, from the AlertReviewed
-- and AlertClosed events. The audit trail is append-only (V20), so a review or a closure is a NEW ROW of
-- ig_alert_review, never an update of ig_alert; an alert's current state is derived from its rows: CLOSED (with
-- the outcome) once a CLOSED row exists, UNDER_REVIEW once a REVIEWED row exists, OPEN otherwise.
--
-- Generations: every generation gets the table, existing ones here and new ones through
-- careledger_audit_create_generation, which now wraps the V20 function (renamed, unchanged); the views likewise.

CREATE FUNCTION careledger_audit_create_alert_cases(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    EXECUTE format($ddl$
        CREATE TABLE %I.ig_alert_review (
            event_id     varchar(255)  NOT NULL PRIMARY KEY,
            global_index bigint        NOT NULL UNIQUE,
            alert_id     varchar(255)  NOT NULL,
            action       varchar(10)   NOT NULL CHECK (action IN ('REVIEWED', 'CLOSED')),
            occurred_at  timestamptz   NOT NULL,
            user_id      uuid          NOT NULL,
            role         varchar(40)   NOT NULL,
            organisation varchar(6),
            outcome      varchar(40),
            note         text
        )$ddl$, s);
    EXECUTE format('CREATE INDEX ON %I.ig_alert_review (alert_id, global_index)', s);
    -- one closure per alert, whatever a replay or a race might try
    EXECUTE format($ddl$CREATE UNIQUE INDEX ON %I.ig_alert_review (alert_id) WHERE action = 'CLOSED'$ddl$, s);
    EXECUTE format('CREATE TRIGGER ig_alert_review_append_only BEFORE UPDATE OR DELETE ON %I.ig_alert_review
                    FOR EACH ROW EXECUTE FUNCTION careledger_refuse_audit_change()', s);
    EXECUTE format('CREATE TRIGGER ig_alert_review_no_truncate BEFORE TRUNCATE ON %I.ig_alert_review
                    FOR EACH STATEMENT EXECUTE FUNCTION careledger_refuse_audit_change()', s);
END;
$$;

ALTER FUNCTION careledger_audit_create_generation(integer) RENAME TO careledger_audit_create_generation_v20;

CREATE FUNCTION careledger_audit_create_generation(gen integer) RETURNS varchar
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar;
BEGIN
    s := careledger_audit_create_generation_v20(gen);
    PERFORM careledger_audit_create_alert_cases(s);
    RETURN s;
END;
$$;

ALTER FUNCTION careledger_audit_point_views(varchar) RENAME TO careledger_audit_point_views_v20;

CREATE FUNCTION careledger_audit_point_views(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM careledger_audit_point_views_v20(s);
    EXECUTE format('CREATE OR REPLACE VIEW ig_alert_review AS SELECT * FROM %I.ig_alert_review', s);
END;
$$;

SELECT careledger_audit_create_alert_cases(schema_name) FROM audit_generation ORDER BY generation;
SELECT careledger_audit_point_views(schema_name) FROM audit_generation WHERE state = 'ACTIVE';
