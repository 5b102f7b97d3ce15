"""``archive snapshot`` against a local server speaking the syndication and oEmbed protocols."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
import sqlite_utils
from fake_x import TOMBSTONE_DELETED, FakeX, json_response, oembed_json, tweet_json
from reliability import hostile as h
from werkzeug import Response

from archiver.config import Config
from archiver.datasette.metadata import CANNED_QUERIES
from archiver.evidence.read import read_record
from archiver.evidence.warc import default_warc_dir

POST = "1763000000000000001"


def db_rows(db_path, sql, params=()):
    return list(sqlite_utils.Database(db_path).query(sql, params))


def configure(fake: FakeX, config_file, extra: str = "") -> None:
    config_file.write_text(fake.config_text(extra), encoding="utf-8")


def test_live_post_snapshot_and_unchanged_recheck(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Ferries resume at dawn &amp; run all day")
    result = run_cli("snapshot", f"https://twitter.com/testperson/status/{POST}?s=20")
    assert result.exit_code == 0, result.output
    assert "1 live" in result.output
    post = db_rows(db_path, "select * from posts where id = ?", [POST])[0]
    assert post["status"] == "live" and post["checks"] == 1
    assert post["text"] == "Ferries resume at dawn & run all day"
    assert post["next_check_at"] > post["last_checked_at"]
    snap = db_rows(db_path, "select * from snapshots")[0]
    assert snap["provider"] == "syndication" and snap["http_status"] == 200
    assert "token=" in snap["request_url"] and '"__typename"' in snap["payload"]
    # An unchanged re-check adds a check but no snapshot.
    assert run_cli("snapshot", POST).exit_code == 0
    assert len(db_rows(db_path, "select * from snapshots")) == 1
    checks = db_rows(db_path, "select * from checks order by id")
    assert len(checks) == 2 and checks[1]["snapshot_id"] == snap["id"]


def test_a_reply_with_half_a_surrogate_pair_is_stored(run_cli, httpserver, config_file, db_path):
    """A lone ``\\uD83E`` in the JSON (RFC 8259 §8.2 allows it) made saving the check raise
    UnicodeEncodeError and the run stop; the text is stored with U+FFFD in its place and the
    payload as it came."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    body = json.dumps(tweet_json(POST, "Thread X", name="Desk X")).replace(" X", " \\ud83e")
    fake.syndication[POST] = [Response(body, content_type="application/json")]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    [snap] = db_rows(db_path, "select text, author_name, payload from snapshots")
    assert (snap["text"], snap["author_name"]) == ("Thread \ufffd", "Desk \ufffd")
    assert snap["payload"] == body


def test_changed_text_writes_a_new_snapshot(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "First version")
    run_cli("snapshot", POST)
    fake.live(POST, "Edited version")
    run_cli("snapshot", POST)
    texts = [r["text"] for r in db_rows(db_path, "select text from snapshots order by id")]
    assert texts == ["First version", "Edited version"]


def test_tombstone_marks_deleted_with_evidence(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Soon gone")
    run_cli("snapshot", POST)
    fake.syndication[POST] = [json_response(TOMBSTONE_DELETED)]
    result = run_cli("snapshot", POST)
    assert "1 deleted" in result.output and "1 status change" in result.output
    post = db_rows(db_path, "select * from posts")[0]
    assert post["status"] == "deleted" and post["status_changed_at"]
    assert post["text"] == "Soon gone"  # what it said is kept
    last = db_rows(db_path, "select * from snapshots order by id desc")[0]
    assert last["status"] == "deleted" and "deleted by the Post author" in last["payload"]


def test_single_404s_are_inconclusive_two_checks_make_deleted(
    run_cli, httpserver, config_file, db_path
):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Here today")
    run_cli("snapshot", POST)
    fake.syndication[POST] = [Response("", status=404)]
    fake.oembed[POST] = [Response("", status=404)]
    run_cli("snapshot", POST)
    assert db_rows(db_path, "select status from posts")[0]["status"] == "live"
    run_cli("snapshot", POST)
    assert db_rows(db_path, "select status from posts")[0]["status"] == "deleted"
    assert len(db_rows(db_path, "select * from checks")) == 1 + 2 + 2


def test_transient_failures_never_turn_live_into_deleted(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file, 'providers = ["syndication"]\n')
    fake.live(POST, "Still here")
    run_cli("snapshot", POST)
    fake.syndication[POST] = [
        Response("oops", status=503),
        Response("oops", status=503),
        Response("<html>blocked</html>", content_type="text/html"),
    ]
    run_cli("snapshot", POST)
    post = db_rows(db_path, "select * from posts")[0]
    assert post["status"] == "live"
    errors = db_rows(db_path, "select error from checks where error is not null")
    assert errors


def test_retry_after_then_success(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file, 'providers = ["syndication"]\n')
    fake.live(POST, "Patience")
    ok = fake.syndication[POST][0]
    fake.syndication[POST] = [
        json_response({"error": "slow down"}, 429, **{"Retry-After": "0"}),
        Response("boom", status=500),
        ok,
    ]
    result = run_cli("snapshot", POST)
    assert "1 live" in result.output
    assert fake.hits["syndication"].count(POST) == 3


def test_a_rate_limit_asking_for_an_hour_is_recorded_as_rate_limited(
    run_cli, httpserver, config_file, db_path
):
    """A Retry-After past the fetch's deadline is not waited for: the 429 is the answer,
    kept as a rate limit (not a network failure), and asked once."""
    fake = FakeX(httpserver)
    configure(fake, config_file, 'providers = ["syndication"]\n')
    fake.live(POST, "Later")
    fake.syndication[POST] = [json_response({"error": "slow down"}, 429, **{"Retry-After": "3600"})]
    run_cli("snapshot", POST)
    checks = db_rows(db_path, "select http_status, error from checks")
    assert checks == [
        {"http_status": 429, "error": "syndication: HTTP 429 rate limited: slow down"}
    ]
    assert fake.hits["syndication"].count(POST) == 1


def test_timeout_is_recorded_and_oembed_answers(run_cli, config_file, db_path):
    # syndication never answers (until the test is over); oEmbed answers at once.
    release = threading.Event()
    routes = {
        "/tweet-result": lambda conn: release.wait(120),
        "/oembed": h.json_reply(oembed_json(POST, "Slow but fine")),
    }
    with h.HostileServer(routes) as server:
        config_file.write_text(
            # oEmbed must answer within this read timeout: 0.5 s was tight on a loaded machine.
            '[fetch]\ntimeout = "2s"\nper_host_delay = "0s"\nretries = 0\n'
            f'[snapshot]\nsyndication_url = "{server.url("/tweet-result")}"\n'
            f'oembed_url = "{server.url("/oembed")}"\n',
            encoding="utf-8",
        )
        try:
            result = run_cli("snapshot", POST)
        finally:
            release.set()
    assert "1 live" in result.output
    checks = db_rows(db_path, "select provider, error from checks order by id")
    assert checks[0]["provider"] == "syndication" and "timed out" in checks[0]["error"]
    assert checks[1]["provider"] == "oembed"


def test_text_only_posts_are_never_due(run_cli, httpserver, config_file, db_path, tmp_path):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    page = tmp_path / "reader.txt"
    page.write_text('Jane on X: "Hello there" / X\nHello there\n', encoding="utf-8")
    run_cli("scan", str(page))
    result = run_cli("snapshot", "--due")
    assert "checked 0 post(s)" in result.output
    assert not fake.hits


def test_scan_with_snapshot_flag(run_cli, httpserver, config_file, db_path, tmp_path):
    from pages import embed_page

    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello from the test post")
    page = tmp_path / "a.html"
    page.write_text(embed_page(), encoding="utf-8")
    result = run_cli("scan", str(page), "--snapshot")
    assert result.exit_code == 0, result.output
    assert db_rows(db_path, "select status from posts where id = ?", [POST])[0]["status"] == "live"
    # Each check is a line, as archive snapshot prints it (there was only the summary).
    assert f"{POST}: live" in result.stdout.splitlines()
    assert "checked 1 post(s): 1 live" in result.stdout
    # With --json, standard output stays JSON lines: the summary alone, on stderr.
    other = "1763000000000000002"
    fake.live(other, "Another post")
    page.write_text(embed_page(post_id=other), encoding="utf-8")
    result = run_cli("scan", str(page), "--snapshot", "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["embeds"][0]["post_id"] for line in result.stdout.splitlines()] == [
        other
    ]
    assert "checked 1 post(s): 1 live" in result.stderr


def test_bad_post_reference_is_usage_error(run_cli):
    result = run_cli("snapshot", "https://fox.com/news/status/123")
    assert result.exit_code == 2
    assert "not a post URL or ID" in result.output


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("notapost", "notapost"),
        (f"https://x.com/jack/status/{POST} and more", None),
        (f"see https://x.com/jack/status/{POST}", None),
        (f"https://x.com/a/status/{POST}https://x.com/b/status/1763000000000000002", None),
        (
            f"https://x.com/jack/status/{POST}\nrm -rf",
            f"https://x.com/jack/status/{POST}\\x0arm -rf",
        ),
        ("x" * 5000, "x" * 200 + "…"),
        ("https://x.com/jack/status/20abc", None),  # no post 20: its ID runs on into letters
    ],
)
def test_a_value_that_is_not_one_post_is_refused_in_one_line(
    run_cli, httpserver, config_file, db_path, value, shown
):
    """Before, the first status in any text was taken ('URL and more' checked the URL), and
    a line break in the value broke the error line in two. Nothing is asked or stored, not
    even for the good value beside it."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello")
    result = run_cli("snapshot", POST, value)
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line == f"Error: not a post URL or ID: {shown or value} (see 'archive snapshot --help')"
    assert not db_path.exists() and not fake.hits


def test_a_post_known_only_from_text_is_refused_as_such(run_cli, httpserver, config_file, db_path):
    """``archive stats`` lists such posts by their ``text:`` ID; given to snapshot, it was
    "not a post URL or ID", as if mistyped. Nothing is asked or stored."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello")
    result = run_cli("snapshot", POST, " text:852ae194885ceeb8")
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line == (
        "Error: text:852ae194885ceeb8: known only from text (no ID on X), so it cannot be"
        " checked (see 'archive snapshot --help')"
    )
    assert not db_path.exists() and not fake.hits


def test_one_post_named_twice_is_checked_once(run_cli, httpserver, config_file, db_path):
    """Its ID and its URL were two posts to check: two requests to each endpoint, two checks."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello")
    result = run_cli("snapshot", POST, f"https://x.com/testperson/status/{POST}", POST)
    assert result.exit_code == 0, result.output
    assert "checked 1 post(s): 1 live" in result.output
    assert fake.hits["syndication"] == [POST]
    assert len(db_rows(db_path, "select * from checks")) == 1


def test_an_answer_that_does_not_decode_is_kept_as_served(
    run_cli, httpserver, config_file, db_path
):
    """Content-Encoding: gzip on a body that is not gzip: nothing to read (inconclusive, one
    line saying why, the live post stays live; a 404 is still a 404), but the server did
    answer. Before, the check said no HTTP answer came, and the bytes served were not kept at
    all; now they are the check's WARC record, byte for byte, with the headers as served,
    and verify reads it."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello")
    assert run_cli("snapshot", POST).exit_code == 0
    body = json.dumps(tweet_json(POST, "Hello, edited")).encode()
    headers = {"Content-Encoding": "gzip"}
    fake.syndication[POST] = [Response(body, content_type="application/json", headers=headers)]
    fake.oembed[POST] = [Response(b"Not Found", status=404, headers=headers)]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    oembed = db_rows(db_path, "select * from checks where provider = 'oembed'")[-1]
    assert (oembed["http_status"], oembed["error"]) == (
        404,
        "oembed: HTTP 404 not found (inconclusive)",
    )
    check = db_rows(db_path, "select * from checks where provider = 'syndication' order by id")[-1]
    assert (check["http_status"], check["status"]) == (200, "unavailable")
    prefix = "syndication: HTTP 200 with a body that does not decode: cannot decode gzip body ("
    assert check["error"].startswith(prefix) and "\n" not in check["error"]
    assert db_rows(db_path, "select status from posts")[0]["status"] == "live"
    assert len(db_rows(db_path, "select * from snapshots")) == 1  # nothing proven, none new
    [record] = db_rows(db_path, "select * from records where id = ?", [check["record_id"]])
    path = default_warc_dir(db_path) / record["warc_file"]
    stored = read_record(path, record["warc_offset"], record["warc_length"])
    assert (stored.http_status, stored.payload) == (200, body)
    assert record["payload_sha256"] == hashlib.sha256(body).hexdigest()
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def test_an_answer_cut_short_is_kept_as_served_and_proves_nothing(
    run_cli, httpserver, config_file, db_path
):
    """A gzip answer the body ends inside: half a JSON reply. Inconclusive, one line saying
    why, and kept as served (the cut bytes in the WARC record, what decodes of them as its
    payload, which verify reads alike)."""
    import gzip

    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Hello")
    assert run_cli("snapshot", POST).exit_code == 0
    whole = gzip.compress(json.dumps(tweet_json(POST, "Hello, edited " * 200)).encode())
    headers = {"Content-Encoding": "gzip"}
    cut = Response(whole[: len(whole) // 2], content_type="application/json", headers=headers)
    fake.syndication[POST] = [cut]
    fake.oembed[POST] = [Response(b"Not Found", status=404)]
    assert run_cli("snapshot", POST).exit_code == 0
    check = db_rows(db_path, "select * from checks where provider = 'syndication' order by id")[-1]
    prefix = "syndication: HTTP 200 with a body that does not decode: gzip body cut short: the "
    assert check["error"].startswith(prefix) and "\n" not in check["error"]
    assert db_rows(db_path, "select status from posts")[0]["status"] == "live"
    assert len(db_rows(db_path, "select * from snapshots")) == 1
    [record] = db_rows(db_path, "select * from records where id = ?", [check["record_id"]])
    assert record["payload_sha256"] is not None
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def test_a_negative_limit_is_usage_error(run_cli):
    """SQLite reads ``LIMIT -5`` as no limit: before, every due post was checked."""
    result = run_cli("snapshot", "--due", "--limit", "-5")
    assert result.exit_code == 2
    assert "Invalid value for '--limit': -5 is not in the range 0<=x<=1000000000" in result.output


def test_ladder_schedules_next_checks():
    from archiver.snapshot.run import next_check

    ladder = (3600.0, 21600.0, 86400.0)
    now = "2025-01-01T00:00:00Z"
    assert next_check("live", 1, True, ladder, now) == "2025-01-01T01:00:00Z"
    assert next_check("live", 2, True, ladder, now) == "2025-01-01T06:00:00Z"
    assert next_check("live", 3, True, ladder, now) == "2025-01-02T00:00:00Z"
    assert next_check("live", 9, True, ladder, now) == "2025-01-02T00:00:00Z"  # last step repeats
    assert next_check("deleted", 9, True, ladder, now) == "2025-01-04T00:00:00Z"  # rarely
    assert next_check("removed", 9, True, ladder, now) == "2025-01-04T00:00:00Z"  # rarely too
    assert next_check("live", 5, False, ladder, now) == "2025-01-01T01:00:00Z"  # soon after a miss
    # The default ladder: past it, every 30 days; a post X says is gone, every 90 days.
    default = Config().snapshot.recheck
    assert next_check("live", 9, True, default, now) == "2025-01-31T00:00:00Z"
    assert next_check("unavailable", 9, True, default, now) == "2025-01-31T00:00:00Z"
    for gone in ("deleted", "removed", "suspended", "protected"):
        assert next_check(gone, 5, True, default, now) == "2025-01-31T00:00:00Z", gone
        assert next_check(gone, 6, True, default, now) == "2025-04-01T00:00:00Z", gone


def test_next_check_at_follows_the_configured_ladder(run_cli, httpserver, config_file, db_path):
    from datetime import datetime

    fake = FakeX(httpserver)
    configure(fake, config_file, 'recheck = ["2h", "1d"]\n')
    fake.live(POST, "On a schedule")
    run_cli("snapshot", POST)
    post = db_rows(db_path, "select * from posts")[0]
    gap = datetime.fromisoformat(post["next_check_at"]) - datetime.fromisoformat(
        post["last_checked_at"]
    )
    assert gap.total_seconds() == 2 * 3600


def test_provider_failing_mid_run_loses_nothing(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file, 'providers = ["syndication"]\n')
    ids = [f"17630000000000001{n:02d}" for n in range(6)]
    for n, post_id in enumerate(ids):
        fake.live(post_id, f"Post {n}")
    for post_id in ids[3:]:  # the provider breaks for the later posts
        fake.syndication[post_id] = [Response("<html>blocked</html>", content_type="text/html")]
    result = run_cli("snapshot", *ids)
    assert result.exit_code == 0
    got = {r["id"]: r["status"] for r in db_rows(db_path, "select id, status from posts")}
    assert [got[i] for i in ids[:3]] == ["live"] * 3
    assert [got[i] for i in ids[3:]] == ["unavailable"] * 3
    assert len(db_rows(db_path, "select * from snapshots")) == 3
    assert len(db_rows(db_path, "select * from checks")) == 6


def test_full_disk_during_snapshot_is_one_line(httpserver, config_file, db_path, tmp_path):
    import resource
    import subprocess
    import sys

    fake = FakeX(httpserver)
    configure(fake, config_file)
    ids = [f"17630000000000002{n:02d}" for n in range(30)]
    for post_id in ids:
        fake.live(post_id, "A fairly long post text to make every snapshot row weigh a bit. " * 60)
    archive = [sys.executable, "-m", "archiver"]
    common = ["--db", str(db_path), "--config", str(config_file)]
    assert subprocess.run([*archive, "init", *common], capture_output=True).returncode == 0
    size = db_path.stat().st_size + 16_384
    result = subprocess.run(
        [*archive, "snapshot", *ids, *common],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size)),
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_full_text_index_follows_the_live_text(run_cli, httpserver, config_file, db_path):
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "Lighthouse keepers strike")
    run_cli("snapshot", POST)
    fake.live(POST, "Lighthouse keepers return")
    run_cli("snapshot", POST)
    db = sqlite_utils.Database(db_path)
    assert [r["id"] for r in db["posts"].search("return")] == [POST]
    assert list(db["posts"].search("strike")) == []
    # An unchanged re-check leaves the post row, and so its index entry, alone.
    before = db.execute("select count(*) from posts_fts_data").fetchone()[0]
    run_cli("snapshot", POST)
    assert db.execute("select count(*) from posts_fts_data").fetchone()[0] == before


def test_created_at_from_the_id_is_never_replaced_by_a_providers_day(
    run_cli, httpserver, config_file, db_path
):
    # Issue 12: syndication failed, oEmbed answered with its day (2025-03-17, X's time zone)
    # and replaced the millisecond time of the ID (2025-03-18T11:15:05.087Z).
    post = "1901955510931214337"
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(post, "Up late")
    fake.syndication[post] = [Response("", status=404)]
    fake.oembed[post][0] = json_response(
        {
            **json.loads(fake.oembed[post][0].get_data()),
            "html": '<blockquote class="twitter-tweet"><p>Up late</p>&mdash; Test Person '
            f'(@testperson) <a href="https://twitter.com/testperson/status/{post}">March 17, '
            "2025</a></blockquote>",
        }
    )
    assert "1 live" in run_cli("snapshot", post).output
    [row] = db_rows(db_path, "select created_at from posts")
    [snap] = db_rows(db_path, "select provider, created_at, partial from snapshots")
    assert row["created_at"] == "2025-03-18T11:15:05.087Z"
    assert snap == {"provider": "oembed", "created_at": "2025-03-18T11:15:05.087Z", "partial": 0}


def test_a_full_time_is_never_replaced_by_a_shorter_one(run_cli, httpserver, config_file, db_path):
    # Post 20 predates snowflake IDs: only the providers know its time.
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live("20", "just setting up my twttr", created_at="2006-03-21T20:50:14.000Z")
    run_cli("snapshot", "20")
    fake.syndication["20"] = [Response("", status=404)]
    fake.oembed["20"][0] = json_response(
        {**json.loads(fake.oembed["20"][0].get_data()), "author_name": "jack"}
    )
    run_cli("snapshot", "https://x.com/jack/status/00020")
    assert [r["id"] for r in db_rows(db_path, "select id from posts")] == ["20"]
    snaps = db_rows(db_path, "select provider, created_at from snapshots order by id")
    assert snaps == [
        {"provider": "syndication", "created_at": "2006-03-21T20:50:14.000Z"},
        {"provider": "oembed", "created_at": "2024-03-01"},
    ]
    [row] = db_rows(db_path, "select created_at from posts")
    assert row["created_at"] == "2006-03-21T20:50:14.000Z"


def test_post_changes_compares_the_verbatim_text_normalised(
    run_cli, httpserver, config_file, db_path, tmp_path
):
    # The article's text is normalised (joiner dropped, spaces collapsed); the snapshot
    # keeps X's text verbatim: the same post, so no "text differs". A real edit is one.
    fake = FakeX(httpserver)
    configure(fake, config_file)
    verbatim = "Why 🤷\u200d♂\ufe0f  it\xa0works"
    fake.live(POST, verbatim)
    page = tmp_path / "a.html"
    page.write_text(
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{verbatim}</p>&mdash; Test '
        f'Person (@testperson) <a href="https://twitter.com/testperson/status/{POST}">March 1,'
        " 2024</a></blockquote>",
        encoding="utf-8",
    )
    assert run_cli("scan", str(page), "--snapshot").exit_code == 0
    [embed] = db_rows(db_path, "select text from embeds")
    [post] = db_rows(db_path, "select text from posts")
    assert embed["text"] != post["text"] == verbatim
    assert db_rows(db_path, "select * from post_changes") == []
    fake.live(POST, "Why 🤷\u200d♂\ufe0f it does not work")
    run_cli("snapshot", POST)
    [change] = db_rows(db_path, "select change, live_text from post_changes")
    assert change == {"change": "text differs", "live_text": "Why 🤷\u200d♂\ufe0f it does not work"}


def test_post_changes_lists_a_removed_embed_when_the_post_is_gone_not_for_its_text(
    run_cli, httpserver, config_file, db_path, tmp_path
):
    """An embed a re-scan no longer finds: the article does not show the post any more, so
    neither its text nor an edit of its post is a change for it (both were, for good), nor
    for the "changed" query; the post's deletion still lists it, saying when the article
    dropped it."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    fake.live(POST, "The ferry leaves at noon")
    page = tmp_path / "a.html"
    page.write_text(
        '<blockquote class="twitter-tweet"><p>The ferry leaves at 11</p>&mdash; Test Person'
        f' (@testperson) <a href="https://twitter.com/testperson/status/{POST}">March 1, 2024'
        "</a></blockquote>",
        encoding="utf-8",
    )
    assert run_cli("scan", str(page), "--snapshot").exit_code == 0
    columns = "select change, embed_removed_at from post_changes"
    assert db_rows(db_path, columns) == [{"change": "text differs", "embed_removed_at": None}]
    assert len(db_rows(db_path, CANNED_QUERIES["changed"]["sql"])) == 1
    page.write_text("<p>The embed was taken out.</p>", encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    [embed] = db_rows(db_path, "select removed_at from embeds")
    assert embed["removed_at"] is not None
    assert db_rows(db_path, columns) == []
    assert db_rows(db_path, CANNED_QUERIES["changed"]["sql"]) == []
    versions = {"edit_tweet_ids": [POST, "1763000000000000999"]}  # edited since
    edited = tweet_json(POST, "The ferry leaves at noon", edit_control=versions)
    fake.syndication[POST] = [json_response(edited)]
    assert run_cli("snapshot", POST).exit_code == 0
    assert db_rows(db_path, columns) == []  # the article no longer shows the post
    fake.syndication[POST] = [json_response(TOMBSTONE_DELETED)]
    assert run_cli("snapshot", POST).exit_code == 0
    assert db_rows(db_path, columns) == [
        {"change": "not live", "embed_removed_at": embed["removed_at"]}
    ]


def test_snapshot_prints_what_x_said_with_control_characters_escaped(
    run_cli, httpserver, config_file, db_path
):
    fake = FakeX(httpserver)
    configure(fake, config_file, 'providers = ["syndication"]\n')
    said = "This Post is \x1b]0;pwned\x07 \u202eunavailable. Learn more"
    fake.syndication[POST] = [
        json_response({"__typename": "TweetTombstone", "tombstone": {"text": {"text": said}}})
    ]
    output = run_cli("snapshot", POST).output
    assert "\x1b" not in output and "\u202e" not in output
    assert "\\x1b]0;pwned\\x07 \\u202eunavailable" in output
    [check] = db_rows(db_path, "select error from checks")
    assert "\x1b]0;pwned\x07 \u202eunavailable" in check["error"]  # stored as X said it


def test_a_reply_about_another_post_is_no_answer_about_this_one(
    run_cli, httpserver, config_file, db_path
):
    """Either provider's answer about another post was stored as this post's content, and
    marked it live."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    other = "1763000000000000002"
    fake.syndication[POST] = [json_response(tweet_json(other, "Someone else's words"))]
    fake.oembed[POST] = [json_response(oembed_json(other, "Someone else's words"))]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    assert db_rows(db_path, "select * from snapshots") == []
    errors = [row["error"] for row in db_rows(db_path, "select error from checks order by id")]
    reason = f"HTTP 200 with a reply about another post ({other})"
    assert errors == [f"syndication: {reason}", f"oembed: {reason}"]
    post = db_rows(db_path, "select status, text from posts where id = ?", [POST])[0]
    assert post["status"] != "live" and post["text"] is None


def test_an_edit_is_recorded_when_x_serves_the_old_version(
    run_cli, httpserver, config_file, db_path, tmp_path
):
    """After an edit, X still answers for the embedded ID with the version it names, and its
    ``edit_control`` lists the newer version (``isStaleEdit``): the text is the same, so the
    edit was never recorded. Now a snapshot keeps the versions' IDs, the first answer naming
    a newer version adds a snapshot, and ``post_changes`` lists the post as edited."""
    newer = "1763000000000000999"
    fake = FakeX(httpserver)
    configure(fake, config_file)
    page = tmp_path / "story.html"
    page.write_text(
        '<blockquote class="twitter-tweet"><p>The ferry leaves at noon</p>&mdash; Test Person'
        f' (@testperson) <a href="https://twitter.com/testperson/status/{POST}">March 1, 2024'
        "</a></blockquote>",
        encoding="utf-8",
    )
    assert run_cli("scan", str(page)).exit_code == 0
    text = "The ferry leaves at noon"
    first = tweet_json(POST, text, edit_control={"edit_tweet_ids": [POST]})
    stale = tweet_json(POST, text, edit_control={"edit_tweet_ids": [POST, newer]}, isStaleEdit=True)
    fake.syndication[POST] = [json_response(first)]
    assert run_cli("snapshot", POST).exit_code == 0
    fake.syndication[POST] = [json_response(stale)]
    for _ in range(2):  # the second time, nothing new: no snapshot
        assert run_cli("snapshot", POST).exit_code == 0
    fake.syndication[POST] = [Response("", status=404)]  # oEmbed answers, naming no version
    fake.oembed[POST] = [json_response(oembed_json(POST, text))]
    assert run_cli("snapshot", POST).exit_code == 0
    snaps = db_rows(db_path, "select edit_ids, newer_version_id, text from snapshots order by id")
    assert [(s["edit_ids"], s["newer_version_id"]) for s in snaps] == [
        (f'["{POST}"]', None),
        (f'["{POST}", "{newer}"]', newer),
    ]
    assert len(db_rows(db_path, "select * from checks")) == 5  # the last: syndication, oEmbed
    [change] = db_rows(db_path, "select * from post_changes")
    assert (change["post_id"], change["change"], change["newer_version_id"]) == (
        POST,
        "edited",
        newer,
    )

    fake.live(newer, "The ferry leaves at one")  # the newest version: a post of its own
    assert run_cli("snapshot", newer).exit_code == 0
    [post] = db_rows(db_path, "select status, text from posts where id = ?", [newer])
    assert (post["status"], post["text"]) == ("live", "The ferry leaves at one")


def test_a_newer_version_named_again_after_an_oembed_snapshot_adds_none(
    run_cli, httpserver, config_file, db_path
):
    """A snapshot is added when X first names a newer version, not each time an answer
    names it again after a snapshot that says nothing of versions: the author renamed, an
    oEmbed answer kept the new name; the next syndication answer, the same content naming
    the same version, was a third snapshot of nothing new."""
    newer = "1763000000000000999"
    fake = FakeX(httpserver)
    configure(fake, config_file)
    text, versions = "The ferry leaves at noon", {"edit_tweet_ids": [POST, newer]}
    fake.syndication[POST] = [json_response(tweet_json(POST, text, edit_control=versions))]
    assert run_cli("snapshot", POST).exit_code == 0
    fake.syndication[POST] = [Response("", status=404)]
    fake.oembed[POST] = [json_response(oembed_json(POST, text, name="Renamed"))]
    assert run_cli("snapshot", POST).exit_code == 0
    renamed = tweet_json(POST, text, name="Renamed", edit_control=versions)
    fake.syndication[POST] = [json_response(renamed)]
    assert run_cli("snapshot", POST).exit_code == 0
    snaps = db_rows(db_path, "select provider, author_name, newer_version_id from snapshots")
    assert [tuple(s.values()) for s in snaps] == [
        ("syndication", "Test Person", newer),
        ("oembed", "Renamed", None),
    ]
    checks = db_rows(db_path, "select provider, snapshot_id from checks order by id")
    assert checks[-1] == {"provider": "syndication", "snapshot_id": 2}


def test_a_long_post_seen_only_through_oembed_is_stored_as_partial(
    run_cli, httpserver, config_file, db_path
):
    """syndication fails; oEmbed shows the long post's first ~280 characters and "…": the
    snapshot says it holds part of the post, as a syndication one (``note_tweet``) does."""
    fake = FakeX(httpserver)
    configure(fake, config_file)
    cut = ("Storm update for the whole coast, read to the end before you travel. " * 4)[:279]
    fake.syndication[POST] = [Response("oops", status=503)]
    fake.oembed[POST] = [json_response(oembed_json(POST, cut.rstrip() + "…"))]
    result = run_cli("snapshot", POST)
    assert result.exit_code == 0, result.output
    [snap] = db_rows(db_path, "select provider, partial, text from snapshots")
    assert (snap["provider"], snap["partial"]) == ("oembed", 1)
    assert snap["text"] == cut.rstrip() + "…"
