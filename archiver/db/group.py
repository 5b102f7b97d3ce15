"""Grouped commits: many all-or-nothing items per transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from .connection import Archive

T = TypeVar("T")
R = TypeVar("R")


class GroupWriter(Generic[T, R]):
    """Saves many items with few commits: each item is all-or-nothing, and items are
    committed together in small groups (``max_items`` or ``max_seconds``).

    ``add`` only keeps the item: the whole group is written at ``commit``, in one
    ``BEGIN IMMEDIATE`` … ``COMMIT``, so the write lock is held while SQLite works and never
    while the caller waits for the next item (a slow page, the network). ``commit`` returns
    the (item, result or None, error or None) triples once they are durable. A failed commit
    fails every item of its group, and nothing of them is in the archive. One transaction
    per item would cost more than the work itself in directory scans and snapshot runs.
    """

    def __init__(
        self,
        db: Archive,
        save: Callable[[sqlite3.Connection, T], R],
        describe: Callable[[T], str],
        max_items: int = 256,
        max_seconds: float = 0.5,
    ) -> None:
        self.db = db
        self.save = save
        self.describe = describe
        self.max_items = max_items
        self.max_seconds = max_seconds
        self.group: list[T] = []
        self.started = 0.0

    def add(self, item: T) -> None:
        if not self.group:
            self.started = time.monotonic()
        self.group.append(item)

    def due(self) -> bool:
        return len(self.group) >= self.max_items or (
            bool(self.group) and time.monotonic() - self.started >= self.max_seconds
        )

    def time_left(self) -> float | None:
        """Seconds until the open group is due (None when no group is open)."""
        if not self.group:
            return None
        return max(0.0, self.max_seconds - (time.monotonic() - self.started))

    def commit(self) -> list[tuple[T, R | None, str | None]]:
        """Write the group and make it durable; returns each item's (item, result, error).
        An interruption (Ctrl-C) rolls the whole group back before it goes on.

        The items are written with no savepoint between them: with one open, SQLite copies
        each page an item changes into a journal of its own, a quarter of a directory scan's
        SQL time. Only when an item fails is the group written again, from its start, each
        item in a savepoint, so that the failing items alone fail."""
        group, self.group = self.group, []
        if not group:
            return []
        done = self._write(group, each=False)
        if done is None:  # an item failed: the group again, each item in a savepoint
            done = self._write(group, each=True)
            assert done is not None
        return done

    def drop(self, exc: Exception) -> list[tuple[T, R | None, str | None]]:
        """Fail every item of the group with ``exc``, writing nothing (``commit``'s triples)."""
        group, self.group = self.group, []
        return self._failed(group, exc)

    def _write(self, group: list[T], each: bool) -> list[tuple[T, R | None, str | None]] | None:
        """One transaction of the group; None when an item failed and ``each`` is False."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            return self._failed(group, exc)
        try:
            done = (
                [self._save_one(conn, item) for item in group]
                if each
                else self._save_all(conn, group)
            )
            if done is None:
                return None
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            return self._failed(group, exc)
        return done

    def _save_all(
        self, conn: sqlite3.Connection, group: list[T]
    ) -> list[tuple[T, R | None, str | None]] | None:
        """Every item, none undone alone: on a database error the transaction is rolled back
        and None returned."""
        try:
            return [(item, self.save(conn, item), None) for item in group]
        except sqlite3.DatabaseError:
            if not conn.in_transaction:
                raise  # SQLite ended the transaction itself: the whole group fails
            conn.execute("ROLLBACK")
            return None

    def _failed(self, group: list[T], exc: Exception) -> list[tuple[T, R | None, str | None]]:
        return [(item, None, f"cannot save {self.describe(item)}: {exc}") for item in group]

    def _save_one(self, conn: sqlite3.Connection, item: T) -> tuple[T, R | None, str | None]:
        """One item in a savepoint: on a database error it alone is undone and failed."""
        conn.execute("SAVEPOINT item")
        try:
            result = self.save(conn, item)
        except sqlite3.DatabaseError as exc:
            if not conn.in_transaction:
                raise  # SQLite ended the transaction itself: the whole group fails
            conn.execute("ROLLBACK TO item")
            conn.execute("RELEASE item")
            return item, None, f"cannot save {self.describe(item)}: {exc}"
        conn.execute("RELEASE item")
        return item, result, None
