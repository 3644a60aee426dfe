-- Files a store uploads (logo, product images): the worked example of docs/MIGRATIONS.md,
-- "Adding a tenant table". Every step of that checklist is here, in order.

-- 1. store_id NOT NULL, referencing stores, first in the primary key.
CREATE TABLE store_files (
  id            BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id      BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  name          TEXT NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  content_type  TEXT NOT NULL CHECK (length(content_type) BETWEEN 3 AND 100),
  size_bytes    BIGINT NOT NULL CHECK (size_bytes >= 0),
  sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at    BIGINT NOT NULL,
  PRIMARY KEY (store_id, id)
);

-- 2. Every lookup index starts with store_id.
CREATE UNIQUE INDEX idx_store_files_store_name ON store_files (store_id, name);

-- 3. Row-level security, enabled and forced, with the same policy as every tenant table.
ALTER TABLE store_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE store_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON store_files
  USING (orion_store_visible(store_id))
  WITH CHECK (orion_store_visible(store_id));

-- 4. Privileges for orion_app come from 0001's ALTER DEFAULT PRIVILEGES; granted explicitly
--    too, in case this migration runs as a different owner.
GRANT SELECT, INSERT, UPDATE, DELETE ON store_files TO orion_app;
