-- The pipeline stage is `salesstage` ("Sales Stage"), not `salesstagecode`
-- ("Process Code", one option: 1 "Default Value"); see
-- https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity
-- Values mirrored from the wrong column are dropped and the opportunities
-- read in full again at the next sync (its delta link is forgotten), before
-- that run selects anything.
ALTER TABLE crm_opportunities RENAME COLUMN salesstagecode TO salesstage;
UPDATE crm_opportunities SET salesstage = NULL;
DELETE FROM sync_tokens WHERE entity_set = 'opportunities';
-- A stage chosen from the Process Code list ("Not sure" + "Default Value")
-- meant nothing; forget it (the config file's choice applies again) and
-- the cached choices, which the next sync reads from `salesstage`.
DELETE FROM settings
 WHERE key = 'pipeline_stage'
   AND EXISTS (SELECT 1 FROM settings c
                WHERE c.key = 'crm_choices'
                  AND json_array_length(c.value, '$.stages') = 2
                  AND json_extract(c.value, '$.stages[1].label') = 'Default Value');
DELETE FROM settings WHERE key = 'crm_choices';
