-- Who resolved a queue entry (issue 26): the OS user of the console that
-- linked it. Entries resolved before stay without one.
ALTER TABLE unresolved ADD COLUMN resolved_by TEXT;
