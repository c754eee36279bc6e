-- The sharing state and the role views (org.careledger.views): everything a read needs, kept by the SUBSCRIBING
-- processing group "views" in the same transaction as the events, so a read that starts after a command was
-- acknowledged sees its effects. Every fact keeps the id of the event that established it (decision receipts).
-- No foreign keys: a projection records what the ledger decided and never refuses an event.
-- ViewRebuild rebuilds every table listed in org.careledger.views.ViewTables from the ledger into schema
-- views_next (CREATE TABLE ... LIKE these) and swaps them in atomically.

CREATE TABLE view_patient (
    nhs_number          char(10)     NOT NULL PRIMARY KEY,
    registered_practice varchar(6)   NOT NULL,
    registration_event  varchar(255) NOT NULL,
    demographics        jsonb        NOT NULL,
    demographics_event  varchar(255) NOT NULL
);

CREATE TABLE view_consent (
    nhs_number   char(10)     NOT NULL,
    organisation varchar(6)   NOT NULL,
    direction    varchar(20)  NOT NULL,
    decision     varchar(20)  NOT NULL,
    event_id     varchar(255) NOT NULL,
    PRIMARY KEY (nhs_number, organisation, direction)
);

CREATE TABLE view_dissent (
    nhs_number char(10)     NOT NULL PRIMARY KEY,
    in_force   boolean      NOT NULL,
    event_id   varchar(255) NOT NULL
);

-- kind ACCESS (AccessGranted) or SEALED (SealedEntryAccessGranted); scope_sections for ACCESS, entries for SEALED
CREATE TABLE view_grant (
    grant_id       uuid         NOT NULL PRIMARY KEY,
    nhs_number     char(10)     NOT NULL,
    kind           varchar(10)  NOT NULL,
    grantee_kind   varchar(20)  NOT NULL,
    grantee_id     varchar(64)  NOT NULL,
    reason         varchar(40)  NOT NULL,
    scope_sections text[],
    entries        uuid[],
    valid_from     timestamptz  NOT NULL,
    valid_until    timestamptz  NOT NULL,
    revoked_at     timestamptz,
    event_id       varchar(255) NOT NULL
);
CREATE INDEX view_grant_patient_idx ON view_grant (nhs_number);

CREATE TABLE view_emergency (
    emergency_id uuid         NOT NULL PRIMARY KEY,
    nhs_number   char(10)     NOT NULL,
    user_id      uuid         NOT NULL,
    declared_at  timestamptz  NOT NULL,
    valid_until  timestamptz  NOT NULL,
    event_id     varchar(255) NOT NULL
);
CREATE INDEX view_emergency_patient_idx ON view_emergency (nhs_number);

-- teams (TeamFormed gives the organisation) and who is in them (TeamJoined / TeamLeft)
CREATE TABLE view_team (
    team_id      uuid       NOT NULL PRIMARY KEY,
    organisation varchar(6) NOT NULL
);

CREATE TABLE view_team_member (
    user_id  uuid         NOT NULL,
    team_id  uuid         NOT NULL,
    event_id varchar(255) NOT NULL,
    PRIMARY KEY (user_id, team_id)
);

-- the current state of every entry (latest version)
CREATE TABLE view_entry (
    entry_id              uuid         NOT NULL PRIMARY KEY,
    nhs_number            char(10)     NOT NULL,
    version               integer      NOT NULL,
    section               varchar(30)  NOT NULL,
    authoring_organisation varchar(6)  NOT NULL,
    author_user           uuid         NOT NULL,
    sensitivity           varchar(30)  NOT NULL,
    entered_in_error      boolean      NOT NULL,
    content               jsonb        NOT NULL,
    recorded_at           timestamptz  NOT NULL,
    effective_date        date         NOT NULL,
    event_id              varchar(255) NOT NULL
);
CREATE INDEX view_entry_patient_idx ON view_entry (nhs_number);

-- every change of every entry: versions (RECORDED, AMENDED, with content), ENTERED_IN_ERROR, SENSITIVITY_CHANGED
CREATE TABLE view_entry_history (
    event_id    varchar(255) NOT NULL PRIMARY KEY,
    entry_id    uuid         NOT NULL,
    nhs_number  char(10)     NOT NULL,
    seq         integer      NOT NULL,
    change      varchar(30)  NOT NULL,
    version     integer      NOT NULL,
    content     jsonb,
    sensitivity varchar(30),
    by_user     uuid         NOT NULL,
    by_role     varchar(40)  NOT NULL,
    by_organisation varchar(6),
    at          timestamptz  NOT NULL,
    reason      text,
    UNIQUE (entry_id, seq)
);

-- the role policy in force (the latest PolicyVersionActivated) and the sections each role's view holds under it
CREATE TABLE view_policy (
    id           integer      NOT NULL PRIMARY KEY CHECK (id = 1),
    version      varchar(100) NOT NULL,
    sha256       char(64)     NOT NULL,
    source       text         NOT NULL,
    activated_at timestamptz  NOT NULL,
    event_id     varchar(255) NOT NULL
);

CREATE TABLE view_role_section (
    role    varchar(40) NOT NULL,
    section varchar(30) NOT NULL,
    PRIMARY KEY (role, section)
);

-- ONE VIEW PER ROLE: the entries of the sections the role may read under the policy in force, one partition per
-- role. IG_OFFICER and ADMINISTRATOR have none. Entered-in-error entries stay (flagged) so that the history at the
-- authoring organisation can be served from the view; the access policy withholds them from current reads.
CREATE TABLE view_role_entry (
    role        varchar(40) NOT NULL,
    entry_id    uuid        NOT NULL,
    nhs_number  char(10)    NOT NULL,
    section     varchar(30) NOT NULL,
    PRIMARY KEY (role, entry_id)
) PARTITION BY LIST (role);
CREATE INDEX view_role_entry_patient_idx ON view_role_entry (role, nhs_number);
CREATE INDEX view_role_entry_entry_idx ON view_role_entry (entry_id);

CREATE TABLE view_role_entry_gp PARTITION OF view_role_entry FOR VALUES IN ('GP');
CREATE TABLE view_role_entry_practice_nurse PARTITION OF view_role_entry FOR VALUES IN ('PRACTICE_NURSE');
CREATE TABLE view_role_entry_practice_admin PARTITION OF view_role_entry FOR VALUES IN ('PRACTICE_ADMIN');
CREATE TABLE view_role_entry_district_nurse PARTITION OF view_role_entry FOR VALUES IN ('DISTRICT_NURSE');
CREATE TABLE view_role_entry_mental_health_practitioner PARTITION OF view_role_entry FOR VALUES IN ('MENTAL_HEALTH_PRACTITIONER');
CREATE TABLE view_role_entry_social_worker PARTITION OF view_role_entry FOR VALUES IN ('SOCIAL_WORKER');
CREATE TABLE view_role_entry_pharmacist PARTITION OF view_role_entry FOR VALUES IN ('PHARMACIST');
CREATE TABLE view_role_entry_ooh_clinician PARTITION OF view_role_entry FOR VALUES IN ('OOH_CLINICIAN');
CREATE TABLE view_role_entry_specialist PARTITION OF view_role_entry FOR VALUES IN ('SPECIALIST');
CREATE TABLE view_role_entry_patient PARTITION OF view_role_entry FOR VALUES IN ('PATIENT');

-- Bookkeeping of the views themselves (not rebuilt): a ledger that already held events when this migration ran
-- has empty views until they are rebuilt; ViewsStartup rebuilds them on the next start.
CREATE TABLE view_build (
    id            integer     NOT NULL PRIMARY KEY CHECK (id = 1),
    needs_rebuild boolean     NOT NULL,
    rebuilt_at    timestamptz,
    events        bigint
);
INSERT INTO view_build (id, needs_rebuild) SELECT 1, EXISTS (SELECT 1 FROM domain_event_entry);
