-- The facts a staff member's read gives the IG alert rules (AuditTrailProjection, ADR 31's one statement) ask two
-- questions of the patient's own reads: has this reader read the record as the patient ("own"), and has the patient
-- (or anyone reading as a patient) also read records as staff of the reader's organisation ("colleague"). With only
-- (patient, occurred_at, global_index) and (user_id, ...) to go on, both scanned every audit row of the patient, or
-- of the reader, so a read cost more the more the record had been read: under `bench-reads` it was most of an open's
-- time in the database (issue 10). Reads made as the patient are few; this index holds only them.
--
-- Generations: existing ones get it here, new ones through careledger_audit_create_generation, which now wraps the
-- V83 function (renamed, unchanged).

CREATE FUNCTION careledger_audit_create_patient_reads_index(s varchar) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    EXECUTE format($ddl$CREATE INDEX IF NOT EXISTS audit_event_patient_reads ON %I.audit_event
                        (patient, user_id, global_index) WHERE role = 'PATIENT'$ddl$, s);
END;
$$;

ALTER FUNCTION careledger_audit_create_generation(integer) RENAME TO careledger_audit_create_generation_v83;

CREATE FUNCTION careledger_audit_create_generation(gen integer) RETURNS varchar
    LANGUAGE plpgsql AS
$$
DECLARE
    s varchar;
BEGIN
    s := careledger_audit_create_generation_v83(gen);
    PERFORM careledger_audit_create_patient_reads_index(s);
    RETURN s;
END;
$$;

SELECT careledger_audit_create_patient_reads_index(schema_name) FROM audit_generation ORDER BY generation;
