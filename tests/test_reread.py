"""Migrations m014, m015 and m016: older snapshots get what they lack from their stored
payloads (``edit_ids`` / ``newer_version_id`` for those written before m012, so an upgraded
archive shows an edited post as ``edited`` at once; ``partial`` for those of long posts stored
before long posts were recognised; their media items' empty fields and the content hash of
today's reading); nothing else of any row changes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import sqlite_utils
from fake_x import TOMBSTONE_DELETED, oembed_json, tweet_json

from archiver.datasette.metadata import CANNED_QUERIES
from archiver.db.connection import open_archive
from archiver.db.reread import backfill_edits
from archiver.db.schema import migrations

EDITED = "1890455000000000000"  # served as the old version: X names a newer one
NEWER = "1890456789012345678"
PLAIN = "1890455000000000001"  # never edited: X lists its own ID only
NOW = "2025-02-14T12:00:00.000Z"


def body(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)


# (post, provider, payload) of the snapshots an archive of before m012 holds.
SNAPSHOTS = [
    (
        EDITED,
        "syndication",
        body(
            tweet_json(
                EDITED,
                "Zürich: the vote is on Friday 🗳",
                edit_control={"edit_tweet_ids": [EDITED, NEWER]},
                isStaleEdit=True,
            )
        ),
    ),
    (
        PLAIN,
        "syndication",
        body(tweet_json(PLAIN, "Nothing to see", edit_control={"edit_tweet_ids": [PLAIN]})),
    ),
    (PLAIN, "oembed", body(oembed_json(PLAIN, "Nothing to see edit_tweet_ids"))),
    (PLAIN, "syndication", body(TOMBSTONE_DELETED)),
    # Bad inputs: not JSON, a list where the IDs go, IDs that are not IDs.
    (PLAIN, "syndication", '{"edit_tweet_ids": [1, 2'),
    (PLAIN, "syndication", body(tweet_json(PLAIN, "x", edit_control={"edit_tweet_ids": "1"}))),
    (
        PLAIN,
        "syndication",
        body(tweet_json(PLAIN, "x", edit_control={"edit_tweet_ids": [None, "abc", {}]})),
    ),
    # An earlier capture of the edited post from the Wayback Machine: no check wrote it.
    (
        EDITED,
        "wayback",
        body(tweet_json(EDITED, "old", edit_control={"edit_tweet_ids": [EDITED, NEWER]})),
    ),
]


def archive_before_m012(path: Path) -> None:
    """An archive at the schema before m012, with the snapshots above, a live post each
    and an article embedding both."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m012_snapshot_edits")
    sql = db.conn.execute
    sql(
        "insert into articles (id, url, first_seen_at) values (1, 'https://news.example/a', ?)",
        [NOW],
    )
    for position, post_id in enumerate((EDITED, PLAIN)):
        sql(
            "insert into posts (id, url, text, status, first_seen_at, last_checked_at)"
            " values (?, ?, 'Zürich: the vote is on Friday 🗳', 'live', ?, ?)",
            [post_id, f"https://x.com/i/status/{post_id}", NOW, NOW],
        )
        sql(
            "insert into embeds (article_id, post_id, position, method, occurrence, text,"
            " first_seen_at) values (1, ?, ?, 'blockquote', 1,"
            " 'Zürich: the vote is on Friday 🗳', ?)",
            [post_id, position, NOW],
        )
    for post_id, provider, payload in SNAPSHOTS:
        sql(
            "insert into snapshots (post_id, fetched_at, provider, http_status, status,"
            " payload, payload_sha256) values (?, ?, ?, 200, 'live', ?, ?)",
            [post_id, NOW, provider, payload, hashlib.sha256(payload.encode()).hexdigest()],
        )
    db.conn.commit()
    db.conn.close()


def snapshot_rows(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "select id, post_id, fetched_at, provider, http_status, status, payload,"
        " payload_sha256, typeof(payload) from snapshots order by id"
    ).fetchall()


def test_snapshots_from_before_m012_get_their_versions_from_their_payloads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    archive_before_m012(path)
    with sqlite3.connect(path) as conn:
        before = snapshot_rows(conn)
    conn = open_archive(path).conn  # applies m012, m013 and m014
    assert snapshot_rows(conn) == before  # every payload byte, hash and field as it was
    for _, _, _, _, _, _, payload, sha256, _ in before:
        assert hashlib.sha256(payload.encode()).hexdigest() == sha256
    versions = conn.execute(
        "select provider, edit_ids, newer_version_id from snapshots order by id"
    ).fetchall()
    assert versions == [
        ("syndication", json.dumps([EDITED, NEWER]), NEWER),
        ("syndication", json.dumps([PLAIN]), None),
        ("oembed", None, None),  # oEmbed says nothing of versions
        ("syndication", None, None),  # a tombstone
        ("syndication", None, None),  # not JSON
        ("syndication", None, None),  # IDs not in a list
        ("syndication", None, None),  # no ID among them
        ("wayback", None, None),  # a check never names versions from an earlier capture
    ]
    changes = conn.execute("select post_id, change, newer_version_id from post_changes")
    assert changes.fetchall() == [(EDITED, "edited", NEWER)]
    edited = conn.execute(CANNED_QUERIES["edited"]["sql"]).fetchall()
    assert [row[0] for row in edited] == [EDITED]


def test_the_backfill_is_idempotent_and_leaves_filled_rows_alone(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    archive_before_m012(path)
    conn = open_archive(path).conn
    conn.execute("update snapshots set edit_ids = '[\"1\"]' where id = 1")
    assert backfill_edits(conn) == 0  # nothing left to fill; what is there stays
    assert conn.execute("select edit_ids from snapshots where id = 1").fetchone() == ('["1"]',)


LONG = "1841818118046445592"
CUT = ("Storm update for the whole coast, read to the end before you travel. " * 4)[:279]

# (provider, request_url, payload, partial after the upgrade) of older snapshots, all 0.
PARTS = [
    ("syndication", None, body(tweet_json(LONG, "Part…", note_tweet={"id": "x"})), 1),
    ("syndication", None, body(tweet_json(LONG, "https://t.co/a", article={"title": "T"})), 1),
    ("syndication", None, body(tweet_json(LONG, "Whole, and says note_tweet…")), 0),
    ("oembed", None, body(oembed_json(LONG, CUT.rstrip() + "…")), 1),
    ("oembed", None, json.dumps(oembed_json(LONG, CUT.rstrip() + "…")), 1),  # … escaped
    ("oembed", None, body(oembed_json(LONG, "If only…")), 0),
    (
        "wayback",
        "http://127.0.0.1/web/2024id_/https://cdn.syndication.twimg.com/tweet-result?id=1",
        body(tweet_json(LONG, "Part…", note_tweet={"id": "x"})),
        1,
    ),
    (
        "wayback",
        "http://127.0.0.1/web/2024id_/https://twitter.com/i/web/status/1",
        '<html><title>A on Twitter: "note_tweet…"</title></html>',
        0,
    ),
    ("syndication", None, '{"note_tweet": {"id": "x"}, "text": ', 0),  # not JSON
]


def test_snapshots_of_long_posts_stored_before_m015_are_marked_partial(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m015_snapshot_partial_of_older_snapshots")
    db.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [LONG, NOW]
    )
    for provider, url, payload, _ in PARTS:
        db.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, request_url, http_status,"
            " status, payload, payload_sha256) values (?, ?, ?, ?, 200, 'live', ?, ?)",
            [LONG, NOW, provider, url, payload, hashlib.sha256(payload.encode()).hexdigest()],
        )
    db.conn.commit()
    before = snapshot_rows(db.conn)
    db.conn.close()
    conn = open_archive(path).conn
    assert snapshot_rows(conn) == before
    found = [row[0] for row in conn.execute("select partial from snapshots order by id")]
    assert found == [part[3] for part in PARTS]


PHOTO = "https://pbs.twimg.com/media/E7c.jpg"
PHOTO_BEST = "https://pbs.twimg.com/media/E7c?format=jpg&name=orig"
BARE = body(
    tweet_json(
        LONG,
        "Look https://t.co/Pic1",
        photos=[{"url": PHOTO, "accessibilityLabel": "A heron", "width": 4, "height": 3}],
    )
)
OLD_ITEM = {"type": "photo", "url": PHOTO_BEST, "preview": PHOTO, "tco": None, "alt": None}

# (provider, request_url, payload, media as stored before m016, filled after the upgrade).
MEDIA_ROWS = [
    ("syndication", None, BARE, [OLD_ITEM], True),
    (
        "wayback",
        "http://127.0.0.1/web/2024id_/https://cdn.syndication.twimg.com/tweet-result?id=1",
        BARE,
        [OLD_ITEM],
        True,
    ),
    ("oembed", None, BARE, [OLD_ITEM], False),  # oEmbed's items: nothing stored tells more
    ("syndication", None, BARE, [{**OLD_ITEM, "url": "https://elsewhere/x.jpg"}], False),
    ("syndication", None, BARE, [OLD_ITEM, OLD_ITEM], False),  # not the same media
    ("syndication", None, BARE, "not a list", False),
    ("syndication", None, '{"photos": [', [OLD_ITEM], False),  # not JSON
]


def test_media_of_snapshots_stored_before_m016_are_filled_where_the_payload_tells(
    tmp_path: Path,
) -> None:
    from archiver.db.reread import backfill_media

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m016_snapshot_media_of_older_snapshots")
    db.conn.execute(
        "insert into posts (id, status, first_seen_at) values (?, 'live', ?)", [LONG, NOW]
    )
    for provider, url, payload, media, _ in MEDIA_ROWS:
        db.conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, request_url, http_status,"
            " status, text, payload, payload_sha256, media, content_sha256)"
            " values (?, ?, ?, ?, 200, 'live', 'Look', ?, ?, ?, 'old')",
            [
                LONG,
                NOW,
                provider,
                url,
                payload,
                "-",
                json.dumps(media),
            ],
        )
    db.conn.commit()
    before = snapshot_rows(db.conn)
    db.conn.close()
    conn = open_archive(path).conn
    assert snapshot_rows(conn) == before  # payloads and every other column as they were
    rows = conn.execute("select media, content_sha256 from snapshots order by id").fetchall()
    for (media, sha256), (*_, stored, filled) in zip(rows, MEDIA_ROWS, strict=True):
        if not filled:
            assert (json.loads(media), sha256) == (stored, "old")
            continue
        [item] = json.loads(media)
        assert (item["alt"], item["tco"], item["width"]) == ("A heron", "https://t.co/Pic1", 4)
        assert "content_type" in item and item["url"] == PHOTO_BEST and sha256 != "old"
    assert backfill_media(conn) == 0  # idempotent
