-- Failed console sign-ins, counted per account (e-mail) and per client address in a fixed
-- window that starts at the window's first failure (see ../postgres/0003_login_throttle.sql and
-- src/storage/login_throttle.hpp). A platform table: it names no store.

CREATE TABLE login_throttle (
  kind          TEXT NOT NULL CHECK (kind IN ('account', 'address')),
  subject       TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 254),
  failures      INTEGER NOT NULL CHECK (failures >= 1),
  window_start  INTEGER NOT NULL,
  PRIMARY KEY (kind, subject)
);
-- Old windows are swept by window_start.
CREATE INDEX idx_login_throttle_window ON login_throttle (window_start);
