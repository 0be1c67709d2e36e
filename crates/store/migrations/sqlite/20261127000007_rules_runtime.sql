-- What the rules need at run time.
--
-- `post_query_matches`: which listening queries each post matched, written
-- where the queries are checked (every polled or searched post), so a rule's
-- `query = "name"` condition can hold.
-- `rule_firings`: each `time_elapsed` rule fired on a case, keyed by the
-- case's newest customer post at the time: it fires once per post, and a new
-- customer post re-arms it. The key also keeps two desks ticking at once on
-- a team database from firing a rule twice.
-- `predictions_needing_triage`: the inbox's "needs triage" filter (a topic
-- the model left empty for want of confidence, not corrected since).
-- `posts_by_author`: an author's post count, for the influence score.
-- On `cases`: when the SLA target counts as near breach (`sla_escalate_at`)
-- and when the priority was last computed (`priority_at`): the SLA tick
-- looks only at cases whose escalation is due or whose priority is stale.
CREATE TABLE post_query_matches (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    query_id BIGINT NOT NULL REFERENCES listening_queries(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, query_id)
);
CREATE TABLE rule_firings (
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    post_id BIGINT NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, rule, post_id)
);
CREATE INDEX predictions_needing_triage ON predictions (post_id) WHERE field = 'topic' AND value = '';
CREATE INDEX posts_by_author ON posts (author_id);
ALTER TABLE cases ADD COLUMN sla_escalate_at BIGINT;
ALTER TABLE cases ADD COLUMN priority_at BIGINT;
