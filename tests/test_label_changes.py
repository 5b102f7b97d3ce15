"""A community note or a media warning that appears, changes or goes while the post stays
the same: the check that saw it records it in ``checks.labels`` (no snapshot is written),
through the real check run against FakeX on 127.0.0.1 and a real SQLite archive."""

from __future__ import annotations

import itertools
import json

import pytest
import sqlite_utils
from fake_x import FakeX, json_response, oembed_json, tweet_json
from werkzeug import Response

from archiver.config import load_config
from archiver.datasette import metadata
from archiver.db import open_database, posts_to_check
from archiver.db.schema import migrations
from archiver.snapshot.run import check_posts

POST = "1841818118046445592"
TEXT = "Look https://t.co/Ph0to1234"
PIVOT = {
    "title": "Readers added context they thought people might want to know",
    "subtitle": {"text": "The photo is from 2019, not this week.", "entities": []},
    "destinationUrl": "https://x.com/i/birdwatch/n/1841900000000000000",
    "note": {"rest_id": "1841900000000000000"},
}
NOTE = {
    "title": PIVOT["title"],
    "summary": "The photo is from 2019, not this week.",
    "note_id": "1841900000000000000",
    "url": PIVOT["destinationUrl"],
}
PHOTO = {
    "type": "photo",
    "url": "https://t.co/Ph0to1234",
    "media_url_https": "https://pbs.twimg.com/media/Flag.jpg",
}


def post(**extra) -> dict:
    return tweet_json(POST, TEXT, mediaDetails=[extra.pop("photo", PHOTO)], **extra)


@pytest.fixture
def run(httpserver, tmp_path, db):
    """Check the post once with ``body`` as syndication's answer (oEmbed's when it is
    None); the syndication check's row (labels, snapshot_id), or None when it has none."""
    fake = FakeX(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text(), encoding="utf-8")
    config = load_config(path)

    def check(body: dict | None, text: str = TEXT) -> tuple | None:
        answer = json_response(body) if body else Response("", status=404)
        fake.syndication[POST] = [answer]
        fake.oembed[POST] = [json_response(oembed_json(POST, text))]
        summary = check_posts(db, posts_to_check(db, [(POST, None)]), config)
        assert summary.checked == 1, summary.line()
        return db.conn.execute(
            "select labels, snapshot_id from checks where provider = 'syndication'"
            " and id = (select max(id) from checks)"
        ).fetchone()

    return check


def labels(row: tuple | None) -> dict | None:
    assert row is not None
    return None if row[0] is None else json.loads(row[0])


def snapshots(db) -> int:
    return db.conn.execute("select count(*) from snapshots").fetchone()[0]


def test_a_note_that_appears_changes_and_goes_is_one_check_row_each(run, db) -> None:
    changed = {**PIVOT, "subtitle": {"text": "The photo is from 2017."}}
    seen = [
        labels(run(post())),  # the first snapshot: its flags are its own
        labels(run(post())),
        labels(run(post(birdwatch_pivot=PIVOT))),  # a note appears
        labels(run(post(birdwatch_pivot=PIVOT))),
        labels(run(post(birdwatch_pivot=changed))),  # X rewrites it
        labels(run(post())),  # withdrawn
        labels(run(post())),
    ]
    assert seen == [
        None,
        None,
        {"community_note": NOTE},
        None,
        {"community_note": {**NOTE, "summary": "The photo is from 2017."}},
        {},
        None,
    ]
    assert snapshots(db) == 1  # the content never changed: the hash keeps its meaning
    history = db.conn.execute(
        "select count(*) from checks where labels is not null and snapshot_id = 1"
    ).fetchone()[0]
    assert history == 3


def test_the_post_s_check_history_shows_where_the_flags_changed(run, db) -> None:
    """Datasette's *Check history of a post*: the note on the check that first saw it."""
    run(post())
    run(post(birdwatch_pivot=PIVOT))
    run(post(birdwatch_pivot=PIVOT))
    run(post())
    sql = metadata.CANNED_QUERIES["history"]["sql"].replace("archiver_post_id(:post)", ":post")
    found = db.conn.execute(sql, {"post": POST}).fetchall()
    shown = [row[-1] and json.loads(row[-1]) for row in found if row[1] == "syndication"]
    assert shown == [{}, None, {"community_note": NOTE}, None]  # newest first


def test_a_warning_over_the_media_that_appears_is_recorded(run, db) -> None:
    warned = {**PHOTO, "sensitive_media_warning": {"graphic_violence": True, "other": False}}
    run(post())
    assert labels(run(post(possibly_sensitive=True, photo=warned))) == {
        "sensitive": True,
        "media": {"tco:Ph0to1234": {"warning": ["graphic_violence"]}},
    }
    assert labels(run(post(possibly_sensitive=True, photo=warned))) is None
    assert snapshots(db) == 1


def test_a_snapshot_with_a_note_and_its_unchanged_re_checks_store_nothing_more(run, db) -> None:
    first = run(post(birdwatch_pivot=PIVOT))
    assert first is not None and first[0] is None  # the snapshot holds it
    stored = db.conn.execute("select labels from snapshots").fetchone()[0]
    assert json.loads(stored) == {"community_note": NOTE}
    sizes = [_checks_bytes(db)]
    for _ in range(3):
        assert labels(run(post(birdwatch_pivot=PIVOT))) is None
        sizes.append(_checks_bytes(db))
    grown = {b - a for a, b in itertools.pairwise(sizes)}
    # One size for each, as small as a row with no flags: the note's JSON alone is over 200.
    assert len(grown) == 1 and max(grown) < 100, grown
    assert snapshots(db) == 1


def _checks_bytes(db) -> int:
    """The bytes the ``checks`` table's rows and its flags' index take (SQLite's dbstat)."""
    row = db.conn.execute(
        "select sum(payload) from dbstat where name in ('checks', 'idx_checks_labels')"
    ).fetchone()
    return int(row[0])


def test_an_answer_that_cannot_show_flags_records_no_change(run, db) -> None:
    """oEmbed shows no note: a check it answered does not say the note went."""
    run(post(birdwatch_pivot=PIVOT))
    run(None)  # syndication says 404: oEmbed's answer shows the post, without flags
    recorded = db.conn.execute("select count(*) from checks where labels is not null")
    assert recorded.fetchone()[0] == 0
    assert labels(run(post(birdwatch_pivot=PIVOT))) is None
    assert labels(run(post())) == {}


def test_after_an_edit_the_new_snapshot_is_what_later_checks_are_compared_with(run, db) -> None:
    run(post())
    assert labels(run(post(birdwatch_pivot=PIVOT))) == {"community_note": NOTE}
    edited = tweet_json(POST, "Edited", mediaDetails=[PHOTO], birdwatch_pivot=PIVOT)
    assert labels(run(edited, text="Edited")) is None  # a new snapshot, with the note
    assert labels(run(edited, text="Edited")) is None
    assert snapshots(db) == 2


def test_an_archive_made_before_gets_the_column_with_its_checks_unchanged(db_path) -> None:
    old = sqlite_utils.Database(db_path)
    migrations.apply(old, stop_before="m030_check_labels")
    old.execute("insert into posts (id, url, status, first_seen_at) values ('1', 'u', 'live', 't')")
    old.execute("insert into checks (post_id, checked_at, status) values ('1', 't', 'live')")
    old.conn.commit()
    old.conn.close()
    db = open_database(db_path)
    assert db.conn.execute("select labels from checks").fetchall() == [(None,)]
    plan = db.conn.execute(
        "explain query plan select labels from checks where post_id = '1'"
        " and snapshot_id = 1 and labels is not null order by id desc limit 1"
    ).fetchall()
    assert "idx_checks_labels" in str(plan)  # a re-check reads the changes only
    db.conn.close()
