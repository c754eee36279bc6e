-- The patient index (org.careledger.audit.search): what a patient search may look up. Written by a subscribing
-- processor in the same transaction as the record events, so a search never misses a registered patient.
-- The family name is kept normalised (upper case, letters only, accents stripped) for matching only.
CREATE TABLE patient_index (
    nhs_number          char(10)     NOT NULL PRIMARY KEY,
    family_name         varchar(255) NOT NULL,
    birth_date          date         NOT NULL,
    registered_practice varchar(6)
);
CREATE INDEX patient_index_family_name_birth_date_idx ON patient_index (family_name, birth_date);

-- Time travel reads the directory's history (role assignments, team memberships, teams) from the ledger itself:
-- a small partial index over the directory events spares it a scan of every clinical event.
CREATE INDEX domain_event_entry_directory_idx ON domain_event_entry (global_index)
    WHERE payload_type IN ('org.careledger.directory.RoleAssigned', 'org.careledger.directory.RoleAssignmentEnded',
                           'org.careledger.directory.TeamFormed', 'org.careledger.directory.TeamJoined',
                           'org.careledger.directory.TeamLeft');
