-- Connected network accounts and feeds. Their secrets live in the OS
-- keychain; `secret_ref` only names them. `cursor` is the connector's own
-- bookmark, advanced only after the posts it covers are committed.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    network TEXT NOT NULL,
    name TEXT NOT NULL,
    base_url TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    secret_ref TEXT,
    enabled BIGINT NOT NULL DEFAULT 1,
    cursor TEXT,
    posts_fetched BIGINT NOT NULL DEFAULT 0,
    last_poll_at BIGINT,
    next_poll_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (network, name)
);
