"""The daemon's state in the archive: its runs (heartbeats) and each source's poll state."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from ..clock import utcnow
from ..errors import DatabaseError
from .connection import Archive, transaction


class WorkerRun(NamedTuple):
    """One run of ``archive worker`` as its heartbeat row records it."""

    pid: int
    started_at: str
    last_beat_at: str
    state: str
    articles_scanned: int
    posts_checked: int
    errors: int


class SourceRow(NamedTuple):
    """What the archive remembers of a source between polls (conditional GET, file mtime)."""

    etag: str | None = None
    last_modified: str | None = None
    mtime: float | None = None


def start_worker_run(db: Archive, pid: int) -> int:
    """Mark runs that never stopped as ``died`` and add a ``running`` row; returns its id."""
    now = utcnow()
    try:
        with transaction(db) as conn:
            conn.execute(
                "update worker_runs set state = 'died' where state = 'running'"
                " and stopped_at is null"
            )
            cursor = conn.execute(
                "insert into worker_runs (pid, started_at, last_beat_at, state,"
                " articles_scanned, posts_checked, errors) values (?, ?, ?, 'running', 0, 0, 0)",
                (pid, now, now),
            )
            return int(cursor.lastrowid or 0)
    except sqlite3.DatabaseError as exc:  # read-only file, full disk, I/O error
        raise DatabaseError(f"cannot write the archive ({exc})") from None


def beat_worker_run(
    db: Archive, run_id: int | None, state: str, counts: tuple[int, int, int]
) -> None:
    """Update a run's heartbeat, state and (articles scanned, posts checked, errors)."""
    now = utcnow()
    with transaction(db) as conn:
        conn.execute(
            "update worker_runs set last_beat_at = ?, state = ?, articles_scanned = ?,"
            " posts_checked = ?, errors = ?, stopped_at = case when ? != 'running'"
            " then ? else null end where id = ?",
            (now, state, *counts, state, now, run_id),
        )


# A running worker beats every 5 s (``worker.HEARTBEAT_SECONDS``); one silent this long
# was killed (kill -9, the OOM killer) or its machine stopped, and its row still says running.
SILENT_SECONDS = 60.0


def worker_silent(run: WorkerRun, now: str) -> bool:
    """Whether a run whose row says ``running`` has not beaten for ``SILENT_SECONDS``."""
    from datetime import datetime

    def moment(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    if run.state != "running":
        return False
    return (moment(now) - moment(run.last_beat_at)).total_seconds() > SILENT_SECONDS


def latest_worker_run(db: Archive) -> WorkerRun | None:
    """The most recent worker run, if any."""
    row = db.conn.execute(
        "select pid, started_at, last_beat_at, state, articles_scanned, posts_checked, errors"
        " from worker_runs order by id desc limit 1"
    ).fetchone()
    return WorkerRun(*row) if row else None


def forget_moved_source(db: Archive, name: str, kind: str, location: str | None) -> bool:
    """A source given another type or location under the same name starts afresh: the
    validators, file time and child sitemaps kept were the old document's (a conditional
    request of the new URL sent the old ETag, and a 304 hid the new listing for good).
    True when it had moved."""
    row = db.conn.execute("select type, url from source_state where name = ?", (name,)).fetchone()
    if row is None or (row[0], row[1]) == (kind, location):
        return False
    with transaction(db) as conn:
        conn.execute(
            "update source_state set type = ?, url = ?, etag = null, last_modified = null,"
            " mtime = null where name = ?",
            (kind, location, name),
        )
        conn.execute("delete from sitemap_children where source = ?", (name,))
    return True


def load_source_state(db: Archive, name: str) -> SourceRow:
    """The saved poll state of the source ``name`` (empty when never polled)."""
    row = db.conn.execute(
        "select etag, last_modified, mtime from source_state where name = ?", (name,)
    ).fetchone()
    return SourceRow(*row) if row else SourceRow()


def save_source_state(
    db: Archive,
    name: str,
    kind: str,
    location: str | None,
    state: SourceRow,
    error: str | None,
    urls_seen: int,
) -> None:
    """Record one poll of a source: its validators, when, its error and URLs listed."""
    with transaction(db) as conn:
        conn.execute(
            "insert into source_state (name, type, url, etag, last_modified, mtime,"
            " last_polled_at, last_error, urls_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " on conflict(name) do update set type = excluded.type, url = excluded.url,"
            " etag = excluded.etag,"
            " last_modified = excluded.last_modified, mtime = excluded.mtime,"
            " last_polled_at = excluded.last_polled_at, last_error = excluded.last_error,"
            " urls_seen = excluded.urls_seen",
            (
                name,
                kind,
                location,
                state.etag,
                state.last_modified,
                state.mtime,
                utcnow(),
                error,
                urls_seen,
            ),
        )
