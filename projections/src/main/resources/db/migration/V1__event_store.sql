-- Axon's event store, token store and snapshot store for JdbcEventStorageEngine / JdbcTokenStore, in snake_case.
-- Binary columns are bytea, never oid: oid large objects are unreadable in SQL and never cleaned up.

-- The global index has its own sequence, increment 1, cache 1: every committed event gets the next number,
-- so the only gaps are rolled-back transactions (which the tracking processors' gap detection handles).
-- Read models must never draw from this sequence.
CREATE SEQUENCE domain_event_entry_global_index_seq INCREMENT BY 1 CACHE 1 NO CYCLE;

CREATE TABLE domain_event_entry (
    global_index         bigint       NOT NULL DEFAULT nextval('domain_event_entry_global_index_seq'),
    event_identifier     varchar(255) NOT NULL,
    aggregate_identifier varchar(255) NOT NULL,
    sequence_number      bigint       NOT NULL,
    type                 varchar(255),
    time_stamp           varchar(255) NOT NULL,
    payload_type         varchar(255) NOT NULL,
    payload_revision     varchar(255),
    payload              bytea        NOT NULL,
    meta_data            bytea,
    CONSTRAINT domain_event_entry_pkey PRIMARY KEY (global_index),
    CONSTRAINT domain_event_entry_aggregate_sequence_key UNIQUE (aggregate_identifier, sequence_number),
    CONSTRAINT domain_event_entry_event_identifier_key UNIQUE (event_identifier)
);
ALTER SEQUENCE domain_event_entry_global_index_seq OWNED BY domain_event_entry.global_index;

CREATE TABLE snapshot_event_entry (
    aggregate_identifier varchar(255) NOT NULL,
    sequence_number      bigint       NOT NULL,
    type                 varchar(255) NOT NULL,
    event_identifier     varchar(255) NOT NULL,
    time_stamp           varchar(255) NOT NULL,
    payload_type         varchar(255) NOT NULL,
    payload_revision     varchar(255),
    payload              bytea        NOT NULL,
    meta_data            bytea,
    CONSTRAINT snapshot_event_entry_pkey PRIMARY KEY (aggregate_identifier, sequence_number),
    CONSTRAINT snapshot_event_entry_event_identifier_key UNIQUE (event_identifier)
);

CREATE TABLE token_entry (
    processor_name varchar(255) NOT NULL,
    segment        integer      NOT NULL,
    token          bytea,
    token_type     varchar(255),
    timestamp      varchar(255),
    owner          varchar(255),
    CONSTRAINT token_entry_pkey PRIMARY KEY (processor_name, segment)
);
