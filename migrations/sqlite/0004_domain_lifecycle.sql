-- Custom domains end to end: see ../postgres/0004_domain_lifecycle.sql and docs/MIGRATIONS.md.
-- SQLite cannot add a table constraint with ALTER TABLE, so the checks tying is_verified,
-- failing_since and detached_at to the state exist on PostgreSQL only (the repository keeps
-- them on both); the column checks are the same.

ALTER TABLE store_domains ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
  CHECK (state IN ('pending', 'verified', 'failing', 'detached'));
ALTER TABLE store_domains ADD COLUMN verified_by TEXT NOT NULL DEFAULT ''
  CHECK (verified_by IN ('', 'dns', 'http', 'forced'));
ALTER TABLE store_domains ADD COLUMN checked_at INTEGER;
ALTER TABLE store_domains ADD COLUMN next_check_at INTEGER;
ALTER TABLE store_domains ADD COLUMN failing_since INTEGER;
ALTER TABLE store_domains ADD COLUMN detached_at INTEGER;
ALTER TABLE store_domains ADD COLUMN last_result TEXT NOT NULL DEFAULT ''
  CHECK (length(last_result) <= 1000);

-- Verified before this migration: by an admin or an unrecorded DNS check. 'forced' keeps them
-- routing and off the re-check schedule until an admin asks (docs/MIGRATIONS.md).
UPDATE store_domains SET state = 'verified', verified_by = 'forced' WHERE is_verified;

CREATE INDEX idx_store_domains_next_check ON store_domains (next_check_at)
  WHERE next_check_at IS NOT NULL;
CREATE INDEX idx_store_domains_detached ON store_domains (detached_at)
  WHERE detached_at IS NOT NULL;

CREATE TABLE domain_events (
  id          INTEGER PRIMARY KEY,
  store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  domain      TEXT NOT NULL CHECK (length(domain) BETWEEN 3 AND 253),
  from_state  TEXT NOT NULL CHECK (from_state IN ('', 'pending', 'verified', 'failing', 'detached')),
  to_state    TEXT NOT NULL CHECK (to_state IN ('pending', 'verified', 'failing', 'detached', 'removed')),
  reason      TEXT NOT NULL CHECK (length(reason) <= 1000),
  at          INTEGER NOT NULL,
  UNIQUE (store_id, id)
);
CREATE INDEX idx_domain_events_store_domain_at ON domain_events (store_id, domain, at);

CREATE TABLE domain_quarantine (
  domain      TEXT PRIMARY KEY CHECK (length(domain) BETWEEN 3 AND 253),
  removed_by  INTEGER NOT NULL,
  removed_at  INTEGER NOT NULL,
  held_until  INTEGER NOT NULL
);
