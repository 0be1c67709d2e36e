-- Member sign-in on a team workspace. `member_secrets`: one passphrase per
-- member, stored only as an Argon2id hash in PHC string form (never the
-- passphrase). `member_sessions`: the desks signed in, each known by the
-- SHA-256 (hex) of a random token that only that desk's local profile holds;
-- resetting a member's passphrase ends their sessions.
CREATE TABLE member_secrets (
    member_id BIGINT PRIMARY KEY REFERENCES members(id),
    passphrase_hash TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    set_by TEXT NOT NULL
);
CREATE TABLE member_sessions (
    token_hash TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    desk TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_sessions_member ON member_sessions (member_id);
