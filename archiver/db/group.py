"""Grouped commits: many all-or-nothing items per transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlite_utils

T = TypeVar("T")
R = TypeVar("R")


class GroupWriter(Generic[T, R]):
    """Saves many items with few commits: each item is all-or-nothing (a savepoint), and
    items are committed together in small groups (``max_items`` or ``max_seconds``).

    ``add`` returns nothing: the (item, result or None, error or None) triples come back from
    ``commit``, once they are durable. A failed commit fails every item of its group, and
    nothing of them is in the archive. One transaction per item would cost more than the
    work itself in directory scans and snapshot runs.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
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
        self.group: list[tuple[T, R | None, str | None]] = []
        self.started = 0.0

    def add(self, item: T) -> None:
        conn = self.db.conn
        try:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
                self.started = time.monotonic()
            conn.execute("SAVEPOINT item")
        except sqlite3.DatabaseError as exc:
            self.group.append((item, None, f"cannot save {self.describe(item)}: {exc}"))
            return
        try:
            result = self.save(conn, item)
            conn.execute("RELEASE item")
            self.group.append((item, result, None))
        except BaseException as exc:  # Ctrl-C included: never commit half an item
            if conn.in_transaction:
                conn.execute("ROLLBACK TO item")
                conn.execute("RELEASE item")
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            self.group.append((item, None, f"cannot save {self.describe(item)}: {exc}"))

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
        """Make the group durable; returns each item's (item, result, error)."""
        group, self.group = self.group, []
        conn = self.db.conn
        if not conn.in_transaction:
            return group
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [
                (item, None, error or f"cannot save {self.describe(item)}: {exc}")
                for item, _, error in group
            ]
        return group
