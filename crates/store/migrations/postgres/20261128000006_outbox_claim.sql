-- When a desk or worker claimed an outbox item for sending: an item stays
-- 'sending' (claimed) while its network call runs, and only a claim older than
-- the stale limit (a crash mid-send) may be taken again, so two processes never
-- send one reply twice.
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;
