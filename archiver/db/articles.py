"""Writes and reads of articles, their embeds and the posts they name."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from ..clock import utcnow
from ..errors import DatabaseError
from ..models import DueArticle, Embed, ScanRecord
from ..normalize import sha256_hex
from ..urls import canonical_url, snowflake_time
from .connection import Archive, transaction
from .group import GroupWriter
from .records import record_row


def save_scan(db: Archive, record: ScanRecord) -> int:
    """Save one scan in one transaction; returns the article id.

    Re-saving an unchanged article adds a ``scans`` row (and its page's ``records`` row when
    the page was kept). Embeds no longer on the page are kept and marked ``removed_at``; a
    failed scan, or one of a page kept cut short (``cut``), marks none.
    """
    try:
        with transaction(db) as conn:
            return _save_scan(conn, record)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot save {record.url}: {exc}") from None


def _save_scan(conn: sqlite3.Connection, record: ScanRecord) -> int:
    record_id = payload_id = None
    if record.record is not None:
        record_id, scanned_article = record_row(conn, record.record)
        if scanned_article is not None:  # a page of a crawl's WARC file: saved once per record
            return scanned_article
        payload_id = record_id
        if record.payload_record is not None:  # a revisit: the bytes are in its original
            payload_id = record_row(conn, record.payload_record)[0]
    article_id, is_new = _upsert_article(conn, record)
    if record.error is None:
        _save_embeds(conn, article_id, record, is_new, payload_id, _frame_records(conn, record))
    conn.execute(
        "insert into scans (article_id, started_at, finished_at, http_status,"
        " content_sha256, embeds, error, record_id) values (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            record.started_at,
            record.finished_at,
            record.http_status,
            record.content_sha256,
            None if record.error else sum(e.method != "link" for e in record.embeds),
            record.error,
            record_id,
        ),
    )
    return article_id


def save_crawl_scans(db: Archive, records: Iterable[ScanRecord]) -> tuple[int, int]:
    """Save the scans of one crawl input in one transaction: all of them or none. Returns
    (pages, pages new to the archive); a page whose WARC record was saved before adds
    nothing, so importing the same results twice changes nothing."""
    pages = new = 0
    with transaction(db) as conn:
        for record in records:
            before = conn.total_changes
            _save_scan(conn, record)
            pages += 1
            new += conn.total_changes > before
    return pages, new


def scan_writer(db: Archive) -> GroupWriter[ScanRecord, int]:
    """A group writer of scans (directory scans: one commit per group, not per article)."""
    return GroupWriter(db, _save_scan, lambda record: record.url)


def _upsert_article(conn: sqlite3.Connection, record: ScanRecord) -> tuple[int, bool]:
    page = record.page
    row = conn.execute("select id from articles where url = ?", (record.url,)).fetchone()
    if row is None:
        cursor = conn.execute(
            "insert into articles (url, final_url, canonical_url, title, site, published_at,"
            " first_seen_at, last_scanned_at, http_status, content_sha256, source, scan_count)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                record.url,
                record.final_url,
                page.canonical_url,
                page.title,
                page.site,
                page.published_at,
                record.started_at,
                record.finished_at,
                record.http_status,
                record.content_sha256,
                record.source,
            ),
        )
        article_id, is_new = int(cursor.lastrowid or 0), True
    elif record.error is None:
        article_id, is_new = int(row[0]), False
        conn.execute(
            "update articles set final_url = coalesce(?, final_url),"
            " canonical_url = coalesce(?, canonical_url), title = coalesce(?, title),"
            " site = coalesce(?, site), published_at = coalesce(?, published_at),"
            " last_scanned_at = ?, http_status = ?, content_sha256 = ?,"
            " source = coalesce(source, ?), scan_count = scan_count + 1 where id = ?",
            (
                record.final_url,
                page.canonical_url,
                page.title,
                page.site,
                page.published_at,
                record.finished_at,
                record.http_status,
                record.content_sha256,
                record.source,
                article_id,
            ),
        )
    else:
        article_id, is_new = int(row[0]), False
        conn.execute(
            "update articles set last_scanned_at = ?, http_status = coalesce(?, http_status),"
            " scan_count = scan_count + 1 where id = ?",
            (record.finished_at, record.http_status, article_id),
        )
    if record.reschedule:
        conn.execute(
            "update articles set next_scan_at = ? where id = ?", (record.next_scan_at, article_id)
        )
    return article_id, is_new


def _frame_records(conn: sqlite3.Connection, record: ScanRecord) -> dict[int, int]:
    """The ``records`` row of the frame file each embed read from one was read from, by
    the embed's index (its record was written with the page's)."""
    located: dict[int, int] = {}
    for frame in record.frames:
        if frame.record is not None:
            row_id = record_row(conn, frame.record)[0]
            located.update((index, row_id) for index in frame.embeds)
    return located


def _save_embeds(
    conn: sqlite3.Connection,
    article_id: int,
    record: ScanRecord,
    is_new: bool,
    record_id: int | None,
    frame_records: dict[int, int],
) -> None:
    """Insert new embeds, touch the ones seen again, mark the vanished ones ``removed_at``.

    An embed points at the record of the scan that first located its bytes (an embed of an
    older archive gets the pointer, and its exact bytes, at its next located sighting): the
    page's, or the frame file's its post was read from (``frame_records``, by index)."""
    now = record.finished_at
    if is_new and not record.embeds:
        return
    existing = (
        {}
        if is_new
        else {
            (post_id, occurrence): embed_id
            for embed_id, post_id, occurrence in conn.execute(
                "select id, post_id, occurrence from embeds where article_id = ?", (article_id,)
            )
        }
    )
    seen: set[int] = set()
    new: list[tuple[object, ...]] = []
    keys = record.sightings()
    identities = enumerate(zip(record.embeds, record.identities(), keys, strict=True))
    for index, (embed, (_, fingerprint), key) in identities:
        if key is None:
            continue
        post_id, occurrence = key
        _ensure_post(conn, embed, fingerprint, now)
        embed_id = existing.get((post_id, occurrence))
        located = frame_records.get(index, record_id)  # the record holding its bytes
        raw_sha256 = embed.raw_sha256 or sha256_hex(embed.raw)
        if embed_id is None:
            new.append(_embed_row(article_id, post_id, occurrence, embed, now, located, raw_sha256))
        else:
            _touch_embed(conn, embed_id, embed, now, located, raw_sha256)
            seen.add(embed_id)
    _insert_embeds(conn, new)  # after the posts they name
    if record.cut:  # the page's rest is unknown: what it lacks may be past the cut
        return
    gone = [(now, embed_id) for embed_id in existing.values() if embed_id not in seen]
    if gone:
        conn.executemany(
            "update embeds set removed_at = ? where id = ? and removed_at is null", gone
        )


_EMBED_COLUMNS = (
    "article_id, post_id, position, method, occurrence, author_name, handle, text, date,"
    " date_text, media, raw, raw_sha256, first_seen_at, last_seen_at, record_id, raw_start,"
    " raw_end"
)
_EMBED_ROW = f"({', '.join('?' * 18)})"
_EMBEDS_PER_INSERT = 32


def _embed_row(
    article_id: int,
    post_id: str,
    occurrence: int,
    embed: Embed,
    now: str,
    located: int | None,
    raw_sha256: str,
) -> tuple[object, ...]:
    """A new sighting's row; its byte range only with the record it refers to."""
    return (
        article_id,
        post_id,
        embed.position,
        embed.method,
        occurrence,
        embed.author,
        embed.handle,
        embed.text,
        embed.date,
        embed.date_text,
        _json_list(embed.media),
        embed.raw,
        raw_sha256,
        now,
        now,
        located,
        embed.raw_start if located else None,
        embed.raw_end if located and embed.raw_start is not None else None,
    )


def _insert_embeds(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    """New sightings in order, many rows per statement: the full-text index writes out what
    it holds at each write statement, so one statement per row cost a write-out per row."""
    for start in range(0, len(rows), _EMBEDS_PER_INSERT):
        chunk = rows[start : start + _EMBEDS_PER_INSERT]
        conn.execute(
            f"insert into embeds ({_EMBED_COLUMNS}) values {', '.join([_EMBED_ROW] * len(chunk))}",
            [value for row in chunk for value in row],
        )


def _touch_embed(
    conn: sqlite3.Connection,
    embed_id: int,
    embed: Embed,
    now: str,
    located: int | None,
    raw_sha256: str,
) -> None:
    """An embed seen again; one without a pointer takes this sighting's."""
    fill = "record_id is null and ? is not null"
    conn.execute(
        "update embeds set position = ?, last_seen_at = ?, removed_at = null,"
        f" raw = case when {fill} then ? else raw end,"
        f" raw_sha256 = case when {fill} then ? else raw_sha256 end,"
        f" raw_start = case when {fill} then ? else raw_start end,"
        f" raw_end = case when {fill} then ? else raw_end end,"
        " record_id = coalesce(record_id, ?) where id = ?",
        (
            embed.position,
            now,
            located,
            embed.raw,
            located,
            raw_sha256,
            located,
            embed.raw_start,
            located,
            embed.raw_end,
            located,
            embed_id,
        ),
    )


def _ensure_post(conn: sqlite3.Connection, embed: Embed, fingerprint: str | None, now: str) -> None:
    """Add the post if new; fill in what was unknown; link text-only twins (``resolved_id``).
    ``fingerprint`` is the embed's (``ScanRecord.identities``): a text-only post's id."""
    if embed.status_id:
        _ensure_status_post(conn, embed, embed.status_id, fingerprint, now)
    elif fingerprint:
        _ensure_text_post(conn, embed, fingerprint, now)


# What this sighting has to write: whether the post is stored with nothing it could fill in
# (a post is seen again in each later scan of its articles), and whether a text-only twin
# waits for its ID (rare). Writes are only made when they change something: a write costs
# several reads, as the full-text indexes write out what they hold at each one.
_TO_WRITE = (
    "select exists(select 1 from posts where id = ? and (handle is not null or ? is null)"
    " and (author_name is not null or ? is null) and (text is not null or ? is null)"
    " and (fingerprint is not null or ? is null)),"
    " exists(select 1 from posts where id = ? and resolved_id is null)"
)


def _ensure_status_post(
    conn: sqlite3.Connection, embed: Embed, status_id: str, fingerprint: str | None, now: str
) -> None:
    known = (status_id, embed.handle, embed.author, embed.text, fingerprint, fingerprint)
    nothing_to_fill, twin = conn.execute(_TO_WRITE, known).fetchone()
    if not nothing_to_fill:
        conn.execute(
            "insert into posts (id, url, handle, author_name, text, created_at, status,"
            " fingerprint, first_seen_at, next_check_at, checks)"
            " values (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 0)"
            " on conflict(id) do update set"
            " handle = coalesce(posts.handle, excluded.handle),"
            " url = case when posts.handle is null and excluded.handle is not null"
            "   then excluded.url else posts.url end,"
            " author_name = coalesce(posts.author_name, excluded.author_name),"
            " text = coalesce(posts.text, excluded.text),"
            " fingerprint = coalesce(posts.fingerprint, excluded.fingerprint)"
            # Only fill gaps: an update rewrites the post's full-text index entry.
            " where posts.handle is null or posts.author_name is null or posts.text is null"
            " or posts.fingerprint is null",
            (
                status_id,
                canonical_url(status_id, embed.handle),
                embed.handle,
                embed.author,
                embed.text,
                snowflake_time(status_id),
                fingerprint,
                now,
                now,
            ),
        )
    if twin:
        conn.execute(
            "update posts set resolved_id = ? where id = ? and resolved_id is null",
            (status_id, fingerprint),
        )


def _ensure_text_post(conn: sqlite3.Connection, embed: Embed, fingerprint: str, now: str) -> None:
    conn.execute(
        "insert into posts (id, url, handle, author_name, text, created_at, status,"
        " resolved_id, fingerprint, first_seen_at, checks)"
        " values (?, null, ?, ?, ?, null, 'text_only',"
        "  (select id from posts where fingerprint = ? and id not like 'text:%' limit 1),"
        "  ?, ?, 0)"
        " on conflict(id) do update set resolved_id = coalesce(posts.resolved_id,"
        " excluded.resolved_id), handle = coalesce(posts.handle, excluded.handle)"
        " where (posts.resolved_id is null and excluded.resolved_id is not null)"
        " or (posts.handle is null and excluded.handle is not null)",
        (fingerprint, embed.handle, embed.author, embed.text, fingerprint, fingerprint, now),
    )


def enqueue_articles(db: Archive, urls: Sequence[str], source: str) -> int:
    """Queue article URLs for a first scan (duplicates ignored); returns how many were new."""
    with transaction(db) as conn:
        return insert_queued(conn, urls, source, utcnow())


def insert_queued(conn: sqlite3.Connection, urls: Sequence[str], source: str, now: str) -> int:
    """``enqueue_articles`` inside the caller's transaction."""
    before = conn.total_changes
    conn.executemany(
        "insert into articles (url, first_seen_at, source, next_scan_at, scan_count)"
        " values (?, ?, ?, ?, 0) on conflict(url) do nothing",
        [(url, now, source, now) for url in dict.fromkeys(urls)],
    )
    return conn.total_changes - before


def due_articles(db: Archive, limit: int, now: str | None = None) -> list[DueArticle]:
    """Queued articles whose next scan time has come, oldest first."""
    rows = db.conn.execute(
        "select id, url, first_seen_at, scan_count, source from articles"
        " where next_scan_at is not null and next_scan_at <= ? order by next_scan_at limit ?",
        (now or utcnow(), limit),
    ).fetchall()
    return [DueArticle(*row) for row in rows]


def _json_list(values: Sequence[str]) -> str | None:
    return json.dumps(list(values)) if values else None
