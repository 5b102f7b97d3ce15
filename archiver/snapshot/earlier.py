"""Look up earlier captures of posts in the Wayback Machine and keep the best one.

Runs after a snapshot run's checks are saved: the posts it checked that qualify
(``[snapshot] wayback``, see ``db.provenance.posts_for_wayback``) get their CDX queries,
their best capture is replayed raw and parsed, and the outcome is saved. A post's status is
never changed here: a capture shows what the post said then, not what it is now.

Polite by construction: every request goes through the shared HTTP layer (its per-host
throttle and retry policy), a post is looked up at most once per ``LOOKUP_EVERY`` (a
lookup whose CDX queries failed is retried after ``RETRY_FAILED``), and at most
``MAX_REPLAYS`` captures are fetched per lookup.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..clock import utcnow
from ..config import Config
from ..db.connection import transaction
from ..db.provenance import WaybackLookup, WaybackSnapshot, posts_for_wayback, save_wayback_lookup
from ..db.records import record_row
from ..errors import FetchError
from ..evidence.capture import capture_of
from ..evidence.replies import keep_reply
from ..evidence.warc import WarcLog
from ..http import Exchange
from .result import content_sha256
from .wayback import (
    Capture,
    CdxError,
    capture_listing,
    captures_of_post,
    cdx_queries,
    holds_post,
    parse_capture,
    parse_cdx,
    rank_captures,
)

DAY = 86400.0
LOOKUP_EVERY = 30 * DAY
RETRY_FAILED = DAY
MAX_REPLAYS = 3


#: GET a URL through the HTTP layer (throttled, retried); raises ``FetchError``.
Get = Callable[[str], Exchange]
#: Keep a reply as evidence (a WARC record and its ``records`` row, in the open
#: transaction of the connection); the row's id, or None when evidence is off.
Keep = Callable[[sqlite3.Connection, Exchange], int | None]


def keep_in(log: WarcLog) -> Keep:
    """The ``Keep`` of a run's WARC log: the replay is kept like every provider reply."""

    def keep(conn: sqlite3.Connection, reply: Exchange) -> int | None:
        if not log.enabled:
            return None
        return record_row(conn, keep_reply(conn, log, capture_of(reply)))[0]

    return keep


@dataclass
class WaybackSummary:
    """Wayback Machine look-ups of a snapshot run, in counts."""

    looked_up: int = 0
    found: int = 0
    failed: int = 0

    def line(self) -> str:
        return (
            f"wayback: looked up {self.looked_up} post(s): {self.found} earlier capture(s) "
            f"kept, {self.failed} lookup(s) failed"
        )


def look_up(
    get: Get, wayback_url: str, post_id: str, handle: str | None
) -> tuple[WaybackLookup, Exchange | None]:
    """One post's lookup: its CDX queries, then its best captures until one holds it.
    Also the reply of the capture kept, if any (its evidence is written by the caller)."""
    now = utcnow()
    captures: list[Capture] = []
    errors: list[str] = []
    for url in cdx_queries(wayback_url, post_id, handle):
        try:
            answer = get(url)
            captures += parse_cdx(answer.status_code, answer.content_type, answer.body)
        except (FetchError, CdxError) as exc:
            errors.append(str(exc))
    unanswered = bool(errors)  # the Wayback Machine did not answer: ask again sooner
    mine = captures_of_post(captures, post_id)
    snapshot: WaybackSnapshot | None = None
    reply: Exchange | None = None
    for capture in rank_captures(mine)[:MAX_REPLAYS]:
        snapshot, reply, fetched = _replay(get, wayback_url, capture, post_id, errors)
        unanswered = unanswered or not fetched
        if snapshot:
            break
    lookup = WaybackLookup(
        post_id=post_id,
        looked_up_at=now,
        captures=capture_listing(mine, wayback_url),
        error="; ".join(errors) or None,
        snapshot=snapshot,
        retry_after=RETRY_FAILED if unanswered and not snapshot else LOOKUP_EVERY,
    )
    return lookup, reply if snapshot else None


def _replay(
    get: Get, wayback_url: str, capture: Capture, post_id: str, errors: list[str]
) -> tuple[WaybackSnapshot | None, Exchange | None, bool]:
    """Fetch one capture raw: (a snapshot when it holds the post, the reply, whether an
    answer came). What went wrong is added to ``errors``."""
    url = capture.replay_url(wayback_url)
    try:
        reply = get(url)
    except FetchError as exc:
        errors.append(str(exc))
        return None, None, False
    result = parse_capture(capture, post_id, reply.status_code, reply.content_type, reply.body)
    if not holds_post(result):
        errors.append(f"{url}: {result.error or 'no post in the capture'}")
        return None, reply, not result.retryable
    snapshot = WaybackSnapshot(
        request_url=url,
        memento_datetime=capture.memento_datetime,
        fields=result.snapshot_fields(),
        content_sha256=content_sha256(result),
    )
    return snapshot, reply, True


def look_up_posts(
    db,
    config: Config,
    get: Get,
    post_ids: list[str],
    should_stop: Callable[[], bool] = lambda: False,
    keep: Keep | None = None,
) -> WaybackSummary:
    """Look up the qualifying posts among ``post_ids``, saving each lookup as it ends, the
    replay of a kept capture first kept as evidence by ``keep``."""
    summary = WaybackSummary()
    snap = config.snapshot
    for post_id, handle in posts_for_wayback(db.conn, post_ids, snap.wayback, utcnow()):
        if should_stop():
            break
        lookup, reply = look_up(get, snap.wayback_url, post_id, handle)
        with transaction(db) as conn:
            if lookup.snapshot and reply is not None and keep is not None:
                record_id = keep(conn, reply)  # durable before the rows that name it
                lookup = lookup._replace(snapshot=lookup.snapshot._replace(record_id=record_id))
            save_wayback_lookup(conn, lookup)
        summary.looked_up += 1
        summary.found += lookup.snapshot is not None
        summary.failed += lookup.retry_after == RETRY_FAILED
    return summary
