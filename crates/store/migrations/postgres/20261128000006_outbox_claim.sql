-- Who claimed an outbox item for sending, and when: an item stays 'sending'
-- (claimed) while its network call runs. Another sender takes it only when the
-- claim is older than the stale limit, or when the claiming process is known to
-- be gone (same machine, its pid no longer running: a killed command), so two
-- processes never send one reply twice.
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
