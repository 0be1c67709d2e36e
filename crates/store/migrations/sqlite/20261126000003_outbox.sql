-- Replies on their way out. A reply is stored (queued) before it is sent,
-- marked sending while the network has it, and sent with the network's id
-- after; every attempt carries the same idempotency key.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    in_reply_to TEXT NOT NULL,
    conversation TEXT,
    direct BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    external_id TEXT,
    url TEXT,
    last_error TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE INDEX outbox_by_case ON outbox (case_id, id);
