-- The registers read model (org.careledger.registers): what command handlers may look up outside their own
-- aggregate. Written by a subscribing event processor in the same transaction as the events themselves.
-- Ids only; names are kept for the directory, never clinical content. No foreign keys: a projection records
-- what the ledger decided and must never refuse an event the aggregates accepted.
CREATE TABLE organisation (
    ods_code varchar(6)   NOT NULL PRIMARY KEY,
    type     varchar(40)  NOT NULL,
    name     varchar(255) NOT NULL
);

CREATE TABLE team (
    team_id  uuid       NOT NULL PRIMARY KEY,
    ods_code varchar(6) NOT NULL
);

CREATE TABLE staff_member (
    user_id uuid NOT NULL PRIMARY KEY
);

CREATE TABLE patient (
    nhs_number          char(10)   NOT NULL PRIMARY KEY,
    registered_practice varchar(6)
);
CREATE INDEX patient_registered_practice_idx ON patient (registered_practice);
