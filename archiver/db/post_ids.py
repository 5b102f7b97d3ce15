"""One post per status ID in archives made before IDs were canonical (migration m010).

``/status/00020`` and ``/status/20`` were two posts; every parser now writes ``str(int(…))``.
A post stored under a zero-padded ID is renamed to its canonical ID, or merged into the post
already stored under it: its embeds, checks, snapshots, media and Wayback lookups follow.
"""

from __future__ import annotations

import sqlite3

from ..urls import canonical_id, canonical_url


def canonicalise_post_ids(conn: sqlite3.Connection) -> int:
    """Rename or merge every post whose ID has leading zeros; how many there were.

    Runs inside the migration's transaction: foreign keys are checked at its commit."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    padded = [row[0] for row in conn.execute("select id from posts where id glob '0[0-9]*'")]
    fixed = 0
    for old in padded:
        new = canonical_id(old)
        if new is None:
            continue
        if conn.execute("select 1 from posts where id = ?", (new,)).fetchone() is None:
            handle = conn.execute("select handle from posts where id = ?", (old,)).fetchone()[0]
            conn.execute(
                "update posts set id = ?, url = ? where id = ?",
                (new, canonical_url(new, handle), old),
            )
        else:
            _fill_gaps(conn, old, new)
        _move_rows(conn, old, new)
        conn.execute("delete from posts where id = ?", (old,))
        fixed += 1
    return fixed


def _fill_gaps(conn: sqlite3.Connection, old: str, new: str) -> None:
    """What only the zero-padded post knew (its author, text, handle) is kept."""
    conn.execute(
        "update posts set handle = coalesce(handle, (select handle from posts where id = ?)),"
        " author_name = coalesce(author_name, (select author_name from posts where id = ?)),"
        " text = coalesce(text, (select text from posts where id = ?)) where id = ?",
        (old, old, old, new),
    )


def _move_rows(conn: sqlite3.Connection, old: str, new: str) -> None:
    # An article that embedded both spellings keeps both embeds: the moved ones are
    # numbered after the ones already there (embeds are unique per post and occurrence).
    conn.execute(
        "update embeds set occurrence = occurrence + (select max(e.occurrence) from embeds e"
        "  where e.article_id = embeds.article_id and e.post_id = ?)"
        " where post_id = ? and article_id in (select article_id from embeds where post_id = ?)",
        (new, old, new),
    )
    for table in ("embeds", "checks", "snapshots"):
        conn.execute(f"update {table} set post_id = ? where post_id = ?", (new, old))
    # Where both posts have a row that must be unique, the canonical post's row stays.
    conn.execute(
        "delete from media where post_id = ? and url in (select url from media where post_id = ?)",
        (old, new),
    )
    conn.execute(
        "delete from wayback_lookups where post_id = ?"
        " and exists (select 1 from wayback_lookups where post_id = ?)",
        (old, new),
    )
    for table in ("media", "wayback_lookups"):
        conn.execute(f"update {table} set post_id = ? where post_id = ?", (new, old))
    conn.execute("update posts set resolved_id = ? where resolved_id = ?", (new, old))
