-- The mirrors are keyed by random GUIDs. As a PRIMARY KEY the key index is
-- filled in random order row by row, which was most of the store's CPU in a
-- first load; as a UNIQUE index it can be dropped for a first load and
-- built once, sorted, at its end (like the secondary indexes; see
-- store::mirror::indexes). Rows are copied over, so nothing is read again.
CREATE TABLE crm_systemusers_new (
    systemuserid  TEXT NOT NULL,
    fullname      TEXT NOT NULL,
    email         TEXT,
    isdisabled    INTEGER NOT NULL DEFAULT 0,
    is_application_user INTEGER NOT NULL DEFAULT 0,
    modifiedon    TEXT
);
INSERT INTO crm_systemusers_new
    SELECT systemuserid, fullname, email, isdisabled, is_application_user, modifiedon FROM crm_systemusers;
DROP TABLE crm_systemusers;
ALTER TABLE crm_systemusers_new RENAME TO crm_systemusers;
CREATE UNIQUE INDEX crm_systemusers_key ON crm_systemusers(systemuserid);

CREATE TABLE crm_accounts_new (
    accountid       TEXT NOT NULL,
    name            TEXT NOT NULL,
    websiteurl      TEXT,
    parentaccountid TEXT,
    ownerid         TEXT,
    modifiedon      TEXT
);
INSERT INTO crm_accounts_new
    SELECT accountid, name, websiteurl, parentaccountid, ownerid, modifiedon FROM crm_accounts;
DROP TABLE crm_accounts;
ALTER TABLE crm_accounts_new RENAME TO crm_accounts;
CREATE UNIQUE INDEX crm_accounts_key ON crm_accounts(accountid);

CREATE TABLE crm_contacts_new (
    contactid        TEXT NOT NULL,
    fullname         TEXT NOT NULL,
    firstname        TEXT,
    lastname         TEXT,
    email            TEXT,
    jobtitle         TEXT,
    parentaccountid  TEXT,
    linkedin_url     TEXT,
    modifiedon       TEXT
);
INSERT INTO crm_contacts_new
    SELECT contactid, fullname, firstname, lastname, email, jobtitle, parentaccountid, linkedin_url, modifiedon FROM crm_contacts;
DROP TABLE crm_contacts;
ALTER TABLE crm_contacts_new RENAME TO crm_contacts;
CREATE UNIQUE INDEX crm_contacts_key ON crm_contacts(contactid);
CREATE INDEX crm_contacts_account ON crm_contacts(parentaccountid);
CREATE INDEX crm_contacts_email ON crm_contacts(email COLLATE NOCASE);

CREATE TABLE crm_opportunities_new (
    opportunityid    TEXT NOT NULL,
    name             TEXT NOT NULL,
    ownerid          TEXT,
    accountid        TEXT,           -- customer or parent account
    contactid        TEXT,           -- customer or parent contact
    statecode        INTEGER NOT NULL, -- 0 open, 1 won, 2 lost
    salesstage       INTEGER,
    stepname         TEXT,
    money_json       TEXT NOT NULL DEFAULT '{}', -- money columns by logical name
    modifiedon       TEXT
);
INSERT INTO crm_opportunities_new
    SELECT opportunityid, name, ownerid, accountid, contactid, statecode, salesstage, stepname, money_json, modifiedon FROM crm_opportunities;
DROP TABLE crm_opportunities;
ALTER TABLE crm_opportunities_new RENAME TO crm_opportunities;
CREATE UNIQUE INDEX crm_opportunities_key ON crm_opportunities(opportunityid);
CREATE INDEX crm_opportunities_owner ON crm_opportunities(ownerid);
