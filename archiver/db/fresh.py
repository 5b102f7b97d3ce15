"""A new archive in one go: the schema the migrations build, replayed from ``fresh.sql``.

Running the migrations through sqlite-utils costs a new archive about 50 ms, most of it
importing sqlite-utils (click, dateutil, pluggy): a fifth of a 1,000-page scan's wall time.
A file with no tables yet gets instead the statements a migrated archive holds in
``sqlite_master`` (tables, indexes, triggers, views; the FTS5 shadow tables and automatic
indexes come with their owners), and every migration is recorded as applied, as sqlite-utils
records it. An archive that has tables is migrated as before.

``fresh.sql`` is written by ``python -m archiver.db.fresh`` from an archive the migrations
built; a test fails, saying so, when it no longer matches them.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

SCRIPT = Path(__file__).with_name("fresh.sql")
SEPARATOR = "\n-- next statement\n"
HEADER = (
    "-- The archive's schema as its migrations leave it, replayed to create a new archive.\n"
    "-- Written by `python -m archiver.db.fresh`; do not edit (tests/test_fresh_schema.py)."
)
KINDS = ("table", "index", "trigger", "view")  # in an order that creates what each needs


def is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("select count(*) from sqlite_master").fetchone()[0] == 0


def create(conn: sqlite3.Connection, migration_set: str, names: list[str]) -> None:
    """Create the schema in an empty archive, inside the caller's transaction, and record
    ``names`` as applied."""
    for statement in statements():
        conn.execute(statement)
    applied_at = str(datetime.datetime.now(datetime.UTC))
    conn.executemany(
        "insert into _sqlite_migrations (migration_set, name, applied_at) values (?, ?, ?)",
        [(migration_set, name, applied_at) for name in names],
    )


def statements() -> list[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    return [part for part in text.split(SEPARATOR)[1:] if part.strip()]


def dump(conn: sqlite3.Connection) -> str:
    """The script that recreates ``conn``'s schema: each statement ``sqlite_master`` keeps,
    but those SQLite makes by itself (automatic indexes, a virtual table's shadow tables)."""
    rows = conn.execute(
        "select type, name, sql from sqlite_master where sql is not null order by rowid"
    ).fetchall()
    virtual = [name for _, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    kept = [(kind, sql) for kind, name, sql in rows if not _made_by_sqlite(name, sql, virtual)]
    ordered = [sql for wanted in KINDS for kind, sql in kept if kind == wanted]
    return SEPARATOR.join([HEADER, *ordered]) + "\n"


def _made_by_sqlite(name: str, sql: str, virtual: list[str]) -> bool:
    shadow = sql.startswith("CREATE TABLE '") and any(name.startswith(f"{v}_") for v in virtual)
    return shadow or name.startswith("sqlite_")


def main() -> None:
    """Write ``fresh.sql`` from an archive built by the migrations in memory."""
    import sqlite_utils

    from .schema import migrations

    db = sqlite_utils.Database(memory=True, execute_plugins=False)
    migrations.apply(db)
    SCRIPT.write_text(dump(db.conn), encoding="utf-8")
    print(f"wrote {SCRIPT}")


if __name__ == "__main__":
    main()
