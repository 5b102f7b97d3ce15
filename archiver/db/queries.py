"""Read-only questions the CLI asks of the archive (``archive stats``, the demo)."""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from ..clock import utcnow
from .connection import Archive


class Counts(TypedDict):
    """What ``archive stats --json`` prints."""

    articles: int
    scans: int
    embeds: int
    links: int
    posts: int
    posts_by_status: dict[str, int]
    snapshots: int
    checks: int
    queued: int  # articles with a next scan time: due now or later
    due: int  # of those, the ones whose time has come


class PostLine(NamedTuple):
    """One post as ``archive stats`` lists it."""

    id: str
    author_name: str | None
    handle: str | None
    status: str
    text: str | None
    embeds: int


def stats(db: Archive) -> Counts:
    """Counts for ``archive stats`` and the demo summary."""

    def one(sql: str) -> int:
        return int(db.conn.execute(sql).fetchone()[0])

    return {
        "articles": one("select count(*) from articles"),
        "scans": one("select count(*) from scans"),
        "embeds": one("select count(*) from embeds where method != 'link'"),
        "links": one("select count(*) from embeds where method = 'link'"),
        "posts": one("select count(*) from posts"),
        "posts_by_status": dict(
            db.conn.execute("select status, count(*) from posts group by status order by 2 desc")
        ),
        "snapshots": one("select count(*) from snapshots"),
        "checks": one("select count(*) from checks"),
        "queued": one("select count(*) from articles where next_scan_at is not null"),
        "due": int(
            db.conn.execute(
                "select count(*) from articles where next_scan_at <= ?", (utcnow(),)
            ).fetchone()[0]
        ),
    }


def most_embedded_posts(db: Archive, limit: int) -> list[PostLine]:
    """Posts, most embedded first (then first seen), for ``archive stats``."""
    rows = db.conn.execute(
        "select posts.id, posts.author_name, posts.handle, posts.status, posts.text,"
        " count(embeds.id) as n from posts left join embeds on embeds.post_id = posts.id"
        " and embeds.method != 'link' group by posts.id order by n desc, posts.first_seen_at"
        " limit ?",
        (limit,),
    ).fetchall()
    return [PostLine(*row) for row in rows]
