"""A new archive is created from ``archiver/db/fresh.sql``; it must be exactly what the
migrations build."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from archiver.db import fresh
from archiver.db.connection import open_archive
from archiver.db.schema import migrations


def migrated(path: Path | None = None, stop_before: str | None = None) -> sqlite3.Connection:
    """An archive built by the migrations through sqlite-utils (the way before fresh.sql)."""
    db = sqlite_utils.Database(path or ":memory:", execute_plugins=False)
    migrations.apply(db, stop_before=stop_before)
    return db.conn


def schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(conn.execute("select type, name, tbl_name, sql from sqlite_master").fetchall())


def contents(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every table's rows (the migrations' record without its times)."""
    names = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
    found = {name: sorted(conn.execute(f'select * from "{name}"').fetchall()) for name in names}
    found["_sqlite_migrations"] = conn.execute(
        "select migration_set, name from _sqlite_migrations order by id"
    ).fetchall()
    return found


def test_the_script_is_what_the_migrations_build() -> None:
    assert fresh.dump(migrated()) == fresh.SCRIPT.read_text(encoding="utf-8"), (
        "archiver/db/fresh.sql is out of date: run `python -m archiver.db.fresh`"
    )


def test_a_new_archive_is_the_archive_the_migrations_build(tmp_path: Path) -> None:
    new = open_archive(tmp_path / "new.db").conn
    old = migrated(tmp_path / "old.db")
    assert schema(new) == schema(old)
    assert contents(new) == contents(old)
    assert not migrations.pending(sqlite_utils.Database(new, execute_plugins=False))


def test_an_archive_with_a_migration_pending_is_still_migrated(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    migrated(path, stop_before=migrations.names[-1]).close()
    upgraded = open_archive(path).conn
    assert schema(upgraded) == schema(migrated())
    assert [row[1] for row in contents(upgraded)["_sqlite_migrations"]] == migrations.names


def test_a_new_archive_is_made_without_sqlite_utils(tmp_path: Path) -> None:
    code = (
        "import sys; from archiver.db.connection import open_archive; "
        f"open_archive({str(tmp_path / 'a.db')!r}); print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_processes_creating_one_archive_at_once_create_it_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    code = f"from archiver.db.connection import open_archive; open_archive({str(path)!r})"
    starts = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(8)]
    assert [process.wait(timeout=60) for process in starts] == [0] * 8
    conn = sqlite3.connect(path)
    assert schema(conn) == schema(migrated())
    assert [row[1] for row in contents(conn)["_sqlite_migrations"]] == migrations.names


def test_an_archive_created_while_it_is_opened_is_not_taken_for_a_foreign_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits the new archive between this one's reads of the file (CI saw
    it: 3 of 4 processes creating one archive were refused as 'not an archive')."""
    path = tmp_path / "shared.db"
    is_empty = fresh.is_empty
    other_processes: list[sqlite3.Connection] = []

    def created_by_another_process_first(conn: sqlite3.Connection) -> bool:
        if not other_processes:
            monkeypatch.setattr(fresh, "is_empty", is_empty)
            other_processes.append(open_archive(path).conn)
        return is_empty(conn)

    monkeypatch.setattr(fresh, "is_empty", created_by_another_process_first)
    conn = open_archive(path).conn
    assert other_processes
    assert [row[0] for row in conn.execute("select name from _sqlite_migrations")] == (
        migrations.names
    )
