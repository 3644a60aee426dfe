-- The change feed: see ../postgres/0008_change_feed.sql and docs/STORAGE.md. SQLite has one
-- writer at a time, so ids commit in order without a lock; AUTOINCREMENT keeps an id from being
-- used twice after old rows are trimmed. A server notices new rows by PRAGMA data_version.

CREATE TABLE store_changes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id    INTEGER NOT NULL,  -- no foreign key: the change of a deleted store must stay
  kind        TEXT NOT NULL CHECK (kind IN ('store', 'domain', 'theme', 'product', 'file')),
  key         TEXT NOT NULL,     -- the store's code, or the domain name of a 'domain' change
  created_at  INTEGER NOT NULL
);
CREATE INDEX idx_store_changes_created ON store_changes (created_at);

CREATE TABLE store_changes_trim (
  singleton  INTEGER PRIMARY KEY DEFAULT 1 CHECK (singleton = 1),
  through    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_changes_trim DEFAULT VALUES;

CREATE TRIGGER orion_changes_stores_insert AFTER INSERT ON stores
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (NEW.id, 'store', NEW.code, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_stores_update AFTER UPDATE ON stores
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.id, 'store', OLD.code, CAST(strftime('%s', 'now') AS INTEGER));
  INSERT INTO store_changes (store_id, kind, key, created_at)
    SELECT NEW.id, 'store', NEW.code, CAST(strftime('%s', 'now') AS INTEGER)
    WHERE NEW.code <> OLD.code;
END;

CREATE TRIGGER orion_changes_stores_delete AFTER DELETE ON stores
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.id, 'store', OLD.code, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_domains_insert AFTER INSERT ON store_domains
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (NEW.store_id, 'domain', NEW.domain, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_domains_update AFTER UPDATE ON store_domains
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'domain', OLD.domain, CAST(strftime('%s', 'now') AS INTEGER));
  INSERT INTO store_changes (store_id, kind, key, created_at)
    SELECT NEW.store_id, 'domain', NEW.domain, CAST(strftime('%s', 'now') AS INTEGER)
    WHERE NEW.domain <> OLD.domain OR NEW.store_id <> OLD.store_id;
END;

CREATE TRIGGER orion_changes_store_domains_delete AFTER DELETE ON store_domains
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'domain', OLD.domain, CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_themes_insert AFTER INSERT ON store_themes
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (NEW.store_id, 'theme', '', CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_themes_update AFTER UPDATE ON store_themes
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'theme', '', CAST(strftime('%s', 'now') AS INTEGER));
  INSERT INTO store_changes (store_id, kind, key, created_at)
    SELECT NEW.store_id, 'theme', '', CAST(strftime('%s', 'now') AS INTEGER)
    WHERE NEW.store_id <> OLD.store_id;
END;

CREATE TRIGGER orion_changes_store_themes_delete AFTER DELETE ON store_themes
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'theme', '', CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_products_insert AFTER INSERT ON products
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (NEW.store_id, 'product', '', CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_products_update AFTER UPDATE ON products
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'product', '', CAST(strftime('%s', 'now') AS INTEGER));
  INSERT INTO store_changes (store_id, kind, key, created_at)
    SELECT NEW.store_id, 'product', '', CAST(strftime('%s', 'now') AS INTEGER)
    WHERE NEW.store_id <> OLD.store_id;
END;

CREATE TRIGGER orion_changes_products_delete AFTER DELETE ON products
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'product', '', CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_files_insert AFTER INSERT ON store_files
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (NEW.store_id, 'file', '', CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER orion_changes_store_files_update AFTER UPDATE ON store_files
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'file', '', CAST(strftime('%s', 'now') AS INTEGER));
  INSERT INTO store_changes (store_id, kind, key, created_at)
    SELECT NEW.store_id, 'file', '', CAST(strftime('%s', 'now') AS INTEGER)
    WHERE NEW.store_id <> OLD.store_id;
END;

CREATE TRIGGER orion_changes_store_files_delete AFTER DELETE ON store_files
BEGIN
  INSERT INTO store_changes (store_id, kind, key, created_at)
    VALUES (OLD.store_id, 'file', '', CAST(strftime('%s', 'now') AS INTEGER));
END;
