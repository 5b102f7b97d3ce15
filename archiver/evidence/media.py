"""Media of live posts kept as evidence: photos (original size), GIFs and the best MP4
(a video offered only as an HLS stream is not fetched: its URL stays in the snapshot).

After a snapshot run, each media URL of each live post's latest snapshot that the archive
has not fetched yet is fetched once (``[snapshot] media``: ``all``, ``photos`` or ``none``;
at most ``[snapshot] max_media_bytes``), written as a WARC record, and given a ``media``
row. A failure is a ``media`` row with its error: it never fails the check, and the URL is
not fetched again. A media URL at a private address is not fetched when the provider
that listed it is at a public one (``archiver.inward``): its row gives why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import utcnow
from ..db import transaction
from ..db.evidence import MediaItem, fetched_media, latest_media, save_media
from ..errors import FetchError
from ..models import STREAM_TYPES
from ..normalize import sha256_hex
from ..snapshot.answers import OEMBED, SYNDICATION
from .capture import capture_of
from .warc import WarcLog

if TYPE_CHECKING:
    from ..config import Config
    from ..http import Http

#: Which provider media types each ``[snapshot] media`` choice keeps, and their ``kind``.
KINDS = {"photo": "photo", "animated_gif": "gif", "video": "video"}
CHOICES = {"all": frozenset(KINDS), "photos": frozenset({"photo"}), "none": frozenset()}


@dataclass
class MediaSummary:
    """Media fetches of a snapshot run, in counts."""

    kept: int = 0
    failed: int = 0


def media_of(post_id: str, media_json: str | None, wanted: frozenset[str]) -> list[MediaItem]:
    """The media a snapshot lists (``snapshots.media``) that the configuration keeps. A URL
    that is not http(s) (``file:``, ``data:``) is kept too: its fetch fails, and is counted
    and recorded, as any failed fetch is (``Http.get`` refuses it before any request)."""
    try:
        items = json.loads(media_json or "[]")
    except ValueError:
        return []
    found = []
    for item in items if isinstance(items, list) else []:
        kind = item.get("type") if isinstance(item, dict) else None
        url = item.get("url") if isinstance(item, dict) else None
        if kind in wanted and isinstance(url, str) and url and not _is_stream(item):
            found.append(MediaItem(post_id, KINDS[kind], url))
    return found


def _is_stream(item: dict) -> bool:
    """A video X offered only as an HLS stream: its URL is a playlist, not the video, so it
    stays in the snapshot and is not fetched as if it were the file."""
    return str(item.get("content_type") or "").lower() in STREAM_TYPES


def keep_media(
    db, http: Http, log: WarcLog, config: Config, post_ids: Iterable[str]
) -> MediaSummary:
    """Fetch and keep the media not yet fetched of these posts' latest live snapshots."""
    summary = MediaSummary()
    wanted = CHOICES[config.snapshot.media]
    if not wanted or not log.enabled:
        return summary
    endpoints = {SYNDICATION: config.snapshot.syndication_url, OEMBED: config.snapshot.oembed_url}
    todo = [
        (item, endpoints.get(provider, ""))
        for post_id, media_json, provider in latest_media(db.conn, list(post_ids))
        for item in media_of(post_id, media_json, wanted)
    ]
    seen = fetched_media(db.conn)  # each URL is fetched once, kept or failed
    for item, listed_by in todo:
        if (item.post_id, item.url) in seen:
            continue
        seen.add((item.post_id, item.url))
        ok = _fetch_one(db, http, log, item, listed_by, config.snapshot.max_media_bytes)
        summary.kept += ok
        summary.failed += not ok
    return summary


def _fetch_one(
    db, http: Http, log: WarcLog, item: MediaItem, listed_by: str, max_bytes: int
) -> bool:
    """One media URL (listed in a reply from ``listed_by``): its record and row, or a row
    with its error. True when kept."""
    fetched_at = utcnow()
    try:
        http.refuse_inward(listed_by, item.url, "media")
        exchange = http.get(item.url, max_bytes=max_bytes)
    except FetchError as exc:
        with transaction(db) as conn:
            save_media(conn, item, fetched_at=fetched_at, error=str(exc))
        return False
    record = log.write_http(capture_of(exchange))
    status = exchange.status_code
    error = None if status < 400 else f"{item.url}: HTTP {status}"
    with transaction(db) as conn:
        save_media(
            conn,
            item,
            fetched_at=fetched_at,
            record=record,
            sha256=sha256_hex(exchange.body),
            size=len(exchange.body),
            content_type=exchange.content_type,
            error=error,
        )
    return error is None
