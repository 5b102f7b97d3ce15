"""What must hold of an archive after any fault: shared by the tests and ``scripts/soak.py``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

UNIQUE_KEYS = {
    "articles": ["url"],
    "posts": ["id"],
    "embeds": ["article_id", "post_id", "occurrence"],
}


def problems(db_path: str | Path, expected_embeds: dict[str, int] | None = None) -> list[str]:
    """Everything wrong with the archive; empty when it is sound.

    ``expected_embeds`` maps article URL to its number of embeds: an article that is stored
    with embeds must have all of them (never half an article).
    """
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        found = []
        integrity = conn.execute("pragma integrity_check").fetchall()
        if integrity != [("ok",)]:
            found.append(f"integrity_check: {integrity[:3]}")
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        if not set(UNIQUE_KEYS) <= tables:  # killed before the schema was committed: empty
            return found
        fk = conn.execute("pragma foreign_key_check").fetchall()
        if fk:
            found.append(f"foreign_key_check: {fk[:3]}")
        for table, key in UNIQUE_KEYS.items():
            cols = ", ".join(key)
            dupes = conn.execute(
                f"select {cols}, count(*) from {table} group by {cols} having count(*) > 1"
            ).fetchall()
            if dupes:
                found.append(f"duplicate {table}: {dupes[:3]}")
        # Every article row written by a scan has a scans row (same transaction).
        orphans = conn.execute(
            "select url from articles where scan_count > 0 and not exists"
            " (select 1 from scans where scans.article_id = articles.id)"
        ).fetchall()
        if orphans:
            found.append(f"articles without a scan: {orphans[:3]}")
        bad_posts = conn.execute(
            "select count(*) from embeds where post_id not in (select id from posts)"
        ).fetchone()[0]
        if bad_posts:
            found.append(f"{bad_posts} embeds without their post")
        if expected_embeds:
            rows = conn.execute(
                "select url, (select count(*) from embeds where article_id = articles.id),"
                " exists (select 1 from scans where article_id = articles.id and error is null)"
                " from articles"
            )
            for url, count, scanned in rows:
                want = expected_embeds.get(url)
                if want is not None and count != (want if scanned else 0):
                    found.append(f"half-written article {url}: {count} of {want} embeds")
        return found
    finally:
        conn.close()


def counts(db_path: str | Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "embeds", "posts", "scans", "snapshots", "checks")
        }
    finally:
        conn.close()
