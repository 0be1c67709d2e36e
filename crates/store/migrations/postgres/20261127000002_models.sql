-- Learned models, one current model per labelled field (sentiment, topic...):
-- its version (named on every prediction it makes), the model as bytes, and
-- the labels it learned from (how many, and the newest label's time), so a
-- retrain happens only when the team's labels changed.
CREATE TABLE models (
    field TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    trained_on BIGINT NOT NULL,
    labels_count BIGINT NOT NULL,
    labels_at BIGINT NOT NULL,
    at BIGINT NOT NULL
);
-- Sentiment keeps its score (-1..1) in score and its confidence here; topic
-- and language keep their confidence in both.
ALTER TABLE predictions ADD COLUMN confidence DOUBLE PRECISION;
-- Finding posts whose prediction is missing or from an older model.
CREATE INDEX predictions_field_version ON predictions (field, model_version);
CREATE INDEX labels_field_at ON labels (field, at);
