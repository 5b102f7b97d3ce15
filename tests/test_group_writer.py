"""``GroupWriter`` (archiver/db/group.py): items wait in memory and the whole group is written
at ``commit``, so SQLite's write lock is free while the caller waits for the next item."""

from __future__ import annotations

import sqlite3

from archiver.clock import utcnow
from archiver.db import GroupWriter, scan_writer
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


def test_a_failing_item_alone_fails_and_leaves_nothing_of_itself(db):
    """The group is written without savepoints; an item's database error makes it written
    again, each item in a savepoint: the others are saved, the failing one wholly undone."""

    def save(conn: sqlite3.Connection, n: int) -> int:
        url = f"https://n.example/{n}"
        cursor = conn.execute("insert into articles (url, first_seen_at) values (?, 't')", (url,))
        if n == 1:  # after a write of its own: that write must go too
            conn.execute("insert into articles (url, first_seen_at) values (null, 't')")
        return int(cursor.lastrowid or 0)

    writer = GroupWriter(db, save, lambda n: f"item {n}")
    for n in range(3):
        writer.add(n)
    saved = writer.commit()
    assert [(n, error is None) for n, _, error in saved] == [(0, True), (1, False), (2, True)]
    assert "cannot save item 1: NOT NULL constraint failed" in (saved[1][2] or "")
    urls = [row[0] for row in db.conn.execute("select url from articles order by id")]
    assert urls == ["https://n.example/0", "https://n.example/2"]
    ids = {n: article_id for n, article_id, _ in saved}
    assert [ids[0], ids[2]] == [row[0] for row in db.conn.execute("select id from articles")]
    assert not db.conn.in_transaction
