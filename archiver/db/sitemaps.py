"""The child sitemaps each sitemap source remembers, and the storing of one poll's listing."""

from __future__ import annotations

import sqlite3

from ..clock import utcnow
from ..listings import KnownChild, Listing, Validators
from .articles import insert_queued
from .connection import Archive, transaction


def load_sitemap_children(db: Archive, source: str) -> dict[str, KnownChild]:
    """The child sitemaps of ``source`` as the archive remembers them, by URL."""
    rows = db.conn.execute(
        "select url, parent, depth, lastmod, etag, last_modified, read_at"
        " from sitemap_children where source = ?",
        (source,),
    ).fetchall()
    return {
        url: KnownChild(url, parent, depth, lastmod, Validators(etag, last_modified), read_at)
        for url, parent, depth, lastmod, etag, last_modified, read_at in rows
    }


def record_listing(
    db: Archive, source: str, listing: Listing, queue: list[str] | None = None
) -> int:
    """Store what one document of a poll listed, all at once: queue its article URLs (those
    of ``queue`` when given: a child still counts all it lists), keep a child sitemap's
    validators and error, and replace the children a re-read index names. Returns how many
    article URLs were new."""
    now = utcnow()
    urls = listing.urls if queue is None else queue
    with transaction(db) as conn:
        new = insert_queued(conn, urls, source, now) if urls else 0
        if listing.parent is not None:
            _save_child_state(conn, source, listing, now)
        if listing.children is not None:
            _replace_children(conn, source, listing)
        return new


def _save_child_state(conn: sqlite3.Connection, source: str, listing: Listing, now: str) -> None:
    """A child's state after a poll. A child that failed keeps no validators: the next poll
    reads it whole (a 304 to a broken copy's validators would hide the fixed one)."""
    read = listing.outcome == "read"
    validators = Validators() if listing.error else listing.validators
    conn.execute(
        "insert into sitemap_children (source, url, parent, depth, lastmod, etag,"
        " last_modified, read_at, checked_at, last_error, urls_seen)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict(source, url) do update set etag = excluded.etag,"
        " last_modified = excluded.last_modified,"
        " read_at = coalesce(excluded.read_at, read_at), checked_at = excluded.checked_at,"
        " last_error = excluded.last_error, urls_seen = coalesce(excluded.urls_seen, urls_seen)",
        (
            source,
            listing.url,
            listing.parent,
            listing.depth,
            listing.lastmod,
            validators.etag,
            validators.last_modified,
            listing.read_at,
            now,
            listing.error,
            len(listing.urls) if read else None,
        ),
    )


def _replace_children(conn: sqlite3.Connection, source: str, listing: Listing) -> None:
    """Keep the children an index names; forget those it no longer names, unless it broke
    off (``XML broken off after 1 entries``): the ones after the break were not seen."""
    children = listing.children or []
    conn.executemany(
        "insert into sitemap_children (source, url, parent, depth, lastmod)"
        " values (?, ?, ?, ?, ?) on conflict(source, url) do update set"
        " parent = excluded.parent, depth = excluded.depth, lastmod = excluded.lastmod",
        [(source, c.url, listing.url, listing.depth + 1, c.lastmod) for c in children],
    )
    if listing.error:
        return
    listed = {child.url for child in children}
    stale = [
        (source, url)
        for (url,) in conn.execute(
            "select url from sitemap_children where source = ? and parent = ?",
            (source, listing.url),
        )
        if url not in listed
    ]
    conn.executemany("delete from sitemap_children where source = ? and url = ?", stale)
