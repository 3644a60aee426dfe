-- Orders and stock kept safe (issue 14 points 6 and 11): what each order item took from stock,
-- so that cancelling or expiring an order gives back exactly that; the per-store idempotency
-- keys of the storefront's order API; and the generic windowed counters that rate-limit the
-- storefront per client. See docs/MIGRATIONS.md, "0005".

-- The quantity an item took from its product's tracked stock (0: the product tracked none).
-- Before this migration every item of a tracked product took its quantity: the best guess for
-- the orders already placed.
ALTER TABLE order_items ADD COLUMN stock_taken BIGINT NOT NULL DEFAULT 0
  CHECK (stock_taken BETWEEN 0 AND 10000);
UPDATE order_items SET stock_taken = quantity
  WHERE EXISTS (SELECT 1 FROM products p WHERE p.store_id = order_items.store_id
                AND p.id = order_items.product_id AND p.stock IS NOT NULL);

-- The expiry sweep finds the pending orders older than order_pending_ttl_s, oldest first.
CREATE INDEX idx_orders_pending_created ON orders (created_at, store_id) WHERE status = 'pending';

-- Idempotency-Key of POST /shop/api/orders: one row per store and key, with the SHA-256 of the
-- request body it was first used with and the order it made. A tenant table (the
-- docs/MIGRATIONS.md checklist): a key of one store never matches another store's.
CREATE TABLE idempotency_keys (
  store_id      BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  idem_key      TEXT NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
  request_hash  TEXT NOT NULL CHECK (length(request_hash) = 64),
  order_id      BIGINT,
  created_at    BIGINT NOT NULL,
  PRIMARY KEY (store_id, idem_key),
  FOREIGN KEY (store_id, order_id) REFERENCES orders (store_id, id) ON DELETE CASCADE
);
-- Expired keys are swept by created_at.
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys (created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (orion_store_visible(store_id))
  WITH CHECK (orion_store_visible(store_id));

-- Fixed-window counters (src/storage/rate_limit.hpp): hits of one subject (a client key) in one
-- bucket (what is limited) until window_end. In the database so that every Orion instance
-- counts the same hits. A platform table: it names no store, so no row-level security.
CREATE TABLE rate_limits (
  bucket      TEXT NOT NULL CHECK (length(bucket) BETWEEN 1 AND 64),
  subject     TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 254),
  hits        BIGINT NOT NULL CHECK (hits >= 1),
  window_end  BIGINT NOT NULL,
  PRIMARY KEY (bucket, subject)
);
-- Ended windows are swept by window_end.
CREATE INDEX idx_rate_limits_window_end ON rate_limits (window_end);

-- Privileges for orion_app come from 0001's ALTER DEFAULT PRIVILEGES; granted explicitly too,
-- in case this migration runs as a different owner.
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys, rate_limits TO orion_app;
