-- Issue 14, points 1 and 2.
--
-- 1. Sign-in throttling keyed on the client as the trusted-proxy rule gives it and on the
--    account, without letting one address's failures lock an account for everyone:
--    'address' counts one client address's failures for every account, 'pair' one address's
--    failures for one account (the lockout), 'account' one account's failures from every address
--    (a growing delay, measured from last_failure, for addresses that have failed for it).
--    Existing rows keep their meaning; last_failure starts at the window's start.
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_kind_check;
ALTER TABLE login_throttle
  ADD CONSTRAINT login_throttle_kind_check CHECK (kind IN ('account', 'address', 'pair'));
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_subject_check;
ALTER TABLE login_throttle
  ADD CONSTRAINT login_throttle_subject_check CHECK (length(subject) BETWEEN 1 AND 600);
ALTER TABLE login_throttle ADD COLUMN last_failure BIGINT;
UPDATE login_throttle SET last_failure = window_start;
ALTER TABLE login_throttle ALTER COLUMN last_failure SET NOT NULL;

-- 2. Invitations to a store's dashboard. A store owner no longer creates accounts: they invite an
--    e-mail address, and whoever opens the single-use, expiring link sets their own password.
--    Only the token's SHA-256 is stored (the link is shown once). A tenant table: the checklist
--    of docs/MIGRATIONS.md. One open invitation per e-mail and store (inviting again replaces it).
CREATE TABLE store_invitations (
  id           BIGINT GENERATED ALWAYS AS IDENTITY,
  store_id     BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  email        TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  role         TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
  token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
  invited_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, email)
);
-- The link is looked up by its token alone (platform-wide work: the store is checked after).
CREATE UNIQUE INDEX idx_store_invitations_token ON store_invitations (token_hash);
CREATE INDEX idx_store_invitations_store_expires ON store_invitations (store_id, expires_at);

ALTER TABLE store_invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE store_invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON store_invitations
  USING (orion_store_visible(store_id))
  WITH CHECK (orion_store_visible(store_id));

GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle, store_invitations TO orion_app;
