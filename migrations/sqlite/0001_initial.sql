-- Orion's initial schema, SQLite flavour: the same tables, columns, keys and checks as
-- ../postgres/0001_initial.sql. Differences forced by SQLite: ids are INTEGER PRIMARY KEY (the
-- rowid) with UNIQUE (store_id, id) as the composite key that tenant foreign keys reference,
-- booleans are 0/1, GLOB stands in for regular expressions, and there is no row-level security
-- (the repositories' store_id filters are the isolation).

CREATE TABLE stores (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 50 AND code NOT GLOB '*[^a-z0-9-]*'
                                   AND code NOT GLOB '-*' AND code NOT GLOB '*-'),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_stores_code ON stores (code);

CREATE TABLE store_domains (
  id                  INTEGER PRIMARY KEY,
  store_id            INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  domain              TEXT NOT NULL CHECK (length(domain) BETWEEN 3 AND 253 AND domain = lower(domain)),
  is_verified         INTEGER NOT NULL DEFAULT 0 CHECK (is_verified IN (0, 1)),
  verification_token  TEXT NOT NULL CHECK (length(verification_token) >= 16),
  verified_at         INTEGER,
  is_primary          INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
  created_at          INTEGER NOT NULL,
  UNIQUE (store_id, id),
  CHECK (is_verified = (verified_at IS NOT NULL)),
  CHECK (NOT is_primary OR is_verified)
);
CREATE UNIQUE INDEX idx_store_domains_domain ON store_domains (domain);
CREATE UNIQUE INDEX idx_store_domains_one_primary ON store_domains (store_id) WHERE is_primary;

CREATE TABLE store_themes (
  store_id          INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
  primary_color     TEXT NOT NULL DEFAULT '#3B82F6'
                    CHECK (primary_color GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
  secondary_color   TEXT NOT NULL DEFAULT '#1E293B'
                    CHECK (secondary_color GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
  background_color  TEXT NOT NULL DEFAULT '#FFFFFF'
                    CHECK (background_color GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
  text_color        TEXT NOT NULL DEFAULT '#111827'
                    CHECK (text_color GLOB '#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]'),
  font_family       TEXT NOT NULL DEFAULT 'system-ui' CHECK (length(font_family) BETWEEN 1 AND 100),
  logo_url          TEXT CHECK (length(logo_url) <= 500),
  custom_css        TEXT NOT NULL DEFAULT '' CHECK (length(custom_css) <= 20000),
  updated_at        INTEGER NOT NULL
);

CREATE TABLE store_sequences (
  store_id           INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
  next_order_number  INTEGER NOT NULL DEFAULT 1 CHECK (next_order_number >= 1)
);

CREATE TABLE products (
  id           INTEGER PRIMARY KEY,
  store_id     INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  sku          TEXT CHECK (length(sku) BETWEEN 1 AND 64),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
  currency     TEXT NOT NULL DEFAULT 'EUR' CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
  stock        INTEGER CHECK (stock >= 0),
  image_url    TEXT CHECK (length(image_url) <= 500),
  is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  deleted_at   INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (store_id, id)
);
CREATE UNIQUE INDEX idx_products_store_sku ON products (store_id, sku)
  WHERE sku IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE customers (
  id          INTEGER PRIMARY KEY,
  store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  name        TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  created_at  INTEGER NOT NULL,
  UNIQUE (store_id, id)
);
CREATE UNIQUE INDEX idx_customers_store_email ON customers (store_id, email);

CREATE TABLE orders (
  id              INTEGER PRIMARY KEY,
  store_id        INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  order_number    TEXT NOT NULL CHECK (length(order_number) BETWEEN 1 AND 32),
  customer_id     INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
  currency        TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
  total_cents     INTEGER NOT NULL CHECK (total_cents >= 0),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (store_id, id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers (store_id, id)
);
CREATE UNIQUE INDEX idx_orders_store_number ON orders (store_id, order_number);
CREATE INDEX idx_orders_store_created ON orders (store_id, created_at);
CREATE INDEX idx_orders_store_customer ON orders (store_id, customer_id);

CREATE TABLE order_items (
  id                INTEGER PRIMARY KEY,
  store_id          INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  order_id          INTEGER NOT NULL,
  product_id        INTEGER NOT NULL,
  product_name      TEXT NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
  sku               TEXT,
  unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents >= 0),
  quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  UNIQUE (store_id, id),
  FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id) ON DELETE CASCADE,
  FOREIGN KEY (store_id, product_id) REFERENCES products (store_id, id)
);
CREATE INDEX idx_order_items_store_order ON order_items (store_id, order_id);
CREATE INDEX idx_order_items_store_product ON order_items (store_id, product_id);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  email          TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  password_hash  TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  is_admin       INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_users_email ON users (email);

CREATE TABLE store_members (
  store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (store_id, user_id)
);
CREATE INDEX idx_store_members_user ON store_members (user_id);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
  store_id    INTEGER REFERENCES stores (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('admin', 'store', 'shopper')),
  csrf_token  TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  CHECK ((kind = 'admin') = (store_id IS NULL))
);
CREATE INDEX idx_sessions_expires ON sessions (expires_at);
CREATE INDEX idx_sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  token_hash    TEXT NOT NULL CHECK (length(token_hash) = 64),
  prefix        TEXT NOT NULL,
  store_id      INTEGER REFERENCES stores (id) ON DELETE CASCADE,
  name          TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 100),
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
CREATE UNIQUE INDEX idx_api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX idx_api_tokens_store ON api_tokens (store_id);
