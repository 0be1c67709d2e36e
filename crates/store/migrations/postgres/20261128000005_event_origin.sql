-- Which process wrote a case event (a random token per process), so a desk on a
-- SQLite file can tell the changes other processes made (it follows case_events
-- for them) from its own (already heard in-process). NULL: written before this.
ALTER TABLE case_events ADD COLUMN origin TEXT;
