-- Contested custom domains: see ../postgres/0006_domain_claims.sql and docs/MIGRATIONS.md.

DROP INDEX idx_store_domains_domain;
CREATE UNIQUE INDEX idx_store_domains_store_domain ON store_domains (store_id, domain);
CREATE UNIQUE INDEX idx_store_domains_domain ON store_domains (domain) WHERE state <> 'pending';
CREATE INDEX idx_store_domains_name ON store_domains (domain);
CREATE INDEX idx_store_domains_pending_created ON store_domains (created_at)
  WHERE state = 'pending';

ALTER TABLE store_domains ADD COLUMN registrable TEXT CHECK (length(registrable) <= 253);
CREATE INDEX idx_store_domains_registrable ON store_domains (registrable);
CREATE INDEX idx_store_domains_unregistered ON store_domains (domain) WHERE registrable IS NULL;

CREATE TABLE domain_holders (
  domain    TEXT PRIMARY KEY CHECK (length(domain) BETWEEN 3 AND 253),
  held_by   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE
);
INSERT INTO domain_holders (domain, held_by)
  SELECT domain, store_id FROM store_domains WHERE state <> 'pending';

ALTER TABLE domain_quarantine ADD COLUMN binds_remover INTEGER NOT NULL DEFAULT 0
  CHECK (binds_remover IN (0, 1));
