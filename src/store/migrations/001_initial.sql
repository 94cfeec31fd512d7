-- navsync store, schema 1. Times are RFC 3339 UTC text; CRM ids are the
-- Dataverse GUIDs as lowercase text.

-- The one CRM connection (id = 1) and the outcome of its last checks.
CREATE TABLE connection (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    state           TEXT NOT NULL CHECK (state IN ('connected', 'disconnected', 'error')),
    instance_url    TEXT NOT NULL,
    tenant_id       TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    auth_method     TEXT NOT NULL,
    crm_user_id     TEXT,
    crm_user_name   TEXT,
    is_integration_user INTEGER NOT NULL DEFAULT 0,
    organization_id TEXT,
    organization_name TEXT,
    org_version     TEXT,
    checks_json     TEXT NOT NULL DEFAULT '[]',
    connected_at    TEXT,
    updated_at      TEXT NOT NULL,
    last_error_kind TEXT,
    last_error_detail TEXT
);

-- Admin settings changed from the console; absent keys fall back to config.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Workspace seats (licence holders).
CREATE TABLE seats (
    id           INTEGER PRIMARY KEY,
    member_id    TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    email        TEXT,
    licence      TEXT NOT NULL CHECK (licence IN ('admin', 'member')),
    edition      TEXT NOT NULL CHECK (edition IN ('team', 'enterprise')),
    crm_user_id  TEXT,
    sync_enabled INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX seats_crm_user ON seats(crm_user_id) WHERE crm_user_id IS NOT NULL;

-- CRM mirrors: what the pull has read, one table per Dataverse table.
CREATE TABLE crm_systemusers (
    systemuserid  TEXT PRIMARY KEY,
    fullname      TEXT NOT NULL,
    email         TEXT,
    isdisabled    INTEGER NOT NULL DEFAULT 0,
    is_application_user INTEGER NOT NULL DEFAULT 0,
    modifiedon    TEXT
);

CREATE TABLE crm_accounts (
    accountid       TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    websiteurl      TEXT,
    parentaccountid TEXT,
    ownerid         TEXT,
    modifiedon      TEXT
);

CREATE TABLE crm_contacts (
    contactid        TEXT PRIMARY KEY,
    fullname         TEXT NOT NULL,
    firstname        TEXT,
    lastname         TEXT,
    email            TEXT,
    jobtitle         TEXT,
    parentaccountid  TEXT,
    linkedin_url     TEXT,
    modifiedon       TEXT
);
CREATE INDEX crm_contacts_account ON crm_contacts(parentaccountid);
CREATE INDEX crm_contacts_email ON crm_contacts(email COLLATE NOCASE);

CREATE TABLE crm_opportunities (
    opportunityid    TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    ownerid          TEXT,
    accountid        TEXT,           -- customer or parent account
    contactid        TEXT,           -- customer or parent contact
    statecode        INTEGER NOT NULL, -- 0 open, 1 won, 2 lost
    salesstagecode   INTEGER,
    stepname         TEXT,
    money_json       TEXT NOT NULL DEFAULT '{}', -- money columns by logical name
    modifiedon       TEXT
);
CREATE INDEX crm_opportunities_owner ON crm_opportunities(ownerid);

-- Change-tracking state per Dataverse table.
CREATE TABLE sync_tokens (
    entity_set  TEXT PRIMARY KEY,
    delta_link  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Saved accounts and leads per seat. `manual` = the seat holder saved it;
-- `from_crm` = the pull saved it. A row lives while either is set.
CREATE TABLE saved_accounts (
    seat_id    INTEGER NOT NULL REFERENCES seats(id) ON DELETE CASCADE,
    accountid  TEXT NOT NULL,
    manual     INTEGER NOT NULL DEFAULT 0,
    from_crm   INTEGER NOT NULL DEFAULT 0,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (seat_id, accountid)
);

CREATE TABLE saved_leads (
    seat_id    INTEGER NOT NULL REFERENCES seats(id) ON DELETE CASCADE,
    contactid  TEXT NOT NULL,
    manual     INTEGER NOT NULL DEFAULT 0,
    from_crm   INTEGER NOT NULL DEFAULT 0,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (seat_id, contactid)
);

-- Which opportunities brought each CRM-saved item in, so that closing one
-- removes only what it alone brought.
CREATE TABLE saved_provenance (
    seat_id        INTEGER NOT NULL REFERENCES seats(id) ON DELETE CASCADE,
    item_kind      TEXT NOT NULL CHECK (item_kind IN ('account', 'contact')),
    item_id        TEXT NOT NULL,
    opportunityid  TEXT NOT NULL,
    PRIMARY KEY (seat_id, item_kind, item_id, opportunityid)
);

-- Workspace activities (InMails, messages, notes).
CREATE TABLE activities (
    id                 INTEGER PRIMARY KEY,
    external_id        TEXT NOT NULL UNIQUE,
    seat_id            INTEGER NOT NULL REFERENCES seats(id),
    kind               TEXT NOT NULL CHECK (kind IN ('inmail', 'message', 'note')),
    member_name        TEXT NOT NULL,
    member_company     TEXT,
    member_title       TEXT,
    member_email       TEXT,
    member_profile_url TEXT,
    subject            TEXT NOT NULL,
    body               TEXT NOT NULL,
    occurred_at        TEXT NOT NULL,
    copy_to_crm        INTEGER NOT NULL DEFAULT 1,
    state              TEXT NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'excluded', 'queued', 'written_closed', 'written_open', 'resolved', 'failed')),
    crm_activity_id    TEXT UNIQUE,
    matched_contactid  TEXT,
    match_reason       TEXT,
    attempts           INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    imported_at        TEXT NOT NULL
);
CREATE INDEX activities_state ON activities(state);

-- Writes to the CRM, committed before they are sent and finished after the
-- CRM confirms: the source of exactly-once.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER REFERENCES activities(id),
    operation    TEXT NOT NULL,
    entity_set   TEXT NOT NULL,
    crm_id       TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (operation, crm_id)
);
CREATE INDEX outbox_pending ON outbox(state) WHERE state = 'pending';

-- Activities written open because nothing matched, awaiting a seat holder.
CREATE TABLE unresolved (
    activity_id   INTEGER PRIMARY KEY REFERENCES activities(id),
    reason        TEXT NOT NULL,
    queued_at     TEXT NOT NULL,
    dismissed_at  TEXT,
    resolved_at   TEXT,
    resolution    TEXT,
    resolved_contactid TEXT
);

CREATE TABLE unresolved_candidates (
    activity_id  INTEGER NOT NULL REFERENCES unresolved(activity_id) ON DELETE CASCADE,
    contactid    TEXT NOT NULL,
    score        REAL NOT NULL,
    reason       TEXT NOT NULL,
    PRIMARY KEY (activity_id, contactid)
);

-- One row per sync run, with per-phase counts.
CREATE TABLE sync_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    mode         TEXT NOT NULL CHECK (mode IN ('full', 'incremental', 'dry_run')),
    outcome      TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'error', 'cancelled')),
    requests     INTEGER NOT NULL DEFAULT 0,
    retries      INTEGER NOT NULL DEFAULT 0,
    throttle_waits INTEGER NOT NULL DEFAULT 0,
    error_kind   TEXT,
    error_detail TEXT
);

CREATE TABLE sync_run_phases (
    run_id      INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
    phase       TEXT NOT NULL,
    rows        INTEGER NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (run_id, phase)
);

-- Every write sent to the CRM and what came of it.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_set  TEXT NOT NULL,
    crm_id      TEXT NOT NULL,
    activity_id INTEGER,
    result      TEXT NOT NULL,
    detail      TEXT
);
