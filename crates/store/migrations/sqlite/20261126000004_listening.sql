-- Listening queries: boolean searches checked on every incoming post. A
-- match routes the post's case to the query's department (if it has none).
CREATE TABLE listening_queries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    enabled BIGINT NOT NULL DEFAULT 1,
    matches BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
