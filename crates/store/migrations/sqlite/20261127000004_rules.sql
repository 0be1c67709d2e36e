-- Rules, SLA policies and the playbook, and what they decided on each case.
--
-- `team_config`: every saved version of the team's rules, playbook and SLA
-- files (kind: rules, playbook or sla), as the readable text people review;
-- one version per kind is active. No row: the built-in defaults apply.
-- On `cases`: the priority's reasons (JSON list, largest first) and the
-- first few joined for the inbox row; the SLA policy a rule applied and the
-- due instant already warned about (so an escalation is written once); the
-- template the rules suggest; the newest customer post already triaged (so
-- triage is idempotent).
-- `assignment_turns`: the member a department's round robin gave a case last.
CREATE TABLE team_config (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    text TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 0,
    UNIQUE (kind, version)
);
CREATE INDEX team_config_active ON team_config (kind, active, version);
ALTER TABLE cases ADD COLUMN priority_reasons TEXT;
ALTER TABLE cases ADD COLUMN priority_reason TEXT;
ALTER TABLE cases ADD COLUMN sla_policy TEXT;
ALTER TABLE cases ADD COLUMN sla_warned_due BIGINT;
ALTER TABLE cases ADD COLUMN suggested_template TEXT;
ALTER TABLE cases ADD COLUMN triaged_post_id BIGINT;
CREATE INDEX cases_by_sla_due ON cases (sla_due_at);
CREATE TABLE assignment_turns (
    department_id BIGINT PRIMARY KEY REFERENCES departments(id),
    last_member_id BIGINT REFERENCES members(id)
);
