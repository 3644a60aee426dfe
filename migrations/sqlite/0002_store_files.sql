-- Files a store uploads (logo, product images): see ../postgres/0002_store_files.sql and
-- docs/MIGRATIONS.md. SQLite has no row-level security: steps 3 and 4 do not apply.

CREATE TABLE store_files (
  id            INTEGER PRIMARY KEY,
  store_id      INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100 AND name NOT GLOB '*[^a-z0-9._-]*'
                                   AND name NOT GLOB '[._-]*'),
  content_type  TEXT NOT NULL CHECK (length(content_type) BETWEEN 3 AND 100),
  size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
  sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at    INTEGER NOT NULL,
  UNIQUE (store_id, id)
);

CREATE UNIQUE INDEX idx_store_files_store_name ON store_files (store_id, name);
