-- Orion's initial schema, PostgreSQL flavour. Times are Unix seconds (UTC) in BIGINT columns, as
-- on SQLite; money is integer cents. Every tenant table carries store_id in its primary key and
-- in every foreign key between tenant tables, so that a row can only ever point at a row of the
-- same store, and so that the schema can be distributed by store_id later.

CREATE TABLE stores (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        TEXT NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$'),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  is_active   BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_stores_code ON stores (code);

CREATE TABLE store_domains (
  id                  BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id            BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  domain              TEXT NOT NULL CHECK (length(domain) BETWEEN 3 AND 253 AND domain = lower(domain)),
  is_verified         BOOLEAN NOT NULL DEFAULT FALSE,
  verification_token  TEXT NOT NULL CHECK (length(verification_token) >= 16),
  verified_at         BIGINT,
  is_primary          BOOLEAN NOT NULL DEFAULT FALSE,
  created_at          BIGINT NOT NULL,
  PRIMARY KEY (store_id, id),
  CHECK (is_verified = (verified_at IS NOT NULL)),
  CHECK (NOT is_primary OR is_verified)
);
-- A domain belongs to one store across the whole platform (the resolution key).
CREATE UNIQUE INDEX idx_store_domains_domain ON store_domains (domain);
CREATE UNIQUE INDEX idx_store_domains_one_primary ON store_domains (store_id) WHERE is_primary;

CREATE TABLE store_themes (
  store_id          BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
  primary_color     TEXT NOT NULL DEFAULT '#3B82F6' CHECK (primary_color ~ '^#[0-9A-Fa-f]{6}$'),
  secondary_color   TEXT NOT NULL DEFAULT '#1E293B' CHECK (secondary_color ~ '^#[0-9A-Fa-f]{6}$'),
  background_color  TEXT NOT NULL DEFAULT '#FFFFFF' CHECK (background_color ~ '^#[0-9A-Fa-f]{6}$'),
  text_color        TEXT NOT NULL DEFAULT '#111827' CHECK (text_color ~ '^#[0-9A-Fa-f]{6}$'),
  font_family       TEXT NOT NULL DEFAULT 'system-ui' CHECK (length(font_family) BETWEEN 1 AND 100),
  logo_url          TEXT CHECK (length(logo_url) <= 500),
  custom_css        TEXT NOT NULL DEFAULT '' CHECK (length(custom_css) <= 20000),
  updated_at        BIGINT NOT NULL
);

-- The per-store counters (order numbers), one row per store, locked while incremented.
CREATE TABLE store_sequences (
  store_id           BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
  next_order_number  BIGINT NOT NULL DEFAULT 1 CHECK (next_order_number >= 1)
);

CREATE TABLE products (
  id           BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id     BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  sku          TEXT CHECK (length(sku) BETWEEN 1 AND 64),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  price_cents  BIGINT NOT NULL CHECK (price_cents >= 0),
  currency     TEXT NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  stock        BIGINT CHECK (stock >= 0),
  image_url    TEXT CHECK (length(image_url) <= 500),
  is_active    BOOLEAN NOT NULL DEFAULT TRUE,
  deleted_at   BIGINT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (store_id, id)
);
-- The seed's idx_products_store_id is the primary key's prefix; listings page by (store_id, id).
CREATE UNIQUE INDEX idx_products_store_sku ON products (store_id, sku)
  WHERE sku IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE customers (
  id          BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  name        TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX idx_customers_store_email ON customers (store_id, email);

CREATE TABLE orders (
  id              BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id        BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  order_number    TEXT NOT NULL CHECK (length(order_number) BETWEEN 1 AND 32),
  customer_id     BIGINT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
  currency        TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_cents     BIGINT NOT NULL CHECK (total_cents >= 0),
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (store_id, id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers (store_id, id)
);
CREATE UNIQUE INDEX idx_orders_store_number ON orders (store_id, order_number);
CREATE INDEX idx_orders_store_created ON orders (store_id, created_at);
CREATE INDEX idx_orders_store_customer ON orders (store_id, customer_id);

CREATE TABLE order_items (
  id                BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id          BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  order_id          BIGINT NOT NULL,
  product_id        BIGINT NOT NULL,
  product_name      TEXT NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
  sku               TEXT,
  unit_price_cents  BIGINT NOT NULL CHECK (unit_price_cents >= 0),
  quantity          BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  PRIMARY KEY (store_id, id),
  FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id) ON DELETE CASCADE,
  -- Composite: an order can only ever contain products of its own store.
  FOREIGN KEY (store_id, product_id) REFERENCES products (store_id, id)
);
CREATE INDEX idx_order_items_store_order ON order_items (store_id, order_id);
CREATE INDEX idx_order_items_store_product ON order_items (store_id, product_id);

CREATE TABLE users (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email          TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  password_hash  TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
  is_active      BOOLEAN NOT NULL DEFAULT TRUE,
  created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_users_email ON users (email);

CREATE TABLE store_members (
  store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (store_id, user_id)
);
CREATE INDEX idx_store_members_user ON store_members (user_id);

-- Sessions: the cookie value's SHA-256 only. A store session names its store and is valid for
-- no other; an admin session has none.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
  store_id    BIGINT REFERENCES stores (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('admin', 'store', 'shopper')),
  csrf_token  TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  CHECK ((kind = 'admin') = (store_id IS NULL))
);
CREATE INDEX idx_sessions_expires ON sessions (expires_at);
CREATE INDEX idx_sessions_user ON sessions (user_id);

-- API tokens: the token's SHA-256 only, and a short prefix to recognise it by. store_id NULL is
-- an admin token.
CREATE TABLE api_tokens (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash    TEXT NOT NULL CHECK (length(token_hash) = 64),
  prefix        TEXT NOT NULL,
  store_id      BIGINT REFERENCES stores (id) ON DELETE CASCADE,
  name          TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 100),
  created_at    BIGINT NOT NULL,
  last_used_at  BIGINT,
  revoked_at    BIGINT
);
CREATE UNIQUE INDEX idx_api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX idx_api_tokens_store ON api_tokens (store_id);

-- Row-level security. The store a transaction works for is set per transaction
-- (set_config('orion.store_id', id, true)); platform-wide work sets orion.platform = 'on'
-- instead, explicitly. With neither, every tenant table reads empty and refuses writes. The
-- helpers are inlinable SQL functions, so a policy is an index condition on store_id.
CREATE FUNCTION orion_current_store() RETURNS BIGINT
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('orion.store_id', true), '')::BIGINT $$;

CREATE FUNCTION orion_platform_access() RETURNS BOOLEAN
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('orion.platform', true), '') = 'on' $$;

-- The tenant policy: the row's store is the transaction's, or the transaction is platform-wide.
-- Written as a range of stable bounds (one store: [id, id]; platform: every id; neither: NULL
-- bounds, no row), because "store_id = orion_current_store() OR orion_platform_access()" is not
-- indexable: the planner can only filter an OR row by row, so a query without its own store_id
-- filter would read every store's rows.
CREATE FUNCTION orion_store_visible(row_store_id BIGINT) RETURNS BOOLEAN
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT row_store_id BETWEEN
         CASE WHEN orion_platform_access() THEN -9223372036854775808 ELSE orion_current_store() END
     AND CASE WHEN orion_platform_access() THEN 9223372036854775807 ELSE orion_current_store() END $$;

DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['store_domains', 'store_themes', 'store_sequences', 'products',
                           'customers', 'orders', 'order_items', 'store_members'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I
                      USING (orion_store_visible(store_id))
                      WITH CHECK (orion_store_visible(store_id))', t);
  END LOOP;
END $$;

-- Sessions and API tokens are platform tables (read through PlatformTransaction), but a row may
-- name a store: a tenant transaction sees only its own store's, an admin row (store_id NULL)
-- only platform-wide work sees.
DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['sessions', 'api_tokens'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY platform_or_own_store ON %I
                      USING (orion_platform_access() OR store_id = orion_current_store())
                      WITH CHECK (orion_platform_access() OR store_id = orion_current_store())', t);
  END LOOP;
END $$;

-- The role the application runs as: owns nothing, cannot bypass row security. A deployment
-- grants it to the login role Orion connects with (docs/STORAGE.md).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orion_app') THEN
    CREATE ROLE orion_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO orion_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO orion_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO orion_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM orion_app;
-- Tables and sequences of later migrations (run by the same owner) are granted the same way.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orion_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO orion_app;
