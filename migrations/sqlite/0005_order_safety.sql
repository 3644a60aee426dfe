-- Orders and stock kept safe: see ../postgres/0005_order_safety.sql and docs/MIGRATIONS.md.
-- SQLite has no row-level security: the policy of idempotency_keys does not apply.

ALTER TABLE order_items ADD COLUMN stock_taken INTEGER NOT NULL DEFAULT 0
  CHECK (stock_taken BETWEEN 0 AND 10000);
UPDATE order_items SET stock_taken = quantity
  WHERE EXISTS (SELECT 1 FROM products p WHERE p.store_id = order_items.store_id
                AND p.id = order_items.product_id AND p.stock IS NOT NULL);

CREATE INDEX idx_orders_pending_created ON orders (created_at, store_id) WHERE status = 'pending';

CREATE TABLE idempotency_keys (
  store_id      INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  idem_key      TEXT NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
  request_hash  TEXT NOT NULL CHECK (length(request_hash) = 64),
  order_id      INTEGER,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (store_id, idem_key),
  FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE rate_limits (
  bucket      TEXT NOT NULL CHECK (length(bucket) BETWEEN 1 AND 64),
  subject     TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 254),
  hits        INTEGER NOT NULL CHECK (hits >= 1),
  window_end  INTEGER NOT NULL,
  PRIMARY KEY (bucket, subject)
);
CREATE INDEX idx_rate_limits_window_end ON rate_limits (window_end);
