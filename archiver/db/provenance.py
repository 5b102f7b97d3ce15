"""Writes and reads for provenance: Wayback lookups and their snapshots, the mementos of a
post, and the timestamps of the evidence."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from ..clock import later
from .records import stored_body

WAYBACK = "wayback"
NOT_LIVE = "posts.status not in ('live', 'pending', 'text_only')"


def posts_for_wayback(
    conn: sqlite3.Connection, post_ids: list[str], mode: str, now: str
) -> list[tuple[str, str | None]]:
    """(id, handle) of the posts among ``post_ids`` to look up in the Wayback Machine now.

    ``when-gone``: the post is not live and we hold no live snapshot of it (from any
    provider, a Wayback one included); ``always``: every post with a status ID; ``never``:
    none. In every mode a post whose last lookup is not yet due again is skipped."""
    if mode == "never" or not post_ids:
        return []
    gone = (
        f" and {NOT_LIVE} and not exists (select 1 from snapshots"
        " where snapshots.post_id = posts.id and snapshots.status = 'live')"
        if mode == "when-gone"
        else ""
    )
    found: list[tuple[str, str | None]] = []
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found += conn.execute(
            f"select posts.id, posts.handle from posts where posts.id in ({marks})"
            " and posts.id not like 'text:%'"
            f"{gone} and not exists (select 1 from wayback_lookups w"
            " where w.post_id = posts.id and w.next_lookup_at > ?)",
            (*chunk, now),
        ).fetchall()
    return found


class WaybackSnapshot(NamedTuple):
    """A capture that holds the post, ready for a ``snapshots`` row."""

    request_url: str  # the raw replay URL
    memento_datetime: str
    fields: dict[str, object]  # ProviderResult.snapshot_fields()
    content_sha256: str
    record_id: int | None = None


class WaybackLookup(NamedTuple):
    """The outcome of one post's lookup: the captures listed (JSON), maybe a snapshot."""

    post_id: str
    looked_up_at: str
    captures: str
    error: str | None
    snapshot: WaybackSnapshot | None
    retry_after: float  # seconds until the post may be looked up again


def save_wayback_lookup(conn: sqlite3.Connection, lookup: WaybackLookup) -> int | None:
    """Record a lookup (replacing the previous one of the post) and its snapshot, if any
    and not already held. Never touches the post's status. Returns the snapshot id."""
    snapshot_id = _save_wayback_snapshot(conn, lookup) if lookup.snapshot else None
    conn.execute(
        "insert or replace into wayback_lookups (post_id, looked_up_at, next_lookup_at,"
        " captures, snapshot_id, error) values (?, ?, ?, ?, ?, ?)",
        (
            lookup.post_id,
            lookup.looked_up_at,
            later(lookup.retry_after, lookup.looked_up_at),
            lookup.captures,
            snapshot_id,
            lookup.error,
        ),
    )
    return snapshot_id


def _save_wayback_snapshot(conn: sqlite3.Connection, lookup: WaybackLookup) -> int:
    snap = lookup.snapshot
    assert snap is not None
    held = conn.execute(
        "select id from snapshots where post_id = ? and provider = ? and request_url = ?",
        (lookup.post_id, WAYBACK, snap.request_url),
    ).fetchone()
    if held:
        return int(held[0])
    f = snap.fields
    payload = f["payload"]
    assert isinstance(payload, (bytes, str))
    cursor = conn.execute(
        "insert into snapshots (post_id, fetched_at, provider, request_url, http_status,"
        " status, author_name, handle, text, created_at, media, payload, payload_sha256,"
        " content_sha256, partial, quoted_id, parent_id, card, links, labels, record_id,"
        " memento_datetime)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            lookup.post_id,
            lookup.looked_up_at,
            WAYBACK,
            snap.request_url,
            f["http_status"],
            f["status"],
            f["author_name"],
            f["handle"],
            f["text"],
            f["created_at"],
            f["media"],
            stored_body(payload),
            f["payload_sha256"],
            snap.content_sha256,
            int(bool(f.get("partial"))),  # a long post's or an X Article's capture holds a part
            f.get("quoted_id"),
            f.get("parent_id"),
            f.get("card"),
            f.get("links"),
            f.get("labels"),
            snap.record_id,
            snap.memento_datetime,
        ),
    )
    return int(cursor.lastrowid or 0)


#: Every memento of the post ``:post``, oldest first: (datetime, source, snapshot_id, url).
#: Our own snapshots have a ``snapshot_id``; Wayback captures, held or only listed by the
#: CDX API, a raw replay ``url``. Shared by ``archive timemap`` and Datasette's query.
MEMENTOS_SQL = """
select fetched_at as datetime, provider as source, id as snapshot_id, null as url
from snapshots where post_id = :post and provider != 'wayback'
union
select memento_datetime, 'wayback', null, request_url
from snapshots where post_id = :post and provider = 'wayback' and memento_datetime is not null
union
select json_extract(value, '$.memento_datetime'), 'wayback', null,
  json_extract(value, '$.replay_url')
from wayback_lookups, json_each(wayback_lookups.captures)
where wayback_lookups.post_id = :post and json_valid(wayback_lookups.captures)
order by 1, 3, 4
"""


class PostMementos(NamedTuple):
    """What a TimeMap of one post is made of: its URL and ``MEMENTOS_SQL``'s rows."""

    post_url: str
    rows: list[tuple[str, str, int | None, str | None]]


def post_mementos(conn: sqlite3.Connection, post_id: str) -> PostMementos | None:
    """The mementos we know of a post; None when the archive has no such post."""
    row = conn.execute("select url from posts where id = ?", (post_id,)).fetchone()
    if row is None:
        return None
    found = conn.execute(MEMENTOS_SQL, {"post": post_id}).fetchall()
    return PostMementos(row[0], [r for r in found if r[0] and (r[2] is not None or r[3])])


# --- timestamps ---------------------------------------------------------------------------


class TimestampRow(NamedTuple):
    """One row of the ``timestamps`` table."""

    id: int
    created_at: str
    tsa_url: str
    manifest_sha256: str
    token: bytes
    gen_time: str | None
    record_id: int | None
    records_through: int | None


_TIMESTAMP_COLUMNS = (
    "id, created_at, tsa_url, manifest_sha256, token, gen_time, record_id, records_through"
)


def timestamp_rows(conn: sqlite3.Connection) -> list[TimestampRow]:
    """Every timestamp, oldest first (the order of the manifest chain)."""
    rows = conn.execute(f"select {_TIMESTAMP_COLUMNS} from timestamps order by id").fetchall()
    return [TimestampRow(*row) for row in rows]


def latest_timestamp(conn: sqlite3.Connection) -> TimestampRow | None:
    row = conn.execute(
        f"select {_TIMESTAMP_COLUMNS} from timestamps order by id desc limit 1"
    ).fetchone()
    return TimestampRow(*row) if row else None


def records_after(
    conn: sqlite3.Connection, after_id: int
) -> list[tuple[int, str, str | None, str | None]]:
    """(id, WARC-Record-ID, payload SHA-256, target URI) of every record with a greater id."""
    return conn.execute(
        "select id, record_id, payload_sha256, target_uri from records where id > ? order by id",
        (after_id,),
    ).fetchall()


def save_timestamp(conn: sqlite3.Connection, row: TimestampRow) -> int:
    """Insert ``row`` (its ``id`` is ignored); the new id."""
    cursor = conn.execute(
        "insert into timestamps (created_at, tsa_url, manifest_sha256, token, gen_time,"
        " record_id, records_through) values (?, ?, ?, ?, ?, ?, ?)",
        (
            row.created_at,
            row.tsa_url,
            row.manifest_sha256,
            row.token,
            row.gen_time,
            row.record_id,
            row.records_through,
        ),
    )
    return int(cursor.lastrowid or 0)


def record_location(conn: sqlite3.Connection, record_id: int) -> tuple[str, int, int] | None:
    """(warc_file, warc_offset, warc_length) of a ``records`` row."""
    row = conn.execute(
        "select warc_file, warc_offset, warc_length from records where id = ?", (record_id,)
    ).fetchone()
    return (str(row[0]), int(row[1]), int(row[2])) if row else None
