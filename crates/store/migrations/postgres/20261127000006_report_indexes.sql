-- Reports and the executive board: cases by the instant a customer first
-- wrote (a report's period; covering for the board's SLA figure) and by the first answer
-- (the board's answered trend); each department's load read from an index
-- alone (status, assignee, SLA instant); customer posts by time with their
-- direction, author and case, so the board's window is read from the index.
CREATE INDEX cases_by_first_customer ON cases (first_customer_at, opened_at, first_response_at, department_id, sla_policy);
CREATE INDEX cases_by_first_response ON cases (first_response_at);
CREATE INDEX cases_by_load ON cases (department_id, status, assignee_id, sla_due_at);
CREATE INDEX posts_by_time_direction ON posts (created_at, direction, author_id, case_id);
