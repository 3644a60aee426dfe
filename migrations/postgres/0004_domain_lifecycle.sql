-- Custom domains end to end (docs/DOMAINS.md): the lifecycle state of each domain, its recorded
-- transitions, and the quarantine of removed names. See docs/MIGRATIONS.md, "0004".

-- The lifecycle on store_domains. is_verified stays (every router reads it): it is true exactly
-- when the domain routes, i.e. in state verified or failing; verified_at is set iff is_verified
-- (0001's check).
ALTER TABLE store_domains
  ADD COLUMN state          TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'verified', 'failing', 'detached')),
  ADD COLUMN verified_by    TEXT NOT NULL DEFAULT ''
                            CHECK (verified_by IN ('', 'dns', 'http', 'forced')),
  ADD COLUMN checked_at     BIGINT,
  ADD COLUMN next_check_at  BIGINT,
  ADD COLUMN failing_since  BIGINT,
  ADD COLUMN detached_at    BIGINT,
  ADD COLUMN last_result    TEXT NOT NULL DEFAULT '' CHECK (length(last_result) <= 1000);

-- Domains verified before this migration were verified by an admin's decision or by a DNS check
-- nobody recorded. They are marked 'forced': never re-checked on the schedule until an admin
-- asks, so upgrading cannot detach a routing domain behind the operator's back.
UPDATE store_domains SET state = 'verified', verified_by = 'forced' WHERE is_verified;

ALTER TABLE store_domains
  ADD CONSTRAINT store_domains_routes_iff_verified
    CHECK (is_verified = (state IN ('verified', 'failing'))),
  ADD CONSTRAINT store_domains_failing_since
    CHECK ((state = 'failing') = (failing_since IS NOT NULL)),
  ADD CONSTRAINT store_domains_detached_at
    CHECK ((state = 'detached') = (detached_at IS NOT NULL));

-- The scheduler asks for the due re-checks, oldest first; forced and pending domains have none.
CREATE INDEX idx_store_domains_next_check ON store_domains (next_check_at)
  WHERE next_check_at IS NOT NULL;
-- The scheduler removes domains detached long enough.
CREATE INDEX idx_store_domains_detached ON store_domains (detached_at)
  WHERE detached_at IS NOT NULL;

-- Every transition of a domain, kept after the domain is removed: a tenant table (the owner
-- reads the history of the store's own domains), so the docs/MIGRATIONS.md checklist applies.
CREATE TABLE domain_events (
  id          BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  domain      TEXT NOT NULL CHECK (length(domain) BETWEEN 3 AND 253),
  from_state  TEXT NOT NULL CHECK (from_state IN ('', 'pending', 'verified', 'failing', 'detached')),
  to_state    TEXT NOT NULL CHECK (to_state IN ('pending', 'verified', 'failing', 'detached', 'removed')),
  reason      TEXT NOT NULL CHECK (length(reason) <= 1000),
  at          BIGINT NOT NULL,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX idx_domain_events_store_domain_at ON domain_events (store_id, domain, at);

ALTER TABLE domain_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE domain_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON domain_events
  USING (orion_store_visible(store_id))
  WITH CHECK (orion_store_visible(store_id));

-- Removed names held back from other stores until held_until. A platform table without
-- row-level security: adding a domain (a store's own transaction) must see every store's holds.
-- removed_by is the store that removed the name and may take it back; deliberately not called
-- store_id (no row here is a store's data) and without a foreign key, so the hold outlives a
-- deleted store.
CREATE TABLE domain_quarantine (
  domain      TEXT PRIMARY KEY CHECK (length(domain) BETWEEN 3 AND 253),
  removed_by  BIGINT NOT NULL,
  removed_at  BIGINT NOT NULL,
  held_until  BIGINT NOT NULL
);

-- Privileges for orion_app come from 0001's ALTER DEFAULT PRIVILEGES; granted explicitly too,
-- in case this migration runs as a different owner.
GRANT SELECT, INSERT, UPDATE, DELETE ON domain_events, domain_quarantine TO orion_app;
