-- The audit trail: an append-only, hash-chained log of every audited change
-- (case events, configuration saves, alert acknowledgements and resolutions,
-- accounts connected, identity links). See src/audit/mod.rs for the hash.
--
-- `audit_log`: seq is gapless and assigned in chain order; payload is the
-- change's details as compact JSON text; prev_hash is the previous entry's
-- hash (64 zeros for the first); hash = SHA-256 (hex) over the canonical
-- encoding of (seq, at, actor, action, subject, payload, prev_hash).
-- `audit_head`: one row holding the last seq and hash; appending locks it
-- (an UPDATE in the change's own transaction), which keeps the chain linear
-- with several desks writing at once.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Rows are never changed or removed. An administrator who disables this
-- trigger and edits rows by hand is what `switchboard audit verify` catches.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
