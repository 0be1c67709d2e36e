-- Leases: which process works a connector account (`account:<id>`), the
-- outbox (`outbox`) or the SLA clocks (`sla`) right now. A holder takes or
-- renews a lease with one conditional upsert (only when the row is free, its
-- own, or expired), so two processes never both hold one; a holder that dies
-- stops renewing and the lease is free again at `expires_at` (ms since epoch).
-- Releasing deletes the row.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    renewed_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX leases_holder ON leases (holder);
