"""``GroupWriter`` (archiver/db/group.py): items wait in memory and the whole group is written
at ``commit``, so SQLite's write lock is free while the caller waits for the next item."""

from __future__ import annotations

import sqlite3

from archiver.clock import utcnow
from archiver.db import scan_writer
from archiver.models import ScanRecord


def lock_is_free(db_path) -> bool:
    """Whether another connection could start writing now, without waiting."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def record(n: int) -> ScanRecord:
    now = utcnow()
    return ScanRecord(url=f"https://news.example/{n}", started_at=now, finished_at=now)


def test_items_wait_without_the_write_lock_and_commit_together(db, db_path):
    writer = scan_writer(db)
    for n in range(3):
        writer.add(record(n))
        assert lock_is_free(db_path)  # between items: another writer is never held up
    assert not db.conn.in_transaction
    assert db.conn.execute("select count(*) from articles").fetchone()[0] == 0
    saved = writer.commit()
    assert [error for _, _, error in saved] == [None] * 3
    assert db.conn.execute("select count(*) from articles").fetchone()[0] == 3
    assert lock_is_free(db_path) and writer.commit() == []


def test_a_busy_archive_fails_the_group_and_keeps_nothing_of_it(db, db_path):
    writer = scan_writer(db)
    writer.add(record(1))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writes
    db.conn.execute("pragma busy_timeout = 0")
    try:
        saved = writer.commit()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(saved) == 1 and saved[0][1] is None
    assert "cannot save https://news.example/1" in (saved[0][2] or "")
    assert db.conn.execute("select count(*) from articles").fetchone()[0] == 0
