-- ADR 34: the API remembers which sign-ins the directory holds, and forgets them all whenever one may have ended.
-- These triggers announce every such change to every node: PostgreSQL delivers the notification to each session that
-- LISTENs on careledger_sign_in (org.careledger.registers.SignInNotifications) when the changing transaction commits,
-- and never if it rolls back. The payload names the table only: nothing about a person.
--   role_assignment: any row changed or deleted (a role ended), or the table truncated (a rebuild);
--   patient: a row deleted or the table truncated. Not on UPDATE: a registration upsert (ON CONFLICT DO UPDATE fires
--   statement-level UPDATE triggers) changes only the registered practice, which sign-in does not read.
CREATE FUNCTION careledger_sign_in_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('careledger_sign_in', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER role_assignment_sign_in_changed
    AFTER UPDATE OR DELETE OR TRUNCATE ON role_assignment
    FOR EACH STATEMENT EXECUTE FUNCTION careledger_sign_in_changed();

CREATE TRIGGER patient_sign_in_changed
    AFTER DELETE OR TRUNCATE ON patient
    FOR EACH STATEMENT EXECUTE FUNCTION careledger_sign_in_changed();
