"""Opening the archive: WAL mode, a busy timeout, foreign keys, migrations applied."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ..errors import DatabaseError
from .schema import migrations

BUSY_TIMEOUT_MS = 30_000


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or upgrading) the archive at ``path``."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not an archive file")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if migrations.pending(db):
            with transaction(db):  # two processes creating one archive: the second waits
                if migrations.pending(db):
                    migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open archive ({exc})") from None
    return db


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL mode. The switch needs a moment with no other connection in a
    transaction and SQLite does not wait for it (no busy handler), so a second process
    creating the same archive retries until the first one's switch is visible."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = wal")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: take the write lock up front (waiting on the busy
    timeout) so a read-then-write never fails half way with 'database is locked'."""
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"archive is busy or read-only ({exc})") from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
