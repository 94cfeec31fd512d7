-- Phases are stored under their one stable name (the same in JSON and in
-- the config): "saved lists" was the only one that differed.
UPDATE sync_run_phases SET phase = 'saved_lists' WHERE phase = 'saved lists';
