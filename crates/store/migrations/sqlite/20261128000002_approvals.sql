-- Approvals: a reply that needs a department's approval waits in the outbox
-- (state 'awaiting_approval') with one row here; the decision (approved,
-- perhaps edited, or rejected with a comment) is taken by one conditional
-- update of this row, so of two approvers deciding at once one wins.
CREATE TABLE approvals (
    outbox_id BIGINT PRIMARY KEY REFERENCES outbox(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    approver TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    comment TEXT,
    original_body TEXT NOT NULL,
    edited BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX approvals_by_state ON approvals (state, approver, outbox_id);
CREATE INDEX approvals_by_case ON approvals (case_id, outbox_id);
