-- The archive's schema as its migrations leave it, replayed to create a new archive.
-- Written by `python -m archiver.db.fresh`; do not edit (tests/test_fresh_schema.py).
-- next statement
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
)
-- next statement
CREATE TABLE "articles" (
   "id" INTEGER PRIMARY KEY,
   "url" TEXT NOT NULL,
   "final_url" TEXT,
   "title" TEXT,
   "site" TEXT,
   "published_at" TEXT,
   "first_seen_at" TEXT NOT NULL,
   "last_scanned_at" TEXT,
   "http_status" INTEGER,
   "content_sha256" TEXT,
   "source" TEXT
, "canonical_url" TEXT, "next_scan_at" TEXT, "scan_count" INTEGER NOT NULL DEFAULT 0)
-- next statement
CREATE TABLE "posts" (
   "id" TEXT PRIMARY KEY,
   "url" TEXT,
   "handle" TEXT,
   "author_name" TEXT,
   "text" TEXT,
   "created_at" TEXT,
   "status" TEXT NOT NULL DEFAULT 'pending',
   "resolved_id" TEXT,
   "fingerprint" TEXT,
   "first_seen_at" TEXT NOT NULL,
   "last_checked_at" TEXT,
   "next_check_at" TEXT,
   "status_changed_at" TEXT,
   "checks" INTEGER DEFAULT 0
, "not_found_checks" INTEGER NOT NULL DEFAULT 0)
-- next statement
CREATE TABLE "embeds" (
   "id" INTEGER PRIMARY KEY,
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "post_id" TEXT NOT NULL REFERENCES "posts"("id"),
   "position" INTEGER NOT NULL,
   "method" TEXT NOT NULL,
   "occurrence" INTEGER NOT NULL,
   "author_name" TEXT,
   "handle" TEXT,
   "text" TEXT,
   "date" TEXT,
   "media" TEXT,
   "raw" TEXT,
   "raw_sha256" TEXT,
   "first_seen_at" TEXT,
   "last_seen_at" TEXT,
   "removed_at" TEXT
, "record_id" INTEGER REFERENCES records(id), "raw_start" INTEGER, "raw_end" INTEGER, "date_text" TEXT)
-- next statement
CREATE TABLE "snapshots" (
   "id" INTEGER PRIMARY KEY,
   "post_id" TEXT NOT NULL REFERENCES "posts"("id"),
   "fetched_at" TEXT NOT NULL,
   "provider" TEXT,
   "request_url" TEXT,
   "http_status" INTEGER,
   "status" TEXT,
   "author_name" TEXT,
   "handle" TEXT,
   "text" TEXT,
   "created_at" TEXT,
   "media" TEXT,
   "payload" TEXT,
   "payload_sha256" TEXT,
   "content_sha256" TEXT
, "record_id" INTEGER REFERENCES records(id), "partial" INTEGER NOT NULL DEFAULT 0, "memento_datetime" TEXT, "edit_ids" TEXT, "newer_version_id" TEXT, "quoted_id" TEXT, "parent_id" TEXT, "card" TEXT, "links" TEXT, "labels" TEXT)
-- next statement
CREATE TABLE "checks" (
   "id" INTEGER PRIMARY KEY,
   "post_id" TEXT NOT NULL REFERENCES "posts"("id"),
   "checked_at" TEXT NOT NULL,
   "provider" TEXT,
   "http_status" INTEGER,
   "status" TEXT,
   "snapshot_id" INTEGER REFERENCES "snapshots"("id"),
   "error" TEXT
, "record_id" INTEGER REFERENCES records(id), "labels" TEXT)
-- next statement
CREATE TABLE "scans" (
   "id" INTEGER PRIMARY KEY,
   "article_id" INTEGER NOT NULL REFERENCES "articles"("id"),
   "started_at" TEXT,
   "finished_at" TEXT,
   "http_status" INTEGER,
   "content_sha256" TEXT,
   "embeds" INTEGER,
   "error" TEXT
, "record_id" INTEGER REFERENCES records(id))
-- next statement
CREATE VIRTUAL TABLE "posts_fts" USING FTS5 (
    "text", "author_name", "handle",
    tokenize='unicode61',
    content="posts"
)
-- next statement
CREATE VIRTUAL TABLE "embeds_fts" USING FTS5 (
    "text", "author_name", "handle",
    tokenize='unicode61',
    content="embeds"
)
-- next statement
CREATE TABLE "source_state" (
   "name" TEXT PRIMARY KEY,
   "type" TEXT,
   "url" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "mtime" REAL,
   "last_polled_at" TEXT,
   "last_error" TEXT,
   "urls_seen" INTEGER
)
-- next statement
CREATE TABLE "worker_runs" (
   "id" INTEGER PRIMARY KEY,
   "pid" INTEGER,
   "started_at" TEXT,
   "last_beat_at" TEXT,
   "stopped_at" TEXT,
   "state" TEXT,
   "articles_scanned" INTEGER,
   "posts_checked" INTEGER,
   "errors" INTEGER
)
-- next statement
CREATE TABLE "records" (
   "id" INTEGER PRIMARY KEY,
   "warc_file" TEXT NOT NULL,
   "warc_offset" INTEGER NOT NULL,
   "warc_length" INTEGER,
   "record_id" TEXT NOT NULL,
   "record_type" TEXT NOT NULL,
   "target_uri" TEXT,
   "date" TEXT,
   "http_status" INTEGER,
   "content_type" TEXT,
   "payload_sha256" TEXT
)
-- next statement
CREATE TABLE "media" (
   "id" INTEGER PRIMARY KEY,
   "post_id" TEXT NOT NULL REFERENCES "posts"("id"),
   "kind" TEXT,
   "url" TEXT NOT NULL,
   "record_id" INTEGER REFERENCES "records"("id"),
   "sha256" TEXT,
   "bytes" INTEGER,
   "content_type" TEXT,
   "fetched_at" TEXT,
   "error" TEXT
)
-- next statement
CREATE TABLE "timestamps" (
   "id" INTEGER PRIMARY KEY,
   "created_at" TEXT NOT NULL,
   "tsa_url" TEXT NOT NULL,
   "manifest_sha256" TEXT NOT NULL,
   "token" BLOB NOT NULL,
   "gen_time" TEXT,
   "record_id" INTEGER REFERENCES "records"("id"),
   "records_through" INTEGER
)
-- next statement
CREATE TABLE "wayback_lookups" (
   "post_id" TEXT PRIMARY KEY REFERENCES "posts"("id"),
   "looked_up_at" TEXT NOT NULL,
   "next_lookup_at" TEXT NOT NULL,
   "captures" TEXT,
   "snapshot_id" INTEGER REFERENCES "snapshots"("id"),
   "error" TEXT
)
-- next statement
CREATE TABLE "sitemap_children" (
   "id" INTEGER PRIMARY KEY,
   "source" TEXT NOT NULL,
   "url" TEXT NOT NULL,
   "parent" TEXT NOT NULL,
   "depth" INTEGER NOT NULL,
   "lastmod" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "read_at" TEXT,
   "checked_at" TEXT,
   "last_error" TEXT,
   "urls_seen" INTEGER
)
-- next statement
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name")
-- next statement
CREATE UNIQUE INDEX "idx_articles_url"
    ON "articles" ("url")
-- next statement
CREATE INDEX "idx_posts_status"
    ON "posts" ("status")
-- next statement
CREATE INDEX "idx_posts_next_check_at"
    ON "posts" ("next_check_at")
-- next statement
CREATE INDEX "idx_posts_fingerprint"
    ON "posts" ("fingerprint")
-- next statement
CREATE INDEX "idx_posts_handle"
    ON "posts" ("handle")
-- next statement
CREATE UNIQUE INDEX "idx_embeds_article_id_post_id_occurrence"
    ON "embeds" ("article_id", "post_id", "occurrence")
-- next statement
CREATE INDEX "idx_snapshots_post_id_fetched_at"
    ON "snapshots" ("post_id", "fetched_at")
-- next statement
CREATE INDEX "idx_checks_post_id_checked_at"
    ON "checks" ("post_id", "checked_at")
-- next statement
CREATE INDEX "idx_scans_article_id_started_at"
    ON "scans" ("article_id", "started_at")
-- next statement
CREATE INDEX "idx_articles_next_scan_at"
    ON "articles" ("next_scan_at")
-- next statement
CREATE UNIQUE INDEX "idx_records_warc_file_warc_offset"
    ON "records" ("warc_file", "warc_offset")
-- next statement
CREATE INDEX "idx_records_record_id"
    ON "records" ("record_id")
-- next statement
CREATE INDEX "idx_records_target_uri"
    ON "records" ("target_uri")
-- next statement
CREATE UNIQUE INDEX "idx_media_post_id_url"
    ON "media" ("post_id", "url")
-- next statement
CREATE INDEX "idx_scans_record_id"
    ON "scans" ("record_id")
-- next statement
CREATE UNIQUE INDEX "idx_sitemap_children_source_url"
    ON "sitemap_children" ("source", "url")
-- next statement
CREATE INDEX "idx_sitemap_children_source_parent"
    ON "sitemap_children" ("source", "parent")
-- next statement
CREATE INDEX "idx_snapshots_newer_version" ON "snapshots" ("post_id", "id", "newer_version_id", "fetched_at") WHERE "newer_version_id" IS NOT NULL
-- next statement
CREATE INDEX "idx_posts_resolved_id"
    ON "posts" ("resolved_id")
-- next statement
CREATE INDEX "idx_articles_final_url"
    ON "articles" ("final_url")
-- next statement
CREATE INDEX idx_embeds_post_counts on embeds (post_id, method, article_id, first_seen_at)
-- next statement
CREATE INDEX idx_checks_labels on checks (post_id, snapshot_id) where labels is not null
-- next statement
CREATE TRIGGER "posts_ai" AFTER INSERT ON "posts" BEGIN
  INSERT INTO "posts_fts" (rowid, "text", "author_name", "handle") VALUES (new.rowid, new."text", new."author_name", new."handle");
END
-- next statement
CREATE TRIGGER "posts_ad" AFTER DELETE ON "posts" BEGIN
  INSERT INTO "posts_fts" ("posts_fts", rowid, "text", "author_name", "handle") VALUES('delete', old.rowid, old."text", old."author_name", old."handle");
END
-- next statement
CREATE TRIGGER "embeds_ai" AFTER INSERT ON "embeds" BEGIN
  INSERT INTO "embeds_fts" (rowid, "text", "author_name", "handle") VALUES (new.rowid, new."text", new."author_name", new."handle");
END
-- next statement
CREATE TRIGGER "embeds_ad" AFTER DELETE ON "embeds" BEGIN
  INSERT INTO "embeds_fts" ("embeds_fts", rowid, "text", "author_name", "handle") VALUES('delete', old.rowid, old."text", old."author_name", old."handle");
END
-- next statement
CREATE TRIGGER "posts_au" AFTER UPDATE OF "text", "author_name", "handle" ON "posts" BEGIN
  INSERT INTO "posts_fts" ("posts_fts", rowid, "text", "author_name", "handle") VALUES('delete', old.rowid, old."text", old."author_name", old."handle");
  INSERT INTO "posts_fts" (rowid, "text", "author_name", "handle") VALUES (new.rowid, new."text", new."author_name", new."handle");
END
-- next statement
CREATE TRIGGER "embeds_au" AFTER UPDATE OF "text", "author_name", "handle" ON "embeds" BEGIN
  INSERT INTO "embeds_fts" ("embeds_fts", rowid, "text", "author_name", "handle") VALUES('delete', old.rowid, old."text", old."author_name", old."handle");
  INSERT INTO "embeds_fts" (rowid, "text", "author_name", "handle") VALUES (new.rowid, new."text", new."author_name", new."handle");
END
-- next statement
CREATE VIEW "post_provenance" AS 
select
  posts.id as post_id, posts.url as post_url, posts.handle, posts.status,
  embeds.text as embed_text, embeds.method, embeds.position, embeds.occurrence,
  embeds.first_seen_at, embeds.last_seen_at, embeds.removed_at,
  articles.id as article_id, articles.url as article_url, articles.title as article_title,
  articles.site
from posts
join embeds on embeds.post_id = posts.id
join articles on articles.id = embeds.article_id
order by posts.id, embeds.first_seen_at
-- next statement
CREATE VIEW "post_changes" AS 
select
  posts.id as post_id, posts.url as post_url, posts.handle, posts.status,
  posts.status_changed_at, posts.text as live_text, embeds.text as embed_text,
  case
    when posts.status not in ('live', 'pending', 'text_only') then 'not live'
    when (select newer_version_id from snapshots where snapshots.post_id = posts.id and newer_version_id is not null order by id desc limit 1) is not null then 'edited'
    else 'text differs'
  end as change,
  articles.url as article_url, articles.title as article_title,
  (select newer_version_id from snapshots where snapshots.post_id = posts.id and newer_version_id is not null order by id desc limit 1) as newer_version_id,
  embeds.removed_at as embed_removed_at
from posts
join embeds on embeds.post_id = posts.id
join articles on articles.id = embeds.article_id
where posts.status not in ('live', 'pending', 'text_only', 'unavailable')
   or (posts.status = 'live' and (select newer_version_id from snapshots where snapshots.post_id = posts.id and newer_version_id is not null order by id desc limit 1) is not null and embeds.removed_at is null)
   or (posts.status = 'live' and posts.last_checked_at is not null
       and embeds.text is not null and posts.text is not null and embeds.removed_at is null
       and lower(trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(embeds.text, char(8203), ''), char(8204), ''), char(8205), ''), char(8288), ''), char(65279), ''), char(160), ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '))) != lower(trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(posts.text, char(8203), ''), char(8204), ''), char(8205), ''), char(8288), ''), char(65279), ''), char(160), ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '))))
