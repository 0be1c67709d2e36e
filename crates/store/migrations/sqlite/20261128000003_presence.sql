-- Presence and mentions.
--
-- `presence`: one row per desk session (a running app, a `switchboard
-- presence` command) and member: online, viewing a case or drafting a reply
-- on it, the last heartbeat and when the row stops counting (a heartbeat
-- every 15 s keeps it 45 s ahead; a crashed desk's row simply expires).
-- Leaving a case or closing the app deletes or changes the row.
-- `notifications`: what a member is told, today a mention of their handle
-- in an internal note, written in the note's transaction; one per member
-- and note event, read once they opened it.
CREATE TABLE presence (
    member_id BIGINT NOT NULL REFERENCES members(id),
    session TEXT NOT NULL,
    state TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id) ON DELETE CASCADE,
    seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, session)
);
CREATE INDEX presence_by_expiry ON presence (expires_at);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES case_events(id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    UNIQUE (member_id, event_id)
);
CREATE INDEX notifications_by_member ON notifications (member_id, id);
