-- Listening queries sent to the networks' searches, and tags on cases.
--
-- `tag`: the tag a query puts on the cases its matches land in.
-- `listening_searches`: one row per (query, account) whose network search the
-- query is sent to. `search` is the translated query the cursor belongs to (a
-- changed query starts afresh); the cursor moves only after the posts it
-- covers are committed, and a failure keeps it and is recorded in plain words.
-- `case_tags`: the tags on a case (each one added with a case event).
ALTER TABLE listening_queries ADD COLUMN tag TEXT;

CREATE TABLE listening_searches (
    query_id BIGINT NOT NULL REFERENCES listening_queries(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    search TEXT NOT NULL,
    cursor TEXT,
    last_search_at BIGINT,
    next_search_at BIGINT,
    posts_found BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at BIGINT,
    PRIMARY KEY (query_id, account_id)
);

CREATE TABLE case_tags (
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_by_tag ON case_tags (tag, case_id);
