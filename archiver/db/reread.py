"""What older snapshots lack, read again from each one's stored payload (migrations m014 and
m015): the payload is the answer X sent, and parsing it again with the parser that writes
new snapshots gives the values a check would store today. Only the missing columns are
written; the payload and every other column stay as they were.

A new snapshot is written only when a post's content changes, so without this an older row
would keep its missing value for good (``partial``), or until the post's next check
(``edit_ids``, ``newer_version_id``, added by m012).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..snapshot.result import ProviderResult

BATCH = 500  # rows read and parsed per query: the payloads are read only this many at a time

# Syndication snapshots without their versions whose answer lists some: an answer without
# ``edit_tweet_ids`` (a tombstone, an old post) gives none, so is not parsed.
_WITHOUT_EDITS = (
    "provider = 'syndication' and edit_ids is null and instr(payload, 'edit_tweet_ids') > 0"
)
# Snapshots not marked partial whose answer may show part of a post: a long post
# (syndication's ``note_tweet``, oEmbed's text ending in "…", raw or escaped in the JSON)
# or an X Article (``article``). A capture of syndication's answer is read as one.
_MAYBE_PARTIAL = (
    "partial = 0 and (provider in ('syndication', 'oembed')"
    " or (provider = 'wayback' and instr(request_url, 'tweet-result') > 0))"
    " and (instr(payload, 'note_tweet') > 0 or instr(payload, '\"article\"') > 0"
    " or instr(payload, '\u2026') > 0 or instr(payload, '\\u2026') > 0)"
)


def backfill_edits(conn: sqlite3.Connection) -> int:
    """Set ``edit_ids`` and ``newer_version_id`` of the syndication snapshots that lack them;
    return how many rows got them. Idempotent."""
    updates = []
    for snapshot_id, answer in _reparsed(conn, _WITHOUT_EDITS):
        values = answer.snapshot_fields()
        if values["edit_ids"] is not None:
            updates.append((values["edit_ids"], values["newer_version_id"], snapshot_id))
    conn.executemany(
        "update snapshots set edit_ids = ?, newer_version_id = ? where id = ?", updates
    )
    return len(updates)


def backfill_partial(conn: sqlite3.Connection) -> int:
    """Set ``partial`` of the snapshots whose payload holds only part of the post (stored
    before long posts, or oEmbed's cut of one, were recognised); return how many. Idempotent."""
    ids = [
        (snapshot_id,) for snapshot_id, answer in _reparsed(conn, _MAYBE_PARTIAL) if answer.partial
    ]
    conn.executemany("update snapshots set partial = 1 where id = ?", ids)
    return len(ids)


def _reparsed(conn: sqlite3.Connection, where: str) -> Iterator[tuple[int, ProviderResult]]:
    """(snapshot id, its payload parsed again) of each snapshot matching ``where``, by
    syndication's parser or oEmbed's (a Wayback capture of syndication's answer: the first)."""
    from ..snapshot import OEMBED, parse_oembed, parse_syndication

    query = (
        "select id, provider, http_status, payload from snapshots where id > ?"
        f" and payload is not null and ({where}) order by id limit ?"
    )
    last = 0
    while True:
        rows = conn.execute(query, (last, BATCH)).fetchall()
        for snapshot_id, provider, http_status, payload in rows:
            parse = parse_oembed if provider == OEMBED else parse_syndication
            body = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
            yield snapshot_id, parse(http_status or 200, "application/json", body)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]
