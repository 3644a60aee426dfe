-- Issue 14, points 1 and 2 (see ../postgres/0007_invitations.sql for the reasons).
--
-- login_throttle gains the per-(account, address) counter ('pair') and the time of the last
-- failure (the account-wide delay is measured from it). SQLite cannot change a CHECK, so the
-- table is made anew and its rows copied: an 'account' row of before counted the account's
-- failures from every address, which is what an 'account' row counts now.
CREATE TABLE login_throttle_new (
  kind          TEXT NOT NULL CHECK (kind IN ('account', 'address', 'pair')),
  subject       TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 600),
  failures      INTEGER NOT NULL CHECK (failures >= 1),
  window_start  INTEGER NOT NULL,
  last_failure  INTEGER NOT NULL,
  PRIMARY KEY (kind, subject)
);
INSERT INTO login_throttle_new (kind, subject, failures, window_start, last_failure)
  SELECT kind, subject, failures, window_start, window_start FROM login_throttle;
DROP TABLE login_throttle;
ALTER TABLE login_throttle_new RENAME TO login_throttle;
CREATE INDEX idx_login_throttle_window ON login_throttle (window_start);

-- Invitations to a store's dashboard: a tenant table.
CREATE TABLE store_invitations (
  id           INTEGER PRIMARY KEY,
  store_id     INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  email        TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  role         TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
  token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
  invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  UNIQUE (store_id, id),
  UNIQUE (store_id, email)
);
CREATE UNIQUE INDEX idx_store_invitations_token ON store_invitations (token_hash);
CREATE INDEX idx_store_invitations_store_expires ON store_invitations (store_id, expires_at);
