-- Contested custom domains (docs/DOMAINS.md, "Claims and takeover"; docs/MIGRATIONS.md, "0006").
--
-- Before: one row per name platform-wide, so a pending (never proved) claim blocked the name for
-- every other store for ever. Now several stores may each hold a pending claim on a name, each
-- with its own token; only a claim past pending (verified, failing, detached) is unique. The
-- first store to prove control takes the name, and the other pending claims end.

-- One claim per store and name; one holder (a non-pending claim) per name.
DROP INDEX idx_store_domains_domain;
CREATE UNIQUE INDEX idx_store_domains_store_domain ON store_domains (store_id, domain);
CREATE UNIQUE INDEX idx_store_domains_domain ON store_domains (domain) WHERE state <> 'pending';
-- Lookups by name across stores (resolution, the verification rule), and the expiry of pending
-- claims by age.
CREATE INDEX idx_store_domains_name ON store_domains (domain);
CREATE INDEX idx_store_domains_pending_created ON store_domains (created_at)
  WHERE state = 'pending';

-- The registrable domain of each name (libpsl, computed by Orion when the name is added), for
-- the rule that the HTTP proof is not enough when another store has a name under the same
-- registrable domain. Rows added before 0006 have none; the rule matches those by name.
ALTER TABLE store_domains ADD COLUMN registrable TEXT CHECK (length(registrable) <= 253);
CREATE INDEX idx_store_domains_registrable ON store_domains (registrable);
CREATE INDEX idx_store_domains_unregistered ON store_domains (domain) WHERE registrable IS NULL;

-- The store holding each name past pending. A platform table without row-level security, like
-- domain_quarantine: a store adding a name (its own tenant transaction, which sees only its own
-- rows) must learn that another store holds it. Kept by src/storage/domains.cpp in the same
-- transaction as every change of state, and backed by the unique index above.
CREATE TABLE domain_holders (
  domain    TEXT PRIMARY KEY CHECK (length(domain) BETWEEN 3 AND 253),
  -- Deliberately not called store_id: no row here is a store's data (see domain_quarantine).
  held_by   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE
);
INSERT INTO domain_holders (domain, held_by)
  SELECT domain, store_id FROM store_domains WHERE state <> 'pending';

-- A hold an administrator placed (an admin removal) binds the removing store too.
ALTER TABLE domain_quarantine
  ADD COLUMN binds_remover BOOLEAN NOT NULL DEFAULT FALSE;

GRANT SELECT, INSERT, UPDATE, DELETE ON domain_holders TO orion_app;
