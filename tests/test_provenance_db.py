"""The provenance tables on a real SQLite archive: which posts get a Wayback lookup, what a
lookup saves (never the post's status), the mementos of a post, and timestamp rows."""

from __future__ import annotations

import json

import pytest

from archiver.db import posts_to_check, transaction
from archiver.db.provenance import (
    TimestampRow,
    WaybackLookup,
    WaybackSnapshot,
    latest_timestamp,
    post_mementos,
    posts_for_wayback,
    records_after,
    save_timestamp,
    save_wayback_lookup,
    timestamp_rows,
)

NOW = "2026-12-02T08:00:00Z"
DAY = 86400.0


def add_post(db, post_id: str, status: str, handle: str | None = "desk") -> None:
    posts_to_check(db, [(post_id, handle)])
    db.conn.execute("update posts set status = ? where id = ?", (status, post_id))
    db.conn.commit()


def add_snapshot(db, post_id: str, status: str, provider: str = "syndication") -> int:
    cursor = db.conn.execute(
        "insert into snapshots (post_id, fetched_at, provider, status) values (?, ?, ?, ?)",
        (post_id, NOW, provider, status),
    )
    db.conn.commit()
    return int(cursor.lastrowid)


def lookup(post_id: str, snapshot: WaybackSnapshot | None = None, retry: float = 30 * DAY):
    return WaybackLookup(post_id, NOW, "[]", None, snapshot, retry)


def held(url: str = "http://wb/web/20200101000000id_/https://twitter.com/desk/status/1"):
    fields = {
        "provider": "wayback",
        "http_status": 200,
        "status": "live",
        "author_name": "Desk",
        "handle": "desk",
        "text": "old words",
        "created_at": None,
        "media": "[]",
        "payload": b'{"text": "old words"}',
        "payload_sha256": "ab" * 32,
    }
    return WaybackSnapshot(url, "2020-01-01T00:00:00Z", fields, "cd" * 32)


def test_migration_adds_memento_datetime_and_the_tables(db):
    assert "memento_datetime" in db["snapshots"].columns_dict
    assert set(db["timestamps"].columns_dict) == {
        "id", "created_at", "tsa_url", "manifest_sha256", "token", "gen_time", "record_id",
        "records_through",
    }  # fmt: skip
    assert db["timestamps"].columns_dict["token"] is bytes


def test_when_gone_picks_posts_not_live_without_a_live_snapshot(db):
    add_post(db, "1", "deleted")
    add_post(db, "2", "deleted")
    add_snapshot(db, "2", "live")  # we hold it live already
    add_post(db, "3", "live")
    add_post(db, "4", "suspended", handle=None)
    add_post(db, "5", "pending")
    ids = ["1", "2", "3", "4", "5", "missing"]
    assert posts_for_wayback(db.conn, ids, "when-gone", NOW) == [("1", "desk"), ("4", None)]
    assert [p for p, _ in posts_for_wayback(db.conn, ids, "always", NOW)] == list("12345")
    assert posts_for_wayback(db.conn, ids, "never", NOW) == []


def test_a_recent_lookup_is_not_repeated_until_it_is_due(db):
    add_post(db, "1", "deleted")
    with transaction(db) as conn:
        save_wayback_lookup(conn, lookup("1", retry=30 * DAY))
    assert posts_for_wayback(db.conn, ["1"], "always", NOW) == []
    assert posts_for_wayback(db.conn, ["1"], "always", "2026-12-31T08:00:00Z") == []
    assert posts_for_wayback(db.conn, ["1"], "always", "2027-01-01T08:00:01Z") == [("1", "desk")]


def test_a_found_capture_is_a_wayback_snapshot_and_the_status_stays(db):
    add_post(db, "1", "deleted")
    with transaction(db) as conn:
        first = save_wayback_lookup(conn, lookup("1", held()))
    with transaction(db) as conn:  # the same capture found again: no second row
        again = save_wayback_lookup(conn, lookup("1", held()))
    assert first == again
    row = db.conn.execute(
        "select provider, request_url, memento_datetime, status, text, payload from snapshots"
    ).fetchall()
    assert row == [
        (
            "wayback",
            held().request_url,
            "2020-01-01T00:00:00Z",
            "live",
            "old words",
            '{"text": "old words"}',
        )
    ]
    assert db.conn.execute("select status from posts").fetchone() == ("deleted",)
    assert posts_for_wayback(db.conn, ["1"], "when-gone", "2030-01-01T00:00:00Z") == []


def test_post_mementos_join_own_snapshots_held_and_listed_captures(db):
    add_post(db, "1", "deleted")
    own = add_snapshot(db, "1", "deleted")
    listed = json.dumps(
        [
            {"replay_url": held().request_url, "memento_datetime": "2020-01-01T00:00:00Z"},
            {
                "replay_url": "http://wb/web/20190101000000id_/x",
                "memento_datetime": "2019-01-01T00:00:00Z",
            },
        ]
    )
    with transaction(db) as conn:
        save_wayback_lookup(conn, lookup("1", held())._replace(captures=listed))
    found = post_mementos(db.conn, "1")
    assert found is not None
    assert found.post_url == "https://x.com/desk/status/1"
    assert found.rows == [
        ("2019-01-01T00:00:00Z", "wayback", None, "http://wb/web/20190101000000id_/x"),
        ("2020-01-01T00:00:00Z", "wayback", None, held().request_url),  # held and listed: once
        (NOW, "syndication", own, None),
    ]
    assert post_mementos(db.conn, "2") is None


def test_garbage_in_a_capture_list_is_ignored(db):
    add_post(db, "1", "deleted")
    with transaction(db) as conn:
        save_wayback_lookup(conn, lookup("1")._replace(captures="not json"))
    found = post_mementos(db.conn, "1")
    assert found is not None and found.rows == []


def test_timestamp_rows_round_trip(db):
    assert latest_timestamp(db.conn) is None
    row = TimestampRow(0, NOW, "http://tsa/", "ee" * 32, b"\x30\x82token", NOW, None, 0)
    with transaction(db) as conn:
        new_id = save_timestamp(conn, row)
    [stored] = timestamp_rows(db.conn)
    assert stored.id == new_id and stored.token == b"\x30\x82token"
    assert latest_timestamp(db.conn) == stored
    assert records_after(db.conn, 0) == []


@pytest.mark.parametrize("mode", ["when-gone", "always"])
def test_text_only_posts_are_never_looked_up(db, mode):
    db.conn.execute(
        "insert into posts (id, status, first_seen_at) values ('text:0123456789abcdef',"
        " 'text_only', ?)",
        (NOW,),
    )
    assert posts_for_wayback(db.conn, ["text:0123456789abcdef"], mode, NOW) == []
