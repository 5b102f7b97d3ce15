"""What Datasette shows about an archive: descriptions, table options and canned queries.

Plain data, built per database name so the same archive reads the same whichever file name
it is served under. The plugin (``archiver.datasette.plugin``) hands these to Datasette
through its ``get_metadata`` and ``canned_queries`` hooks; ``python -m
archiver.datasette.metadata archive`` prints them as a Datasette 0.65 ``metadata.json``.

Every canned query only reads: none has ``write: true``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import click

from ..db.provenance import MEMENTOS_SQL
from ..db.schema import comparable_sql, snowflake_time_sql

TITLE = "X post archive"
DESCRIPTION = (
    "X (Twitter) posts embedded in news articles: what each article showed, where and when, "
    "and what the post itself said each time it was checked."
)
SOURCE = "News articles scanned by archiver; post snapshots from X's public embed endpoints"
LICENSE = "Posts remain their authors' work; archived as evidence, for research"

# Post statuses, in the order a reader cares about them.
STATUSES = (
    "live",
    "pending",
    "text_only",
    "deleted",
    "removed",
    "protected",
    "suspended",
    "unavailable",
)
GONE_STATUSES = ("deleted", "removed", "protected", "suspended", "unavailable")

_GONE_SQL = ", ".join(f"'{status}'" for status in GONE_STATUSES)

_ARTICLE_COLUMNS = {
    "id": "Row id of the article.",
    "url": "The URL the article was scanned from (for files: a file:// URL).",
    "final_url": "Where that URL ended up after redirects.",
    "title": "The article's title (og:title, <title> or first heading).",
    "site": "The publication (og:site_name), else the host name.",
    "published_at": "Publication time the article declares about itself (UTC ISO-8601).",
    "first_seen_at": "When archiver first scanned the article (UTC).",
    "last_scanned_at": "When archiver last scanned it, successfully or not (UTC).",
    "http_status": "HTTP status of the last scan (null for files).",
    "content_sha256": "SHA-256 of the page bytes at the last successful scan.",
    "source": "The feed, sitemap or list the article came from, when known.",
    "canonical_url": "The canonical URL the article declares (<link rel=canonical>).",
    "next_scan_at": "When the worker will scan the article again (UTC); null when never.",
    "scan_count": "How many times the article has been scanned.",
}
_POST_COLUMNS = {
    "id": "The post's decimal status ID, or text: + a fingerprint for an embed with no ID.",
    "url": "Canonical URL: https://x.com/{handle}/status/{id}.",
    "handle": "Author's @handle, without the @.",
    "author_name": "Author's display name.",
    "text": "The post's text: from the latest snapshot when there is one, else as embedded.",
    "created_at": "When the post was written (UTC; decoded from the snowflake ID).",
    "status": "pending (never checked), live, deleted, removed (by X, for breaking its rules), "
    "protected, suspended, unavailable, "
    "or text_only (no ID, so it cannot be checked).",
    "resolved_id": "For a text-only post: the ID of the same post found embedded elsewhere.",
    "fingerprint": "text: + 16 hex chars of a hash of normalised author and text.",
    "first_seen_at": "When an article embedding this post was first scanned (UTC).",
    "last_checked_at": "When the post itself was last checked (UTC).",
    "next_check_at": "When the next check is due (UTC); null when it is never due.",
    "status_changed_at": "When the status last changed (UTC).",
    "checks": "How many times the post has been checked.",
    "not_found_checks": "Checks in a row where every provider answered 404 (a single 404 is "
    "inconclusive).",
}
_EMBED_COLUMNS = {
    "id": "Row id of the embed.",
    "article_id": "The article that embeds the post.",
    "post_id": "The post embedded.",
    "position": "0-based position of the embed in the article, in document order.",
    "method": "Embed form: blockquote, iframe, amp, wordpress, text, link (running prose)…",
    "occurrence": "1 for the first time this post appears in the article, 2 for the second…",
    "author_name": "Author name as the article showed it.",
    "handle": "@handle as the article showed it.",
    "text": "Post text as the article showed it (normalised).",
    "date": "The signature's date, parsed (ISO-8601), when it could be read.",
    "date_text": "The signature's date as the article wrote it, in the page's language.",
    "media": "Media links the embed carried (JSON list).",
    "raw": "The embed exactly as found (markup or text lines), unchanged. Untrusted.",
    "raw_sha256": "SHA-256 of raw.",
    "first_seen_at": "First scan that found this embed (UTC).",
    "last_seen_at": "Latest scan that found it (UTC).",
    "removed_at": "First scan that no longer found it: the publisher removed the embed (UTC).",
    "record_id": "The WARC record (records.id) whose payload carries the embed: the page's, "
    "or the frame file's its post was read from (a page saved complete).",
    "raw_start": "Byte offset where the embed starts in that record's payload.",
    "raw_end": "Byte offset where it ends (exclusive): sha256 of the range is raw_sha256.",
}
_RECORD_ID = "The WARC record (records.id) holding the response this row relies on."
_SNAPSHOT_COLUMNS = {
    "id": "Row id of the snapshot.",
    "post_id": "The post fetched.",
    "fetched_at": "When it was fetched (UTC).",
    "provider": "Which endpoint answered: syndication, oembed, or wayback (an earlier "
    "capture from the Wayback Machine).",
    "request_url": "The URL requested (for wayback: the capture's raw replay URL).",
    "http_status": "HTTP status of the response.",
    "status": "What the response says about the post (live, deleted, protected…).",
    "author_name": "Author's display name in the response.",
    "handle": "Author's @handle in the response.",
    "text": "Post text as X displays it (verbatim: hidden links cut, entities decoded).",
    "created_at": "When the post was written (UTC): from the ID when it has a time, else "
    "from the response.",
    "media": "Media in the response (JSON).",
    "partial": "1 when the snapshot holds only part of the post (an X Article: title, "
    "preview text and cover image; a long post: its text cut short).",
    "edit_ids": "The IDs of every version of the post, oldest first, as X lists them (JSON; "
    "null when the answer said nothing of versions).",
    "newer_version_id": "When the post was edited after the version X served for its ID: the "
    "newest version's ID (that version is a post of its own: archive snapshot ID).",
    "quoted_id": "The post this one quotes, as the response shows it (syndication's "
    "quoted_tweet, else its quoted_status_id_str or quoted_status_permalink; a status link in "
    "oEmbed's text); null when it shows none (a quoted post since deleted, not named).",
    "parent_id": "The post this one replies to, as the response names it (syndication only).",
    "links": "The links the text shows (JSON): each t.co address, where it leads "
    "(expanded_url, from syndication) and the short form X shows (display_url).",
    "card": "The card under the text, as the response shows it (syndication only; JSON): a "
    "link's title, description, domain and image, a player's URL, a poll's choices with their "
    "counts and end, a Space's ID, a unified card's title, domain and image, a live video's "
    "title, state and broadcaster. Not part of the "
    "content hash: counts and previews change.",
    "labels": "What X shows beside the post (syndication only; JSON): sensitive (a warning "
    "over its media), community_note (title, summary, note_id, url). Media items carry their "
    "own: warning (its kinds), availability (media disabled, e.g. a DMCA notice). Not part of "
    "the content hash.",
    "payload": "The raw response body, unchanged. Untrusted.",
    "payload_sha256": "SHA-256 of payload.",
    "content_sha256": "Hash of what both providers give (normalised text, author, handle, "
    "media t.co codes): a new snapshot only when it changes (or when X first names a newer "
    "version of the post).",
    "record_id": _RECORD_ID,
    "memento_datetime": "For wayback snapshots: when the Wayback Machine captured what the "
    "row holds (UTC). The post's status is never taken from it.",
}
_TIMESTAMP_COLUMNS = {
    "id": "Row id of the timestamp.",
    "created_at": "When the archive asked for it (UTC).",
    "tsa_url": "The RFC 3161 time-stamping authority asked.",
    "manifest_sha256": "SHA-256 of the manifest the token covers.",
    "token": "The DER TimeStampResp exactly as the authority sent it.",
    "gen_time": "The time the authority signed (UTC): the manifest existed by then.",
    "record_id": "The WARC metadata record (records.id) holding the manifest.",
    "records_through": "The greatest records.id the manifest lists.",
}
_WAYBACK_LOOKUP_COLUMNS = {
    "post_id": "The post looked up.",
    "looked_up_at": "When the Wayback Machine's CDX API was last asked (UTC).",
    "next_lookup_at": "Not asked again before this (UTC): 30 days, 1 day after a failure.",
    "captures": "The post's captures the CDX API listed (JSON).",
    "snapshot_id": "The wayback snapshot kept from the best capture, if any.",
    "error": "What failed during the lookup, if anything.",
}
_CHECK_COLUMNS = {
    "id": "Row id of the check.",
    "post_id": "The post checked.",
    "checked_at": "When (UTC).",
    "provider": "Which endpoint was asked.",
    "http_status": "HTTP status of the answer (null when the request failed).",
    "status": "What the check concluded.",
    "snapshot_id": "The snapshot this check produced or confirmed.",
    "error": "Why the check failed, when it did.",
    "record_id": _RECORD_ID,
    "labels": "What X showed beside the post when it changed while the post did not (a "
    "community note added, rewritten or withdrawn, a warning over its media): the flags "
    "as in snapshots.labels, with media (each item's flags by its t.co key); {} when X "
    "showed none any more. Null when they were what the snapshot (or the last check that "
    "recorded a change) showed, or the answer cannot show them (oEmbed). Checks made "
    "before migration m030 are null: their kept answers hold what X showed.",
}
_SCAN_COLUMNS = {
    "id": "Row id of the scan.",
    "article_id": "The article scanned.",
    "started_at": "When the scan started (UTC).",
    "finished_at": "When it finished (UTC).",
    "http_status": "HTTP status of the response (null for files).",
    "content_sha256": "SHA-256 of the page bytes.",
    "embeds": "How many embeds the scan found (null when it failed).",
    "error": "Why the scan failed, when it did.",
    "record_id": _RECORD_ID,
}
_SOURCE_STATE_COLUMNS = {
    "name": "The source's name in config.toml.",
    "type": "feed, sitemap or urls.",
    "url": "Where the source is read from (URL or file).",
    "etag": "ETag of the last response, for conditional requests.",
    "last_modified": "Last-Modified of the last response, for conditional requests.",
    "mtime": "Modification time of a file source at the last read (Unix seconds).",
    "last_polled_at": "When the source was last read (UTC).",
    "last_error": "Why the last read failed, when it did.",
    "urls_seen": "How many article URLs the source has listed.",
}
_SITEMAP_CHILDREN_COLUMNS = {
    "id": "Row id.",
    "source": "The sitemap source (source_state.name) that leads to this child.",
    "url": "The child sitemap's URL.",
    "parent": "The sitemap index that lists it (the source's URL at depth 1).",
    "depth": "Nesting below the source: 1 for a child of the source's own sitemap.",
    "lastmod": "The <lastmod> its parent gives it, as written.",
    "etag": "ETag of its last answer, for its own conditional requests.",
    "last_modified": "Last-Modified of its last answer, for its own conditional requests.",
    "read_at": "When its content was last known: read, or answered 304 (UTC).",
    "checked_at": "When it was last requested (UTC).",
    "last_error": "Why the last request failed, when it did.",
    "urls_seen": "How many article URLs it listed when last read.",
}
_RECORDS_COLUMNS = {
    "id": "Row id of the record pointer.",
    "warc_file": "WARC file: relative to the archive's warc_dir, or absolute for a crawl's "
    "own WARC.",
    "warc_offset": "Byte offset of the record in the file.",
    "warc_length": "Length of the record in the file (compressed), in bytes.",
    "record_id": "The record's WARC-Record-ID.",
    "record_type": "response, resource, revisit, request or metadata.",
    "target_uri": "The URL (or file:// URL) the record is about (a password in it left out).",
    "date": (
        "WARC-Date: when the bytes were captured (UTC; a crawl's record dated by its day"
        " alone keeps it as stored: 2024-03-02)."
    ),
    "http_status": "HTTP status of the response (null for resources).",
    "content_type": "Content-Type of the payload.",
    "payload_sha256": (
        "SHA-256 of the payload (the body with any Content-Encoding removed; of a page file"
        " kept gzip-compressed, the page it holds)."
    ),
}
_MEDIA_COLUMNS = {
    "id": "Row id of the media item.",
    "post_id": "The post the media belongs to.",
    "kind": "photo, gif or video.",
    "url": "Where it was fetched from.",
    "record_id": "The WARC record holding the bytes.",
    "sha256": "SHA-256 of the bytes.",
    "bytes": "Size in bytes.",
    "content_type": "Content-Type served.",
    "fetched_at": "When it was fetched (UTC).",
    "error": "Why the fetch failed, when it did.",
}
_WORKER_RUN_COLUMNS = {
    "id": "Row id of the run.",
    "pid": "Process id of the worker.",
    "started_at": "When the worker started (UTC).",
    "last_beat_at": "Its latest heartbeat (UTC).",
    "stopped_at": "When it stopped (UTC); null while running or after a crash.",
    "state": "running, stopped…",
    "articles_scanned": "Articles scanned during the run.",
    "posts_checked": "Posts checked during the run.",
    "errors": "Errors logged during the run.",
}
_PROVENANCE_COLUMNS = {
    "post_id": "The post.",
    "post_url": "Canonical URL of the post.",
    "handle": "Author's @handle.",
    "status": "The post's status now.",
    "embed_text": "Post text as the article showed it.",
    "method": "Embed form.",
    "position": "0-based position in the article.",
    "occurrence": "1 for the first time in the article, 2 for the second…",
    "first_seen_at": "First scan that found the embed (UTC).",
    "last_seen_at": "Latest scan that found it (UTC).",
    "removed_at": "First scan that no longer found it (UTC).",
    "article_id": "The article.",
    "article_url": "The article's URL.",
    "article_title": "The article's title.",
    "site": "The publication.",
}
_CHANGES_COLUMNS = {
    "post_id": "The post.",
    "post_url": "Canonical URL of the post.",
    "handle": "Author's @handle.",
    "status": "The post's status now.",
    "status_changed_at": "When the status last changed (UTC).",
    "live_text": "The post's text now.",
    "embed_text": "Post text as the article showed it.",
    "change": "not live; edited (X names a newer version of the post); or text differs.",
    "article_url": "The article's URL.",
    "article_title": "The article's title.",
    "newer_version_id": "For an edited post: the ID of its newest version, as X names it.",
    "embed_removed_at": "When a re-scan no longer found the embed in the article (UTC); "
    "such an embed is listed only when its post is not live.",
}

_POST_CARD_SQL = "posts.id as post_id, posts.handle, posts.author_name, posts.status"


def _query(title: str, description: str, sql: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "sql": sql.strip(),
        "hide_sql": True,
        **extra,
    }


#: The read-only canned queries, by name (shown on the database page).
CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "provenance": _query(
        "Provenance of a post",
        "Every article that embedded the post (give its ID or any URL of it), where in the "
        "article, what the article showed and when. Text-only embeds linked to the post "
        "are included.",
        """
select
  embeds.post_id, articles.title as article_title, articles.site, embeds.position,
  embeds.method, embeds.text as shown_text, embeds.first_seen_at, embeds.last_seen_at,
  embeds.removed_at, articles.url as article_url, embeds.author_name as shown_author,
  embeds.handle as shown_handle, embeds.date as shown_date, embeds.occurrence,
  embeds.id as embed_id, embeds.record_id
from embeds
join posts on posts.id = embeds.post_id
join articles on articles.id = embeds.article_id
where posts.id = archiver_post_id(:post) or posts.resolved_id = archiver_post_id(:post)
order by embeds.first_seen_at, articles.id, embeds.position
""",
    ),
    "gone": _query(
        "Posts no longer live",
        "Deleted, removed, protected, suspended or unavailable posts, most recent change "
        "first, with each article that still shows the embed (article empty when none does).",
        f"""
select
  {_POST_CARD_SQL}, posts.status_changed_at, posts.last_checked_at,
  posts.text as last_known_text,
  articles.title as article_title, articles.url as article_url, articles.site,
  embeds.position, embeds.text as shown_text, embeds.last_seen_at
from posts
left join embeds on embeds.post_id = posts.id and embeds.removed_at is null
left join articles on articles.id = embeds.article_id
where posts.status in ({_GONE_SQL})
order by coalesce(posts.status_changed_at, posts.last_checked_at, posts.first_seen_at) desc,
  posts.id, articles.id, embeds.position
""",
    ),
    "changed": _query(
        "Posts whose live text differs from what an article showed",
        "Live posts whose latest snapshot text is not the text an article shows "
        "(compared ignoring case, spacing and zero-width characters; embeds since taken down "
        "are left out).",
        f"""
with latest as (
  select post_id, text, fetched_at from (
    select post_id, text, fetched_at,
      row_number() over (partition by post_id order by fetched_at desc, id desc) as n
    from snapshots where text is not null and provider is not 'wayback'
  ) where n = 1
)
select
  {_POST_CARD_SQL}, latest.text as live_text, latest.fetched_at as live_text_fetched_at,
  embeds.text as shown_text, articles.title as article_title, articles.url as article_url,
  embeds.position, embeds.first_seen_at as shown_since
from posts
join latest on latest.post_id = posts.id
join embeds on embeds.post_id = posts.id and embeds.removed_at is null
join articles on articles.id = embeds.article_id
where posts.status = 'live' and embeds.text is not null and embeds.text != ''
  and {comparable_sql("embeds.text")} != {comparable_sql("latest.text")}
order by latest.fetched_at desc, posts.id, articles.id, embeds.position
""",
    ),
    "edited": _query(
        "Edited posts that articles still show in an older version",
        "Live posts for which X names a newer version than the one their ID shows (X still "
        "serves the old version for it), with each article that still embeds them (embeds "
        "since taken down are left out). edited_at: when the newer version was written (the "
        "time in its ID). edited_after_seen: 1 when that was after this archive first saw the "
        "embed (the article showed the post before it was edited; listed first), 0 when the "
        "newer version already existed then, empty when either time is unknown.",
        f"""
with named as (
  select post_id, newer_version_id,
    min(fetched_at) over (partition by post_id, newer_version_id) as edit_seen_at,
    row_number() over (partition by post_id order by id desc) as n
  from snapshots where newer_version_id is not null
),
edits as (
  select post_id, newer_version_id, edit_seen_at,
    {snowflake_time_sql("newer_version_id")} as edited_at
  from named where n = 1
)
select
  {_POST_CARD_SQL}, edits.newer_version_id, edits.edited_at, edits.edit_seen_at,
  julianday(edits.edited_at) > julianday(embeds.first_seen_at) as edited_after_seen,
  posts.text as live_text, embeds.text as shown_text, embeds.first_seen_at as shown_since,
  articles.title as article_title, articles.url as article_url, embeds.position
from posts
join edits on edits.post_id = posts.id
join embeds on embeds.post_id = posts.id and embeds.removed_at is null
join articles on articles.id = embeds.article_id
where posts.status = 'live'
order by edited_after_seen desc, edits.edit_seen_at desc, posts.id, articles.id, embeds.position
""",
    ),
    "most_embedded": _query(
        "Most-embedded posts",
        "Posts by how many articles embedded them (links in running prose not counted).",
        f"""
with counts as (
  select
    post_id, count(distinct article_id) as articles, count(*) as embeds,
    min(first_seen_at) as first_seen_at
  from embeds
  where method != 'link'
  group by post_id
  order by articles desc, embeds desc, first_seen_at, post_id
  limit 100
)
select
  {_POST_CARD_SQL}, posts.text,
  counts.articles, counts.embeds, counts.first_seen_at,
  (select max(embeds.last_seen_at) from embeds
   where embeds.post_id = counts.post_id and embeds.method != 'link') as last_seen_at
from counts
join posts on posts.id = counts.post_id
order by counts.articles desc, counts.embeds desc, counts.first_seen_at, posts.id
""",
    ),
    "article": _query(
        "Everything from one article",
        "Every embed of one article (give its URL, as listed or with tracking parameters "
        "and fragment, or its id), in page order, with the post's status now and what the "
        "post says now.",
        """
select
  embeds.position, embeds.occurrence, embeds.method, embeds.post_id,
  embeds.author_name as shown_author, embeds.handle as shown_handle,
  embeds.text as shown_text, embeds.date as shown_date, embeds.media,
  posts.status, posts.url as post_url, posts.text as post_text,
  embeds.first_seen_at, embeds.last_seen_at, embeds.removed_at,
  articles.title as article_title, articles.url as article_url, articles.id as article_id
from articles
join embeds on embeds.article_id = articles.id
join posts on posts.id = embeds.post_id
where articles.url = :article or articles.url = archiver_article_url(:article)
  or articles.final_url = :article or articles.id = :article
order by articles.id, embeds.position, embeds.occurrence
""",
    ),
    "search": _query(
        "Search posts and embeds",
        "Full-text search of post text, author names and handles, both as the articles "
        "showed them and as the posts say now. Words are matched whole; quote a phrase.",
        """
select * from (
  select 'post' as found_in, posts.id as post_id, posts.handle, posts.author_name,
    posts.status, posts.text, null as article_title, null as article_url,
    posts_fts.rank as rank
  from posts_fts join posts on posts.rowid = posts_fts.rowid
  where posts_fts match archiver_fts_query(:q)
  union all
  select 'embed' as found_in, embeds.post_id, embeds.handle, embeds.author_name,
    posts.status, embeds.text, articles.title, articles.url, embeds_fts.rank
  from embeds_fts join embeds on embeds.rowid = embeds_fts.rowid
  join posts on posts.id = embeds.post_id
  join articles on articles.id = embeds.article_id
  where embeds_fts match archiver_fts_query(:q)
)
order by rank, post_id
limit 200
""",
    ),
    "mementos": _query(
        "Captures of a post (its TimeMap)",
        "Every capture of the post (give its ID or any URL of it), oldest first: the Wayback "
        "Machine's (raw replay URLs) and our own snapshots, as archive timemap lists them. "
        "The TimeMap itself is at /-/timemap/DATABASE/POST.",
        MEMENTOS_SQL.replace(":post", "archiver_post_id(:post)"),
    ),
    "history": _query(
        "Check history of a post",
        "Every check of the post (give its ID or any URL of it), newest first, with the "
        "snapshot each one produced or confirmed, and what X showed beside the post (a "
        "community note, a warning over its media) where a check first saw it: labels is "
        "set on the check that wrote a snapshot with flags, and on one that saw them change "
        "while the post did not ({} when they went).",
        """
select
  checks.checked_at, checks.provider, checks.http_status, checks.status, checks.error,
  checks.snapshot_id, snapshots.fetched_at as snapshot_fetched_at, snapshots.text,
  snapshots.payload_sha256, coalesce(checks.labels, case when snapshots.fetched_at =
  checks.checked_at then snapshots.labels end) as labels
from checks
left join snapshots on snapshots.id = checks.snapshot_id
where checks.post_id = archiver_post_id(:post)
order by checks.checked_at desc, checks.id desc
""",
    ),
}


def canned_queries() -> dict[str, dict[str, Any]]:
    """A copy of ``CANNED_QUERIES`` (callers may change it)."""
    return copy.deepcopy(CANNED_QUERIES)


#: Descriptions and options (sort, facets, label columns) of every table and view.
TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "Every article scanned, once per URL.",
        "columns": _ARTICLE_COLUMNS,
        "sort_desc": "last_scanned_at",
        "facets": ["site"],
        "label_column": "title",
    },
    "posts": {
        "description": "Every post found embedded, once per post, with its status now.",
        "columns": _POST_COLUMNS,
        "sort_desc": "first_seen_at",
        "facets": ["status", "handle"],
        "label_column": "handle",
    },
    "embeds": {
        "description": "The provenance link: one row per post per article, as the article "
        "showed it. Removed embeds are kept, with removed_at.",
        "columns": _EMBED_COLUMNS,
        "sort_desc": "first_seen_at",
        "facets": ["method", "handle"],
    },
    "snapshots": {
        "description": "What the post itself said, one row each time its content changed.",
        "columns": _SNAPSHOT_COLUMNS,
        "sort_desc": "fetched_at",
        "facets": ["status", "provider"],
        "label_column": "fetched_at",
    },
    "checks": {
        "description": "Every check of every post, including failed ones.",
        "columns": _CHECK_COLUMNS,
        "sort_desc": "checked_at",
        "facets": ["status", "provider"],
    },
    "scans": {
        "description": "Every scan of every article, including failed ones.",
        "columns": _SCAN_COLUMNS,
        "sort_desc": "started_at",
    },
    "source_state": {
        "description": "The worker's state for each configured source (feeds, sitemaps…).",
        "columns": _SOURCE_STATE_COLUMNS,
    },
    "sitemap_children": {
        "description": "Child sitemaps of each sitemap source, each revalidated on its own.",
        "columns": _SITEMAP_CHILDREN_COLUMNS,
        "facets": ["source", "depth"],
    },
    "records": {
        "description": "Where the evidence bytes are: one row per WARC record.",
        "columns": _RECORDS_COLUMNS,
        "sort_desc": "date",
        "facets": ["record_type", "content_type"],
    },
    "media": {
        "description": "Photos and videos of posts, kept as WARC records.",
        "columns": _MEDIA_COLUMNS,
        "sort_desc": "fetched_at",
        "facets": ["kind"],
    },
    "timestamps": {
        "description": "RFC 3161 timestamps of chained manifests of the evidence: proof "
        "that the listed bytes existed at gen_time (not of who served them).",
        "columns": _TIMESTAMP_COLUMNS,
        "sort_desc": "created_at",
    },
    "wayback_lookups": {
        "description": "The Wayback Machine lookups made per post (at most one per 30 days).",
        "columns": _WAYBACK_LOOKUP_COLUMNS,
        "sort_desc": "looked_up_at",
    },
    "worker_runs": {
        "description": "Each run of archive worker, with its heartbeat.",
        "columns": _WORKER_RUN_COLUMNS,
        "sort_desc": "started_at",
    },
    "_sqlite_migrations": {"hidden": True},
    "post_provenance": {
        "description": "Each post with every article that embedded it.",
        "columns": _PROVENANCE_COLUMNS,
        "facets": ["status", "method", "site"],
    },
    "post_changes": {
        "description": "Posts no longer live, edited (X names a newer version), or whose live "
        "text differs from an article's.",
        "columns": _CHANGES_COLUMNS,
        "facets": ["change", "status"],
    },
}


def tables() -> dict[str, dict[str, Any]]:
    """A copy of ``TABLES`` (callers may change it)."""
    return copy.deepcopy(TABLES)


def database_metadata(*, queries: bool = True) -> dict[str, Any]:
    """Metadata of one archive database (its ``databases.<name>`` entry).

    The plugin leaves ``queries`` out: it adds them through the ``canned_queries`` hook.
    """
    metadata: dict[str, Any] = {"description": DESCRIPTION, "tables": tables()}
    if queries:
        metadata["queries"] = canned_queries()
    return metadata


def instance_metadata(database_names: list[str], *, queries: bool = True) -> dict[str, Any]:
    """The whole ``metadata.json`` for archives served under these database names."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "license": LICENSE,
        "databases": {name: database_metadata(queries=queries) for name in database_names},
    }


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", nargs=-1, metavar="[NAME]...")
def main(names: tuple[str, ...]) -> None:
    """Print the archive's Datasette metadata.json, to publish a frozen copy with datasette
    -i. NAME is the archive's name in Datasette, its file's name without .db (default:
    archive)."""
    from ..cli_errors import output_errors

    metadata = instance_metadata(list(names) or ["archive"])
    with output_errors():  # a closed pipe is click's: exit 1 in silence
        click.echo(json.dumps(metadata, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
