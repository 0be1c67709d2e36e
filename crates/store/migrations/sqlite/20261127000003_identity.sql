-- Identity: the handles a customer is known by (an author with one of them is
-- linked on sight), the customer's key in the organisation's own records (so
-- a re-import updates rather than duplicates), links suggested on weaker
-- evidence awaiting review, and the log that makes every link, unlink and
-- merge undoable. Handles are stored normalised: lower case, no leading @,
-- channel "x" filed as "twitter".
ALTER TABLE customers ADD COLUMN customer_ref TEXT;
ALTER TABLE customers ADD COLUMN merged_into BIGINT REFERENCES customers(id);
CREATE UNIQUE INDEX customers_by_ref ON customers (customer_ref);
CREATE TABLE customer_handles (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    channel TEXT NOT NULL,
    handle TEXT NOT NULL,
    UNIQUE (channel, handle)
);
CREATE INDEX customer_handles_by_customer ON customer_handles (customer_id);
-- status: pending, accepted or rejected (a rejected pair, or an author
-- unlinked by hand, is never suggested or linked automatically again).
CREATE TABLE link_suggestions (
    id INTEGER PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES authors(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    evidence TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    UNIQUE (author_id, customer_id)
);
CREATE INDEX link_suggestions_by_status ON link_suggestions (status, score DESC, id);
-- action: link, unlink or merge; before_state is the JSON undo restores.
CREATE TABLE identity_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    summary TEXT NOT NULL,
    author_id BIGINT,
    customer_id BIGINT,
    other_customer_id BIGINT,
    before_state TEXT NOT NULL,
    undone BIGINT NOT NULL DEFAULT 0
);
-- Linking writes on an author's open cases and lists a customer's authors.
CREATE INDEX cases_by_author ON cases (author_id, status);
CREATE INDEX authors_by_customer ON authors (customer_id);
