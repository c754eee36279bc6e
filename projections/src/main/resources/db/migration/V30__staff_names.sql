-- Staff display names in the registers, for the patient's access history ("who looked at my record", in plain
-- words). Names of staff are directory data, not record content. Existing rows are filled from the ledger's
-- StaffMemberRegistered events (the payload is JSON in bytea); new ones by RegistersProjection.
ALTER TABLE staff_member ADD COLUMN display_name varchar(255);

UPDATE staff_member s
   SET display_name = convert_from(e.payload, 'UTF8')::jsonb ->> 'displayName'
  FROM domain_event_entry e
 WHERE e.payload_type = 'org.careledger.directory.StaffMemberRegistered'
   AND e.aggregate_identifier = s.user_id::text;
