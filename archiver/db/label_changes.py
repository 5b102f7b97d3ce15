"""What X shows beside a post (a community note, a warning over its media) when that changes
while the post does not: the check records it (``checks.labels``), as no snapshot is written.

A check's ``labels`` is NULL when its answer shows what X last showed by the archive's record:
the flags the latest check recorded against the same snapshot, else the snapshot's own. So an
unchanged re-check stores nothing more, and each appearance, change and withdrawal is one row.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..snapshot.answers import SYNDICATION
from ..snapshot.labels import shown_flags

# The providers whose answers show flags (oEmbed shows none: its answer says nothing of them).
FLAG_PROVIDERS = frozenset({SYNDICATION})


def label_change(
    conn: sqlite3.Connection, post_id: str, evidence: Any, snapshot_id: int | None
) -> str | None:
    """The flags ``evidence`` shows (JSON, ``{}`` for none) when they differ from what X last
    showed beside the post (the snapshot ``snapshot_id`` it confirmed, and the checks since);
    None when they are the same or the answer cannot show them."""
    if snapshot_id is None or getattr(evidence, "provider", None) not in FLAG_PROVIDERS:
        return None
    if not evidence.has_content:  # a tombstone or an error shows no post, and no flags
        return None
    shown = shown_flags(evidence.labels, evidence.media)
    return None if shown == _last_shown(conn, post_id, snapshot_id) else as_json(shown)


def as_json(flags: dict) -> str:
    return json.dumps(flags, ensure_ascii=False, sort_keys=True)


def _last_shown(conn: sqlite3.Connection, post_id: str, snapshot_id: int) -> dict:
    """The flags last recorded for the snapshot: by a check since it, else by itself."""
    row = conn.execute(  # by the partial index idx_checks_labels: those rows only (m030)
        "select labels from checks where post_id = ? and snapshot_id = ?"
        " and labels is not null order by id desc limit 1",
        (post_id, snapshot_id),
    ).fetchone()
    if row:
        return _loads(row[0], dict)
    labels, media = conn.execute(
        "select labels, media from snapshots where id = ?", (snapshot_id,)
    ).fetchone()
    return shown_flags(_loads(labels, dict), _loads(media, list))


def _loads(text: str | None, kind: type) -> Any:
    """A stored JSON column, empty (``kind()``) when it holds none or not a ``kind``."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        value = None
    return value if isinstance(value, kind) else kind()
