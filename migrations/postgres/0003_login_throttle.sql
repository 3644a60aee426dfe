-- Failed console sign-ins, counted per account (e-mail) and per client address in a fixed
-- window that starts at the window's first failure (src/storage/login_throttle.hpp). Kept in
-- the database, like the sessions, so every Orion instance counts the same failures. A platform
-- table: it names no store, so it needs no row-level security policy (read and written only
-- through PlatformTransaction).

CREATE TABLE login_throttle (
  kind          TEXT NOT NULL CHECK (kind IN ('account', 'address')),
  subject       TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 254),
  failures      BIGINT NOT NULL CHECK (failures >= 1),
  window_start  BIGINT NOT NULL,
  PRIMARY KEY (kind, subject)
);
-- Old windows are swept by window_start.
CREATE INDEX idx_login_throttle_window ON login_throttle (window_start);

-- Privileges for orion_app come from 0001's ALTER DEFAULT PRIVILEGES; granted explicitly too,
-- in case this migration runs as a different owner.
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO orion_app;
