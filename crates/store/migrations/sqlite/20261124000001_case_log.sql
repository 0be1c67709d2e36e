-- The case log: organisation, authors and customers, posts, cases, events.
-- Instants are BIGINT milliseconds since the Unix epoch (UTC). Flags are BIGINT 0/1.
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    created_at BIGINT NOT NULL
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    emails TEXT NOT NULL DEFAULT '[]',
    phone TEXT,
    value_tier TEXT,
    lifetime_value DOUBLE PRECISION,
    created_at BIGINT NOT NULL
);
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    handle TEXT NOT NULL,
    display_name TEXT,
    followers BIGINT,
    is_org BIGINT NOT NULL DEFAULT 0,
    customer_id BIGINT REFERENCES customers(id),
    UNIQUE (channel, handle)
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    conversation TEXT NOT NULL,
    status TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    assignee_id BIGINT REFERENCES members(id),
    priority DOUBLE PRECISION NOT NULL DEFAULT 0,
    sla_due_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    author_id BIGINT REFERENCES authors(id),
    account TEXT,
    subject TEXT NOT NULL DEFAULT '',
    opened_at BIGINT NOT NULL,
    last_post_at BIGINT NOT NULL,
    first_customer_at BIGINT,
    first_response_at BIGINT,
    post_count BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    UNIQUE (channel, conversation)
);
CREATE INDEX cases_by_priority ON cases (priority DESC, opened_at, id);
CREATE INDEX cases_by_status ON cases (status, priority DESC, opened_at, id);
CREATE INDEX cases_by_department ON cases (department_id, status, priority DESC, opened_at, id);
CREATE INDEX cases_by_assignee ON cases (assignee_id, status, priority DESC, opened_at, id);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES authors(id),
    direction TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    reply_to TEXT,
    conversation TEXT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    account TEXT,
    ingested_at BIGINT NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX posts_by_case ON posts (case_id, created_at);
CREATE INDEX posts_by_time ON posts (created_at);
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT,
    data TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);
-- The team's own judgements (imported or corrected in the app), kept apart from predictions.
CREATE TABLE labels (
    post_id BIGINT NOT NULL REFERENCES posts(id),
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (post_id, field)
);
CREATE TABLE predictions (
    post_id BIGINT NOT NULL REFERENCES posts(id),
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    score DOUBLE PRECISION,
    model_version TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (post_id, field)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
