-- The change feed (docs/STORAGE.md, "The change feed"): every write that changes what a request
-- may see — a store, its domains, its theme, its products, its files — leaves a row in
-- store_changes, in the writing transaction, and announces it on the channel orion_changes once
-- the transaction commits. A server keeps its store directory and page cache in memory and reads
-- the rows after the last one it applied: on each notification, on a short poll when none comes,
-- and after reconnecting, so a lost LISTEN connection loses nothing.
--
-- Reading "every row after id N" is exact only if rows become visible in id order. Two writers
-- could otherwise take ids 10 and 11 and commit 11 first; a reader would then move past 10 before
-- it commits. So every statement that writes a watched table first takes one transaction-scoped
-- advisory lock: writers that change stores serialise from that statement to their commit, and
-- ids commit in order. Taken before the statement locks any row (a statement trigger, BEFORE),
-- so the lock is never awaited while holding a row another writer wants.

CREATE TABLE store_changes (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id    BIGINT NOT NULL,  -- no foreign key: the change of a deleted store must stay
  kind        TEXT NOT NULL CHECK (kind IN ('store', 'domain', 'theme', 'product', 'file')),
  key         TEXT NOT NULL,    -- the store's code, or the domain name of a 'domain' change
  created_at  BIGINT NOT NULL
);
CREATE INDEX idx_store_changes_created ON store_changes (created_at);

-- Rows older than the feed's retention are deleted; `through` is the highest id deleted, so a
-- reader that last applied an id below it knows it missed changes and reloads everything.
CREATE TABLE store_changes_trim (
  singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  through    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO store_changes_trim DEFAULT VALUES;

CREATE FUNCTION orion_changes_lock() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN
    PERFORM pg_advisory_xact_lock(7307141530474516481);  -- 'orion.changes'
    RETURN NULL;
  END $$;

CREATE FUNCTION orion_changes_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN
    PERFORM pg_notify('orion_changes', '');  -- one per transaction: equal payloads fold
    RETURN NULL;
  END $$;

-- TG_ARGV[0]: the kind. The key names what a reader must look up again: a store's code (a
-- 'store' change), a domain name (a 'domain' change), nothing for the others ('').
CREATE FUNCTION orion_changes_record() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    now_s BIGINT := extract(epoch FROM clock_timestamp())::BIGINT;
  BEGIN
    IF TG_ARGV[0] = 'store' THEN
      IF TG_OP <> 'INSERT' THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (OLD.id, 'store', OLD.code, now_s);
      END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.code <> OLD.code) THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (NEW.id, 'store', NEW.code, now_s);
      END IF;
    ELSIF TG_ARGV[0] = 'domain' THEN
      IF TG_OP <> 'INSERT' THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (OLD.store_id, 'domain', OLD.domain, now_s);
      END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.domain <> OLD.domain
                                                    OR NEW.store_id <> OLD.store_id)) THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (NEW.store_id, 'domain', NEW.domain, now_s);
      END IF;
    ELSE
      IF TG_OP <> 'INSERT' THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (OLD.store_id, TG_ARGV[0], '', now_s);
      END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.store_id <> OLD.store_id) THEN
        INSERT INTO store_changes (store_id, kind, key, created_at)
          VALUES (NEW.store_id, TG_ARGV[0], '', now_s);
      END IF;
    END IF;
    RETURN NULL;
  END $$;

DO $$
DECLARE
  t TEXT[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[['stores', 'store'], ['store_domains', 'domain'],
                                  ['store_themes', 'theme'], ['products', 'product'],
                                  ['store_files', 'file']] LOOP
    EXECUTE format('CREATE TRIGGER orion_changes_lock BEFORE INSERT OR UPDATE OR DELETE ON %I
                      FOR EACH STATEMENT EXECUTE FUNCTION orion_changes_lock()', t[1]);
    EXECUTE format('CREATE TRIGGER orion_changes_record AFTER INSERT OR UPDATE OR DELETE ON %I
                      FOR EACH ROW EXECUTE FUNCTION orion_changes_record(%L)', t[1], t[2]);
    EXECUTE format('CREATE TRIGGER orion_changes_notify AFTER INSERT OR UPDATE OR DELETE ON %I
                      FOR EACH STATEMENT EXECUTE FUNCTION orion_changes_notify()', t[1]);
  END LOOP;
END $$;

-- Row security like every table with a store_id: a store's transaction writes (through the
-- triggers) and reads only its own store's changes; the feed reads them all platform-wide.
ALTER TABLE store_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE store_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON store_changes
  USING (orion_store_visible(store_id))
  WITH CHECK (orion_store_visible(store_id));

-- Privileges for orion_app come from 0001's ALTER DEFAULT PRIVILEGES; granted explicitly too.
GRANT SELECT, INSERT, UPDATE, DELETE ON store_changes, store_changes_trim TO orion_app;
