"""Versions of edited posts for snapshots stored before ``snapshots.edit_ids`` existed
(migration m014): read again from each syndication snapshot's stored payload.

Migration m012 added ``edit_ids`` and ``newer_version_id`` but left older rows without them,
so in an upgraded archive an edited post showed as ``edited`` only after its next check. The
payload is the answer X sent; parsing it again with the parser that writes new snapshots
gives the values a check would have stored then. Only those two columns are written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

BATCH = 500  # rows read and parsed per query: the payloads are read only this many at a time

# Syndication snapshots not yet given their versions, whose answer lists some: an answer
# without ``edit_tweet_ids`` (a tombstone, an old post) gives none, so is not parsed.
_TODO = (
    "select id, http_status, payload from snapshots where id > ? and provider = 'syndication'"
    " and edit_ids is null and payload is not null"
    " and instr(payload, 'edit_tweet_ids') > 0 order by id limit ?"
)


def backfill_edits(conn: sqlite3.Connection) -> int:
    """Set ``edit_ids`` and ``newer_version_id`` of the syndication snapshots that lack them
    from their stored payloads; return how many rows got them. Idempotent."""
    updates = [
        (edit_ids, newer, snapshot_id)
        for snapshot_id, edit_ids, newer in _versions(conn)
        if edit_ids is not None
    ]
    conn.executemany(
        "update snapshots set edit_ids = ?, newer_version_id = ? where id = ?", updates
    )
    return len(updates)


def _versions(conn: sqlite3.Connection) -> Iterator[tuple[int, str | None, str | None]]:
    """(snapshot id, ``edit_ids`` JSON, ``newer_version_id``) of each snapshot to fill."""
    from ..snapshot.syndication import parse_syndication

    last = 0
    while True:
        rows = conn.execute(_TODO, (last, BATCH)).fetchall()
        for snapshot_id, http_status, payload in rows:
            body = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
            answer = parse_syndication(http_status or 200, "application/json", body)
            values = answer.snapshot_fields()
            edit_ids, newer = values["edit_ids"], values["newer_version_id"]
            yield (
                snapshot_id,
                edit_ids if isinstance(edit_ids, str) else None,
                newer if isinstance(newer, str) else None,
            )
        if len(rows) < BATCH:
            return
        last = rows[-1][0]
