-- Role assignments in the registers: who may act in which role at which organisation NOW. Sign-in is checked
-- against this table on every request (org.careledger.registers.SignInDirectory, one primary-key lookup), and the
-- development identity provider issues tokens only for the assignments it holds. A RoleAssigned adds a row, a
-- RoleAssignmentEnded removes it (RegistersProjection, in the command's transaction). seq orders the assignments
-- as they were made (the development provider's role@ODS.n usernames count in this order).
CREATE TABLE role_assignment (
    user_id  uuid        NOT NULL,
    role     varchar(40) NOT NULL,
    ods_code varchar(6)  NOT NULL,
    seq      bigserial   NOT NULL,
    PRIMARY KEY (user_id, role, ods_code)
);
CREATE INDEX role_assignment_role_idx ON role_assignment (role, ods_code, seq);

-- Existing ledgers: the assignments whose latest event is a RoleAssigned, in the order they were made.
INSERT INTO role_assignment (user_id, role, ods_code)
SELECT user_id, role, ods_code FROM (
    SELECT DISTINCT ON (p ->> 'user', p ->> 'role', p ->> 'organisation')
           (p ->> 'user')::uuid AS user_id, p ->> 'role' AS role, p ->> 'organisation' AS ods_code,
           payload_type, global_index
      FROM (SELECT convert_from(payload, 'UTF8')::jsonb AS p, payload_type, global_index
              FROM domain_event_entry
             WHERE payload_type IN ('org.careledger.directory.RoleAssigned',
                                    'org.careledger.directory.RoleAssignmentEnded')) e
     ORDER BY p ->> 'user', p ->> 'role', p ->> 'organisation', global_index DESC) latest
 WHERE payload_type = 'org.careledger.directory.RoleAssigned'
 ORDER BY global_index;
