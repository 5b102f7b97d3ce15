"""Opening the archive: WAL mode, a busy timeout, foreign keys, migrations applied.

Two ways in, one connection set-up (``connect``):

* ``open_database`` returns a ``sqlite_utils.Database``, for library users and tests who want
  its table helpers;
* ``open_archive`` returns a bare ``OpenArchive`` (just ``.conn``), which the command line
  uses: every function of this package only needs ``.conn`` (the ``Archive`` protocol), and
  not importing sqlite-utils saves about 30 ms of each command's start-up. A new archive is
  created from ``fresh.sql`` (``fresh``); sqlite-utils is imported only to upgrade an
  archive with a migration pending. A database with tables but no migration of the
  archive recorded is someone else's: refused before anything is written to it.

``open_archive(path, read_only=True)`` is for the commands that only read: it writes
nothing (``connect_read_only``), so an archive in a read-only file or directory will do.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ..errors import DatabaseError
from .schema import migrations

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


class Archive(Protocol):
    """An open archive, as the functions of this package use it: its connection."""

    @property
    def conn(self) -> sqlite3.Connection: ...


class OpenArchive(NamedTuple):
    """An open archive without sqlite-utils (see the module docstring)."""

    conn: sqlite3.Connection


class _Connection(sqlite3.Connection):
    """An archive's connection, noted in ``_OPEN`` (weakly) while it lives."""

    read_only = False  # opened ``mode=ro``: it cannot fold the WAL into the file


# A connection is freed only by the garbage collector (its statement cache refers back to
# it), so the command line closes the ones still open itself before it exits (``close_open``).
_OPEN: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()


def _connected(database: str, uri: bool = False) -> sqlite3.Connection:
    """``sqlite3.connect`` of an archive, noted in ``_OPEN``."""
    timeout = BUSY_TIMEOUT_MS / 1000
    conn = sqlite3.connect(
        database, timeout=timeout, check_same_thread=False, factory=_Connection, uri=uri
    )
    _OPEN.add(conn)
    return conn


def close_open() -> None:
    """Close every archive connection still open, as their collection at the interpreter's
    exit would. The writable ones go last: SQLite folds the WAL into the file as the last
    connection closes, which a read-only one cannot do, so it would leave the -wal file."""
    for conn in sorted(_OPEN, key=lambda conn: not getattr(conn, "read_only", False)):
        with contextlib.suppress(sqlite3.Error):
            conn.close()


def archive_path(db: Archive) -> str:
    """The file the connection has open."""
    return str(db.conn.execute("pragma database_list").fetchone()[2])


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or upgrading) the archive at ``path``, as a sqlite-utils database."""
    import sqlite_utils

    return sqlite_utils.Database(connect(path), execute_plugins=False)


def open_archive(path: str | Path, *, read_only: bool = False) -> OpenArchive:
    """Open (creating or upgrading) the archive at ``path``: the light handle.
    ``read_only``: for a command that only reads (see ``connect_read_only``)."""
    return OpenArchive(connect_read_only(path) if read_only else connect(path))


def connect(path: str | Path) -> sqlite3.Connection:
    """The archive's connection: WAL, busy timeout, foreign keys, migrations applied."""
    path = _archive_file(path)
    if path.exists() and not os.access(path, os.W_OK):
        # SQLite opens it read-only without a word: the first write would fail later, as
        # "attempt to write a readonly database", after a scan had fetched its pages.
        raise DatabaseError(
            f"{path}: cannot write the archive (the file is read-only; "
            "stats, timemap, verify and export only read it)"
        )
    try:
        conn = _connected(str(path))
        conn.execute("PRAGMA recursive_triggers = on")  # as sqlite_utils.Database sets it
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        applied = _archive_migrations(conn, path)
        _refuse_newer_archives(conn, path, applied)
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if not applied.issuperset(migrations.names):
            _migrate(conn)  # checks again in its transaction: another process may have been first
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open archive ({_open_problem(path, exc)})") from None
    return conn


def _open_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """SQLite's reason, with the directory it does not name: one that does not exist, or
    one where a new archive ('unable to open database file') or an archive's ``-wal`` file
    ('attempt to write a readonly database') cannot be made."""
    parent = path.absolute().parent
    if not parent.is_dir():
        return f"{exc}: no such directory {parent}"
    cannot_make = not path.exists() or "readonly" in str(exc)  # the file, or its -wal
    if cannot_make and not os.access(parent, os.W_OK):
        return f"{exc}: the directory {parent} is not writable"
    return str(exc)


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that writes nothing, so a read-only file or directory can be read. An
    archive with a migration pending (or none yet) is opened by ``connect`` instead, to be
    upgraded: on a read-only archive, the one-line error of a write that failed."""
    path = _archive_file(path)
    try:
        conn = _open_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open archive ({exc})") from None
    return conn if conn is not None else connect(path)


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    """The read-only connection; None when a migration is pending. SQLite reads a WAL
    archive through its -wal and -shm files, creating them when absent: in a directory
    that cannot have them, the file is read as immutable instead (with no -wal file there
    is nothing uncommitted to miss, and a writer would first have to create one there)."""
    conn = _read_only_connection(path, immutable=False)
    try:
        pending = _migrations_pending(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        no_wal_files = exc.sqlite_errorname.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY"))
        if not no_wal_files or Path(f"{path}-wal").exists():
            raise
        conn = _read_only_connection(path, immutable=True)
        pending = _migrations_pending(conn)
    if pending:
        conn.close()
        return None
    return conn


def _read_only_connection(path: Path, *, immutable: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = _connected(uri, uri=True)
    conn.read_only = True  # type: ignore[attr-defined]
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _archive_file(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not an archive file")
    if path.exists() and not path.is_file():  # SQLite waits for ever on a named pipe
        raise DatabaseError(f"{path}: not a regular file (a pipe or a device), not an archive file")
    try:  # SQLite reports the file's name as UTF-8 text, and so do the archive's records
        str(path.absolute()).encode("utf-8")
    except UnicodeEncodeError:
        raise DatabaseError(f"{path}: the archive's path is not UTF-8; choose another") from None
    return path


def _archive_migrations(conn: sqlite3.Connection, path: Path) -> set[str]:
    """The archive's migrations recorded. A database with tables but none recorded is
    someone else's: it is refused before anything is written to it (not even the switch to
    WAL). The tables are looked for before the record is read: a process creating the
    archive commits both at once, so once its tables are seen, its record is too. (Read the
    other way round, a creation committed between the two reads looked like a foreign
    database, and the second process creating one archive was refused.)"""
    from . import fresh

    empty = fresh.is_empty(conn)
    applied = _applied(conn)
    if applied or empty:
        return applied
    conn.close()
    raise DatabaseError(
        f"{path}: an SQLite database but not an archive (it has tables of its own); left as it is"
    )


def _refuse_newer_archives(conn: sqlite3.Connection, path: Path, applied: set[str]) -> None:
    """An archive with a migration this version does not know was made by a newer one:
    writing to it could break what that version relies on (reading it is harmless)."""
    unknown = applied.difference(migrations.names)
    if unknown:
        conn.close()
        raise DatabaseError(
            f"{path}: made by a newer archiver (migration {min(unknown)} is unknown here);"
            " upgrade archiver to write to it"
        )


def _migrations_pending(conn: sqlite3.Connection) -> bool:
    """True unless every migration is recorded in ``_sqlite_migrations``."""
    return not _applied(conn).issuperset(migrations.names)


def _applied(conn: sqlite3.Connection) -> set[str]:
    """The archive's migrations recorded in ``_sqlite_migrations`` (plain SQL, the table
    sqlite-utils keeps)."""
    if not conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = '_sqlite_migrations'"
    ).fetchone():
        return set()
    return {
        row[0]
        for row in conn.execute(
            "select name from _sqlite_migrations where migration_set = ?", (migrations.name,)
        )
    }


def _migrate(conn: sqlite3.Connection) -> None:
    from . import fresh

    with transaction(OpenArchive(conn)):  # two processes creating one archive: one waits
        if fresh.is_empty(conn):
            fresh.create(conn, migrations.name, migrations.names)
            return
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    with transaction(db):  # two processes creating one archive: the second waits
        if migrations.pending(db):
            migrations.apply(db)


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
def transaction(db: Archive) -> Iterator[sqlite3.Connection]:
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
