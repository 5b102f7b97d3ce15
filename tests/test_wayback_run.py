"""Wayback lookups over loopback: a CDX and replay stand-in (a real local HTTP server) with
captures of both kinds, none, and errors; the lookups wired into ``archive snapshot``; and
the newcomer's path: ``archive snapshot URL_OF_A_DELETED_POST`` then ``archive timemap ID``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import sqlite_utils
from fake_x import TOMBSTONE_DELETED, FakeX, json_response, tweet_json
from test_wacz import validate
from wayback_standin import WaybackStandIn

from archiver.config import FetchConfig
from archiver.http import Http
from archiver.snapshot.earlier import LOOKUP_EVERY, RETRY_FAILED, look_up

POST = "1763000000000000001"
HANDLE = "testperson"
SYN_ORIGINAL = f"https://cdn.syndication.twimg.com/tweet-result?id={POST}&lang=en&token=abc"
PAGE_ORIGINAL = f"https://twitter.com/{HANDLE}/status/{POST}"
FIXTURES = Path(__file__).parent / "fixtures" / "wayback"


def page(text: str, post_id: str = POST) -> bytes:
    return (
        f'<html><head><title>Test Person on Twitter: "{text}"</title>'
        f'<meta property="og:url" content="https://twitter.com/{HANDLE}/status/{post_id}">'
        "</head><body></body></html>"
    ).encode()


def syn(text: str) -> bytes:
    return json.dumps(tweet_json(POST, text, handle=HANDLE)).encode()


@pytest.fixture
def wayback(httpserver) -> WaybackStandIn:
    return WaybackStandIn(httpserver)


@pytest.fixture
def http():
    with Http(FetchConfig(per_host_delay=0.0, retries=0, timeout=5.0)) as client:
        yield client


def test_both_kinds_found_the_syndication_json_is_kept(wayback, http):
    wayback.add("20240302000000", PAGE_ORIGINAL, page("From the page"), "text/html")
    wayback.add("20240301130000", SYN_ORIGINAL, syn("From the JSON"), "application/json")
    wayback.add(
        "20240301120000", SYN_ORIGINAL.replace(POST, POST + "9"), syn("Other"), "application/json"
    )
    lookup, reply = look_up(http.get, wayback.url, POST, HANDLE)
    assert lookup.error is None and lookup.retry_after == LOOKUP_EVERY
    assert reply is not None and reply.body == syn("From the JSON")  # for the evidence
    snap = lookup.snapshot
    assert snap is not None
    assert snap.request_url == f"{wayback.url}/web/20240301130000id_/{SYN_ORIGINAL}"
    assert snap.memento_datetime == "2024-03-01T13:00:00Z"
    assert snap.fields["text"] == "From the JSON" and snap.fields["provider"] == "wayback"
    assert snap.fields["payload"] == syn("From the JSON")  # the bytes as captured
    listed = json.loads(lookup.captures)
    assert sorted(c["original"] for c in listed) == [SYN_ORIGINAL, PAGE_ORIGINAL]
    assert wayback.cdx_hits == [
        f"cdn.syndication.twimg.com/tweet-result?id={POST}",
        f"twitter.com/{HANDLE}/status/{POST}",
        f"x.com/{HANDLE}/status/{POST}",
    ]
    assert wayback.replay_hits == [SYN_ORIGINAL]  # one capture fetched: the best


def test_a_status_page_alone_is_used(wayback, http):
    wayback.add(
        "20200101000000",
        f"http://www.twitter.com/{HANDLE}/status/{POST}",
        page("Old words"),
        "text/html",
    )
    snap = look_up(http.get, wayback.url, POST, HANDLE)[0].snapshot
    assert snap is not None and snap.fields["text"] == "Old words"
    assert snap.fields["handle"] == HANDLE and snap.fields["author_name"] == "Test Person"


def test_a_tombstone_capture_is_passed_over_for_an_older_page(wayback, http):
    tomb = json.dumps(TOMBSTONE_DELETED).encode()
    wayback.add("20250101000000", SYN_ORIGINAL, tomb, "application/json")
    wayback.add("20240101000000", PAGE_ORIGINAL, page("Before deletion"), "text/html")
    lookup, _ = look_up(http.get, wayback.url, POST, HANDLE)
    assert lookup.snapshot is not None and lookup.snapshot.fields["text"] == "Before deletion"
    assert len(wayback.replay_hits) == 2


def test_no_capture_is_an_answer_kept_for_30_days(wayback, http):
    lookup, _ = look_up(http.get, wayback.url, POST, None)
    assert lookup.snapshot is None and lookup.error is None
    assert lookup.captures == "[]" and lookup.retry_after == LOOKUP_EVERY
    assert wayback.cdx_hits[1:] == [
        f"twitter.com/i/web/status/{POST}",
        f"x.com/i/web/status/{POST}",
    ]


@pytest.mark.parametrize(("failure", "message"), [(503, "HTTP 503"), ("garbage", "not JSON")])
def test_cdx_errors_are_recorded_and_retried_sooner(wayback, http, failure, message):
    wayback.add("20240101000000", PAGE_ORIGINAL, page("Unreachable"), "text/html")
    wayback.cdx_failure = failure
    lookup, _ = look_up(http.get, wayback.url, POST, HANDLE)
    assert lookup.snapshot is None and lookup.retry_after == RETRY_FAILED
    assert message in (lookup.error or "") and "\n" not in (lookup.error or "")


def test_an_unreachable_wayback_is_a_failed_lookup_not_a_crash(http):
    lookup, _ = look_up(http.get, "http://127.0.0.1:9", POST, HANDLE)  # nothing listens there
    assert lookup.snapshot is None and lookup.retry_after == RETRY_FAILED
    assert lookup.error


def test_at_most_three_captures_are_fetched_per_lookup(wayback, http):
    """Captures that do not hold the post (here, each of another post) are passed over for
    the next, oldest first, at most three: a fourth, a fifth and their bytes are not asked."""
    other = "1763000000000000099"
    for day in range(1, 6):
        wayback.add(f"202401{day:02d}000000", PAGE_ORIGINAL, page(f"Day {day}", other), "text/html")
    lookup, reply = look_up(http.get, wayback.url, POST, HANDLE)
    assert lookup.snapshot is None and reply is None
    assert wayback.replay_hits == [PAGE_ORIGINAL] * 3
    assert len(json.loads(lookup.captures)) == 5  # all listed, three fetched


def _days_between(earlier: str, later: str) -> float:
    start, end = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (earlier, later))
    return (end - start).total_seconds() / 86400


def test_a_capture_whose_replay_is_garbage_is_skipped(wayback, http):
    wayback.add("20240101000000", SYN_ORIGINAL, b"\x00\x01 not json", "application/json")
    lookup, _ = look_up(http.get, wayback.url, POST, HANDLE)
    assert lookup.snapshot is None and "wayback:" in (lookup.error or "")


# --- wired into archive snapshot ---------------------------------------------------------------


def configure(config_file: Path, fake: FakeX, wayback: WaybackStandIn, mode: str) -> None:
    extra = f'wayback_url = "{wayback.url}"\n'
    config_file.write_text(fake.config_text(extra, wayback=mode), encoding="utf-8")


def rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def deleted_post(httpserver) -> FakeX:
    fake = FakeX(httpserver)
    fake.syndication[POST] = [json_response(TOMBSTONE_DELETED)]
    return fake


def test_snapshot_of_a_deleted_post_keeps_its_earlier_capture_once(
    run_cli, httpserver, wayback, config_file, db_path, tmp_path
):
    fake = deleted_post(httpserver)
    wayback.add("20240301130000", SYN_ORIGINAL, syn("What it said"), "application/json")
    configure(config_file, fake, wayback, "when-gone")
    result = run_cli("snapshot", f"https://x.com/{HANDLE}/status/{POST}")
    assert result.exit_code == 0, result.output
    assert "1 earlier capture(s) kept" in result.output
    [post] = rows(db_path, "select status from posts")
    assert post["status"] == "deleted"  # the capture never changes the status
    snaps = rows(db_path, "select * from snapshots where provider = 'wayback'")
    assert len(snaps) == 1 and snaps[0]["text"] == "What it said"
    assert snaps[0]["memento_datetime"] == "2024-03-01T13:00:00Z"
    assert snaps[0]["status"] == "live"
    [record] = rows(db_path, f"select * from records where id = {snaps[0]['record_id']}")
    assert record["target_uri"] == snaps[0]["request_url"]  # the replay, kept as evidence
    assert record["payload_sha256"] == snaps[0]["payload_sha256"]
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "post.wacz"  # the capture, packed with the post's other evidence
    assert run_cli("export", "--wacz", str(out), "--post", POST).exit_code == 0
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    queries = len(wayback.cdx_hits)
    assert run_cli("snapshot", POST).exit_code == 0
    assert len(wayback.cdx_hits) == queries  # at most one lookup per post per 30 days
    [lookup] = rows(db_path, "select looked_up_at, next_lookup_at from wayback_lookups")
    assert _days_between(lookup["looked_up_at"], lookup["next_lookup_at"]) == 30


def test_never_asks_nothing_and_always_asks_for_live_posts(
    run_cli, httpserver, wayback, config_file, db_path
):
    fake = deleted_post(httpserver)
    configure(config_file, fake, wayback, "never")
    assert run_cli("snapshot", POST).exit_code == 0
    assert wayback.cdx_hits == []
    live = "1763000000000000002"
    fake.live(live, "Still here")
    configure(config_file, fake, wayback, "when-gone")
    run_cli("snapshot", live)
    assert wayback.cdx_hits == []  # live: nothing to look for
    configure(config_file, fake, wayback, "always")
    run_cli("snapshot", live)
    assert len(wayback.cdx_hits) == 3


def test_a_failed_lookup_loses_nothing_and_says_so(
    run_cli, httpserver, wayback, config_file, db_path
):
    fake = deleted_post(httpserver)
    wayback.cdx_failure = 503
    configure(config_file, fake, wayback, "when-gone")
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert "1 lookup(s) failed" in result.output
    [lookup] = rows(db_path, "select * from wayback_lookups")
    assert "HTTP 503" in lookup["error"]
    # Tried again a day later, not in 30 days; and not before.
    assert _days_between(lookup["looked_up_at"], lookup["next_lookup_at"]) == 1
    queries = len(wayback.cdx_hits)
    assert run_cli("snapshot", POST).exit_code == 0
    assert len(wayback.cdx_hits) == queries
    assert rows(db_path, "select status from posts") == [{"status": "deleted"}]


# --- the newcomer's path, as real processes ---------------------------------------------------


def archive(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "archiver", *args]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_newcomer_sees_the_earlier_capture_of_a_deleted_post(httpserver, wayback, tmp_path):
    fake = deleted_post(httpserver)
    wayback.add("20240301130000", SYN_ORIGINAL, syn("What it said"), "application/json")
    wayback.add("20240305000000", PAGE_ORIGINAL, page("What it said"), "text/html")
    configure(tmp_path / "config.toml", fake, wayback, "when-gone")
    url = f"https://twitter.com/{HANDLE}/status/{POST}"
    done = archive("snapshot", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 deleted" in done.stdout and "1 earlier capture(s) kept" in done.stdout
    done = archive("timemap", POST, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f'<https://x.com/{HANDLE}/status/{POST}>; rel="original",'
    last_time = lines[-1].split("datetime=")[1]  # our own check, just now
    assert lines[1] == (
        f'<http://127.0.0.1:8001/-/timemap/archive/{POST}>; rel="self"; '
        'type="application/link-format"; from="Fri, 01 Mar 2024 13:00:00 GMT"; '
        f"until={last_time},"
    )
    assert lines[2] == (
        f'<{wayback.url}/web/20240301130000id_/{SYN_ORIGINAL}>; rel="first memento"; '
        'datetime="Fri, 01 Mar 2024 13:00:00 GMT",'
    )
    assert f"{wayback.url}/web/20240305000000id_/{PAGE_ORIGINAL}" in lines[3]
    assert lines[-1].startswith("<http://127.0.0.1:8001/archive/snapshots/")  # our own check
    assert 'rel="last memento"' in lines[-1]


def test_timemap_of_an_unknown_post_is_one_line(tmp_path):
    assert archive("init", cwd=tmp_path).returncode == 0
    done = archive("timemap", "20", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: 20: no such post in the archive"


def test_timemap_of_what_is_no_post_says_so_as_export_does(run_cli, tmp_path):
    """It said "abc: no such post in the archive", as for a post the archive lacks."""
    assert run_cli("init").exit_code == 0
    timemap = run_cli("timemap", "abc")
    export = run_cli("export", "--wacz", str(tmp_path / "out.wacz"), "--post", "abc")
    assert timemap.exit_code == export.exit_code == 2
    refused = "Error: not a post URL or ID: abc (see 'archive {} --help')"
    assert timemap.output.splitlines()[-1] == refused.format("timemap")
    assert export.output.splitlines()[-1] == refused.format("export")
    for held_by_none in ("20", "https://x.com/jack/status/20"):
        result = run_cli("timemap", held_by_none)
        assert result.exit_code == 1
        assert result.output == f"Error: {held_by_none}: no such post in the archive\n"


def test_timemap_of_a_text_only_post_is_one_line(run_cli, tmp_path, db_path):
    """A post known only from an article's text has no URL, so no TimeMap."""
    article = tmp_path / "reader.txt"
    article.write_text('Jane Doe on X: "We did it. / X"\nWe did it.\n', encoding="utf-8")
    assert run_cli("scan", str(article)).exit_code == 0
    (post_id,) = sqlite_utils.Database(db_path).execute("select id from posts").fetchone()
    result = run_cli("timemap", post_id)
    assert result.exit_code == 1
    assert result.output == f"Error: {post_id}: known only from text (no URL), so no TimeMap\n"


def test_an_earlier_capture_is_never_taken_for_what_x_says_now(
    run_cli, httpserver, wayback, config_file, db_path
):
    """``always``: a live post gets its older capture on record, but re-checks compare with
    X's latest snapshot (no duplicate rows) and the "changed" query compares X's text."""
    import asyncio

    from datasette.app import Datasette

    from archiver.datasette.serve import register_plugin

    fake = FakeX(httpserver)
    fake.live(POST, "The text today", handle=HANDLE)
    wayback.add("20240301130000", SYN_ORIGINAL, syn("The text back then"), "application/json")
    configure(config_file, fake, wayback, "always")
    assert run_cli("snapshot", POST).exit_code == 0
    assert run_cli("snapshot", POST).exit_code == 0  # unchanged: no new snapshot
    snaps = rows(db_path, "select provider, text from snapshots order by id")
    assert snaps == [
        {"provider": "syndication", "text": "The text today"},
        {"provider": "wayback", "text": "The text back then"},
    ]
    db = sqlite_utils.Database(db_path)
    db["articles"].insert({"id": 1, "url": "https://news.example/a", "first_seen_at": "x"})
    db["embeds"].insert(
        {
            "article_id": 1,
            "post_id": POST,
            "position": 0,
            "method": "blockquote",
            "occurrence": 1,
            "text": "The text today",
        }
    )
    register_plugin()
    ds = Datasette([str(db_path)])
    changed = asyncio.run(ds.client.get("/archive/changed.json?_shape=array")).json()
    assert changed == []


def test_an_earlier_capture_of_a_long_post_is_stored_as_partial(
    run_cli, httpserver, wayback, config_file, db_path
):
    """The captured answer holds ``note_tweet``: only the first part of the post's text is
    in it, and the stored capture says so, as a check's snapshot of it would."""
    fake = deleted_post(httpserver)
    long_post = tweet_json(POST, "The first 275 characters…", handle=HANDLE, note_tweet={"id": "x"})
    wayback.add("20240301130000", SYN_ORIGINAL, json.dumps(long_post).encode(), "application/json")
    configure(config_file, fake, wayback, "when-gone")
    assert run_cli("snapshot", POST).exit_code == 0
    [snap] = rows(db_path, "select partial, text from snapshots where provider = 'wayback'")
    assert (snap["partial"], snap["text"]) == (1, "The first 275 characters…")


def test_an_earlier_capture_keeps_the_quoted_post_the_card_and_the_links(
    run_cli, httpserver, wayback, config_file, db_path
):
    """A captured syndication answer is read as a check's: what the post quoted, the card
    under its text and where its links lead are on record with its text."""
    fake = deleted_post(httpserver)
    link = "https://t.co/AbCdEf1234"
    answer = tweet_json(
        POST,
        f"Vote, and read {link}",
        handle=HANDLE,
        quoted_tweet={"id_str": "1763000000000000555", "text": "The question"},
        card={
            "name": "poll2choice_text_only",
            "binding_values": {
                "choice1_label": {"string_value": "Yes"},
                "choice2_label": {"string_value": "No"},
            },
        },
    )
    answer["entities"]["urls"] = [
        {"url": link, "expanded_url": "https://news.example/a", "display_url": "news.example/a"}
    ]
    wayback.add("20240301130000", SYN_ORIGINAL, json.dumps(answer).encode(), "application/json")
    configure(config_file, fake, wayback, "when-gone")
    assert run_cli("snapshot", POST).exit_code == 0
    [snap] = rows(
        db_path, "select quoted_id, card, links from snapshots where provider = 'wayback'"
    )
    assert snap["quoted_id"] == "1763000000000000555"
    assert json.loads(snap["card"])["choices"] == [
        {"label": "Yes", "count": None},
        {"label": "No", "count": None},
    ]
    assert json.loads(snap["links"]) == [
        {"url": link, "expanded_url": "https://news.example/a", "display_url": "news.example/a"}
    ]


def test_an_earlier_capture_that_is_not_utf8_is_stored_byte_for_byte(
    run_cli, httpserver, wayback, config_file, db_path
):
    """A status page with bytes that are not UTF-8 (a Latin-1 é): the row keeps the bytes
    served (a BLOB), not a decoding of them with replacement characters, so the stored
    payload still has the SHA-256 the row and its WARC record give."""
    import hashlib

    fake = deleted_post(httpserver)
    body = page("Caf\xe9 opens at dawn").replace("Caf\xc3\xa9".encode("latin-1"), b"Caf\xe9")
    assert b"Caf\xe9 opens" in body
    original = f"https://twitter.com/i/web/status/{POST}"  # the handle is not known yet
    wayback.add("20240302000000", original, body, "text/html")
    configure(config_file, fake, wayback, "when-gone")
    assert run_cli("snapshot", POST).exit_code == 0
    [snap] = rows(
        db_path, "select payload, payload_sha256 from snapshots where provider = 'wayback'"
    )
    assert snap["payload"] == body
    assert hashlib.sha256(snap["payload"]).hexdigest() == snap["payload_sha256"]
    assert run_cli("verify").exit_code == 0
    # Without a declared charset the page is read as a browser would (not UTF-8: cp1252).
    [text] = rows(db_path, "select text from snapshots where provider = 'wayback'")
    assert text["text"] == "Caf\xe9 opens at dawn"
