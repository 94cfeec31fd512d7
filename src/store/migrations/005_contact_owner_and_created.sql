-- The Unresolved tab's candidates name the contact's owner and creation
-- date (issue 26): the CRM copy keeps `_ownerid_value` and `createdon`
-- (https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/contact).
-- An incremental read brings only rows changed since its delta link, so the
-- contacts' link is forgotten: the next sync reads them in full once and
-- fills the new columns for every row.
ALTER TABLE crm_contacts ADD COLUMN ownerid TEXT;
ALTER TABLE crm_contacts ADD COLUMN createdon TEXT;
DELETE FROM sync_tokens WHERE entity_set = 'contacts';
