-- Threads and tags (issue 24). A conversation is one activity row of its
-- own (`messages` = how many messages it holds, `version` = how many times
-- its text was queued for the CRM); the messages keep their rows, in state
-- `in_thread`, pointing at it through `conversation_id`. `tag` is the
-- label of a `tag` activity, `sender` who wrote a message.
-- The kind and state lists are CHECKs, so the table is rebuilt the way
-- SQLite's ALTER TABLE page prescribes (foreign keys are off while
-- migrations run; a foreign_key_check follows).
CREATE TABLE activities_new (
    id                 INTEGER PRIMARY KEY,
    external_id        TEXT NOT NULL UNIQUE,
    seat_id            INTEGER NOT NULL REFERENCES seats(id),
    kind               TEXT NOT NULL CHECK (kind IN ('inmail', 'message', 'note', 'tag')),
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
        CHECK (state IN ('new', 'excluded', 'queued', 'written_closed', 'written_open', 'resolved', 'failed', 'in_thread')),
    crm_activity_id    TEXT UNIQUE,
    matched_contactid  TEXT,
    match_reason       TEXT,
    attempts           INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    imported_at        TEXT NOT NULL,
    thread             TEXT,
    tag                TEXT,
    sender             TEXT,
    conversation_id    INTEGER REFERENCES activities_new(id),
    messages           INTEGER,
    version            INTEGER NOT NULL DEFAULT 0
);
INSERT INTO activities_new (id, external_id, seat_id, kind, member_name, member_company, member_title,
        member_email, member_profile_url, subject, body, occurred_at, copy_to_crm, state, crm_activity_id,
        matched_contactid, match_reason, attempts, last_error, imported_at)
    SELECT id, external_id, seat_id, kind, member_name, member_company, member_title,
        member_email, member_profile_url, subject, body, occurred_at, copy_to_crm, state, crm_activity_id,
        matched_contactid, match_reason, attempts, last_error, imported_at
    FROM activities;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX activities_state ON activities(state);
CREATE INDEX activities_conversation ON activities(conversation_id) WHERE conversation_id IS NOT NULL;
