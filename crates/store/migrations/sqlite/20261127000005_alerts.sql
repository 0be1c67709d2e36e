-- Early-warning alerts and what the team did with them.
--
-- `alerts`: one row per incident (a burst over several hours is one row):
-- kind (volume_spike, negative_spike), scope (all, topic:..., channel:...,
-- account:...), the start of its first hour, the end of its last elevated
-- hour once over (NULL while it goes on), the last elevated hour's start (the
-- scan continues from it), the peak hour with observed, expected, ratio and
-- z, severity (low, medium, high), status (open, acknowledged, resolved), the
-- note left on resolving and example posts (JSON list). One incident per
-- kind, scope and start.
-- `alert_events`: who acknowledged or resolved an alert, and when.
-- The scan's position (the next hour to judge) is the setting `alerts.next_hour`;
-- the thresholds are `team_config` rows of kind `alerts`.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    last_active_at BIGINT NOT NULL,
    detected_at BIGINT NOT NULL,
    severity TEXT NOT NULL,
    observed DOUBLE PRECISION NOT NULL,
    expected DOUBLE PRECISION NOT NULL,
    ratio DOUBLE PRECISION NOT NULL,
    z DOUBLE PRECISION NOT NULL,
    peak_at BIGINT NOT NULL,
    hours BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    note TEXT,
    examples TEXT NOT NULL DEFAULT '[]',
    UNIQUE (kind, scope, started_at)
);
CREATE INDEX alerts_by_status ON alerts (status, started_at);
CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id, id);
