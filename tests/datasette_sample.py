"""A small, realistic archive for the Datasette tests and the browser check.

Articles are scanned by the real ``archive scan`` code from files; what the snapshot code would
record (snapshots, checks, post status) is then written with sqlite-utils, as the snapshot
code does it: a snapshot when the content changes, a check row per provider answer.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from archiver.cli import cli

BRIDGE = "1901955510931214337"  # live, same text, embedded by two articles; then edited
BRIDGE_EDIT = "1902100000000000009"  # the bridge post's newer version (X names it)
MAYOR = "1901971208624336896"  # live, edited after the article embedded it
PIER = "1901990000000000001"  # deleted; one article removed the embed, one still shows it
FERRY = "1902010000000000002"  # account suspended, more recently than PIER was deleted
HOSTILE = "1902020000000000003"  # text that is markup: must render as text
PENDING = "1902030000000000004"  # never checked

HOSTILE_TEXT = (
    "<script>document.title='PWNED-SCRIPT'</script> "
    "<img src=x onerror=\"document.title='PWNED-IMG';document.body.dataset.pwned='1'\"> ok"
)

_BLOCKQUOTE = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; {name} '
    '(@{handle}) <a href="https://twitter.com/{handle}/status/{id}?ref_src=twsrc%5Etfw">'
    "{date}</a></blockquote>\n"
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
)
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="2025-03-18T07:40:00Z">
</head><body><article><h1>{title}</h1>
<p>Prose before the first embed.</p>
{embeds}
<p>Prose after the last embed.</p>
</article></body></html>
"""
_TEXT_ARTICLE = (
    "Council vote: what happened\n"
    "Some article prose about the vote.\n"
    'Jane Example on X (formerly Twitter): "We did it. Thank you all for the support. / X"\n'
    "We did it. Thank you all for the support.\n"
    "More prose.\n"
)

POSTS = {
    BRIDGE: ("Riverside Traffic", "rivertraffic", "Harbour bridge CLOSED in both directions."),
    MAYOR: ("Mayor of Riverside", "RiversideMayor", "The bridge reopens on Friday morning."),
    PIER: ("Harbour Watch", "harbourwatch", "Cracks visible on the east pier of the bridge."),
    FERRY: ("Ferry Fan", "ferryfan", "Ferries every 20 minutes until the bridge reopens."),
    HOSTILE: ("Prank Ster", "prankster", HOSTILE_TEXT),
    PENDING: ("Dockside Dan", "dockside_dan", "Queue at the ferry terminal is huge."),
}

ARTICLES = {
    "harbour.html": (
        "Harbour bridge closed after storm damage",
        "Riverside Courier",
        [BRIDGE, MAYOR, PIER],
    ),
    "ferries.html": (
        "Ferries take the strain",
        "Harbour Gazette",
        [BRIDGE, PIER, FERRY, HOSTILE, PENDING],
    ),
}


def _blockquote(post_id: str) -> str:
    from markupsafe import escape

    name, handle, text = POSTS[post_id]
    return _BLOCKQUOTE.format(
        id=post_id, name=name, handle=handle, text=escape(text), date="March 18, 2025"
    )


def write_articles(directory: Path) -> Path:
    """Write the sample articles (two HTML pages, one reader-export text) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for filename, (title, site, post_ids) in ARTICLES.items():
        embeds = "<p>Between embeds.</p>\n".join(_blockquote(p) for p in post_ids)
        page = _PAGE.format(title=title, site=site, embeds=embeds)
        (directory / filename).write_text(page, encoding="utf-8")
    (directory / "council.txt").write_text(_TEXT_ARTICLE, encoding="utf-8")
    return directory


def article_url(directory: Path, filename: str) -> str:
    return (directory / filename).resolve().as_uri()


def record_checks(db_path: Path, articles_dir: Path) -> None:
    """Write what checking the posts would have found (snapshots, checks, statuses)."""
    db = sqlite_utils.Database(db_path)

    def check(
        post_id, at, status, text=None, snapshot=True, http_status=200, changed_at=None, newer=None
    ):
        name, handle, _ = POSTS[post_id]
        snapshot_id = None
        if snapshot:
            snapshot_id = (
                db["snapshots"]
                .insert(
                    {
                        "post_id": post_id,
                        "fetched_at": at,
                        "provider": "syndication",
                        "request_url": "http://127.0.0.1/tweet-result?id=" + post_id,
                        "http_status": http_status,
                        "status": status,
                        "author_name": name if text else None,
                        "handle": handle if text else None,
                        "text": text,
                        "payload": '{"__typename": "Tweet"}' if text else "{}",
                        "payload_sha256": "0" * 64,
                        "content_sha256": f"{post_id}-{at}",
                        "edit_ids": f'["{post_id}", "{newer}"]' if newer else None,
                        "newer_version_id": newer,
                    }
                )
                .last_pk
            )
        db["checks"].insert(
            {
                "post_id": post_id,
                "checked_at": at,
                "provider": "syndication",
                "http_status": http_status,
                "status": status,
                "snapshot_id": snapshot_id,
            }
        )
        updates = {"status": status, "last_checked_at": at, "checks": 1}
        if text:
            updates["text"] = text
        if changed_at:
            updates["status_changed_at"] = changed_at
        db["posts"].update(post_id, updates)

    check(
        BRIDGE, "2025-03-18T12:00:00Z", "live", POSTS[BRIDGE][2], changed_at="2025-03-18T12:00:00Z"
    )
    # X names a newer version of the bridge post; its ID still shows the same text.
    check(BRIDGE, "2025-03-19T12:00:00Z", "live", POSTS[BRIDGE][2], newer=BRIDGE_EDIT)
    check(MAYOR, "2025-03-18T12:00:00Z", "live", POSTS[MAYOR][2], changed_at="2025-03-18T12:00:00Z")
    check(MAYOR, "2025-03-19T12:00:00Z", "live", "The bridge reopens next week, not Friday.")
    check(PIER, "2025-03-18T12:00:00Z", "live", POSTS[PIER][2], changed_at="2025-03-18T12:00:00Z")
    check(
        PIER,
        "2025-03-20T09:00:00Z",
        "deleted",
        None,
        http_status=200,
        changed_at="2025-03-20T09:00:00Z",
    )
    check(FERRY, "2025-03-21T09:00:00Z", "suspended", None, changed_at="2025-03-21T09:00:00Z")
    check(HOSTILE, "2025-03-18T12:00:00Z", "live", HOSTILE_TEXT, changed_at="2025-03-18T12:00:00Z")
    # The Harbour Courier took the deleted post's embed down; the Gazette still shows it.
    harbour = db.execute(
        "select id from articles where url = ?", [article_url(articles_dir, "harbour.html")]
    ).fetchone()[0]
    db.execute(
        "update embeds set removed_at = ? where article_id = ? and post_id = ?",
        ["2025-03-20T10:00:00Z", harbour, PIER],
    )
    db.conn.commit()
    db.conn.close()


def build_sample_archive(directory: Path) -> Path:
    """Scan the sample articles into ``directory/archive.db``, record checks, return the path."""
    articles = write_articles(directory / "articles")
    db_path = directory / "archive.db"
    result = CliRunner().invoke(
        cli, ["scan", str(articles), "--db", str(db_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    record_checks(db_path, articles)
    return db_path
