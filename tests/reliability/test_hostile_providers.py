"""``archive snapshot`` against syndication/oEmbed endpoints that answer badly on purpose.

Every bad answer must become an inconclusive check with a one-line error in ``checks``: the
post keeps its status (never "deleted" on garbage), the other posts are still checked.
"""

from __future__ import annotations

import json

import pytest
import sqlite_utils
from click.testing import CliRunner
from fake_x import oembed_json, tweet_json

from archiver.cli import cli
from archiver.urls import find_status

from . import hostile as h
from .conftest import CONFIG

GOOD = "1763000000000000500"
# post id -> (syndication behaviour, oEmbed behaviour, words expected in the errors)
CASES: dict[str, tuple[h.Route, h.Route, str]] = {
    "1763000000000000501": (
        h.page("<html><body>Rate limited</body></html>"),
        h.page("<html><body>Something went wrong</body></html>"),
        "HTML page",
    ),
    "1763000000000000502": (
        h.page('{"__typename": "Tweet", "text": "hel', "application/json"),
        h.page('{"url": "https://twitter.com/a/status/1", "html": "<blo', "application/json"),
        "invalid JSON",
    ),
    "1763000000000000503": (
        h.json_reply([1, 2, 3]),
        h.json_reply({"html": 5, "author_name": ["x"]}),
        "expected a JSON object",
    ),
    "1763000000000000504": (
        h.page("[" * 200_000, "application/json"),
        h.page('{"a":' * 100_000, "application/json"),
        "nested too deeply",
    ),
    "1763000000000000505": (
        h.bomb("gzip", "application/json"),
        h.bomb("deflate", "application/json"),
        "larger than",
    ),
    "1763000000000000506": (h.drip(interval=1.0), h.page("<html></html>"), "timed out"),
    "1763000000000000507": (h.reset_at_once, h.reset_mid_body, "connection broken"),
    "1763000000000000508": (
        h.redirect("file:///etc/passwd"),
        h.redirect(lambda c: c.path + "?" + "&".join(f"{k}={v[0]}" for k, v in c.query.items())),
        "redirect",
    ),
    "1763000000000000509": (h.endless("application/json"), h.not_http, "larger than"),
    "1763000000000000510": (
        h.redirect("javascript:alert(1)"),
        h.truncated_chunked(b'{"html": "'),
        "302 redirect to a javascript: URL (only http and https are followed)",
    ),
    "1763000000000000511": (
        h.json_reply({"__typename": "Tweet", "id_str": 5, "user": "x", "text": ["a"]}),
        h.json_reply(None),
        "syndication",
    ),
}


def _select(conn: h.Conn) -> str:
    if conn.path == "/syn":
        return "syn:" + conn.query.get("id", [""])[0]
    status = find_status(conn.query.get("url", [""])[0])
    return "oe:" + (status[0] if status else "")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("providers")
    routes: dict[str, h.Route] = {
        f"syn:{GOOD}": h.json_reply(tweet_json(GOOD, "Fine & <b>well</b>")),
        f"oe:{GOOD}": h.json_reply(oembed_json(GOOD, "Fine")),
    }
    for post, (syn, oe, _) in CASES.items():
        routes[f"syn:{post}"], routes[f"oe:{post}"] = syn, oe
    with h.HostileServer(routes) as server:
        server.select = _select
        config = tmp / "config.toml"
        config.write_text(
            CONFIG.replace("retries = 1", "retries = 0")  # one 4.5 s drip is enough
            + f'[snapshot]\nsyndication_url = "{server.url("/syn")}"\n'
            + f'oembed_url = "{server.url("/oembed")}"\nwayback = "never"\n',
            encoding="utf-8",
        )
        db_path = tmp / "archive.db"
        result = CliRunner().invoke(
            cli,
            ["snapshot", GOOD, *CASES, "--db", str(db_path), "--config", str(config)],
            catch_exceptions=False,
        )
        yield result, db_path


def test_run_completes_without_a_traceback(run):
    result, db_path = run
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"checked {len(CASES) + 1} post(s)" in result.output
    db = sqlite_utils.Database(db_path)
    assert db.execute("select status from posts where id = ?", [GOOD]).fetchone()[0] == "live"
    assert db.execute("select text from posts where id = ?", [GOOD]).fetchone()[0] == (
        "Fine & <b>well</b>"
    )


@pytest.mark.parametrize("post", sorted(CASES))
def test_bad_answers_are_inconclusive_checks(run, post):
    _, db_path = run
    db = sqlite_utils.Database(db_path)
    status, next_check = db.execute(
        "select status, next_check_at from posts where id = ?", [post]
    ).fetchone()
    # Nothing conclusive: never deleted/suspended/protected on garbage, and tried again soon.
    assert status in ("pending", "unavailable") and next_check
    checks = db.execute(
        "select provider, error, snapshot_id from checks where post_id = ?", [post]
    ).fetchall()
    assert [c[0] for c in checks] == ["syndication", "oembed"]
    assert all(error and "\n" not in error and len(error) < 500 for _, error, _ in checks)
    assert all(snapshot is None for *_, snapshot in checks)
    assert CASES[post][2] in " ".join(error for _, error, _ in checks), checks
    assert db.execute("select count(*) from snapshots where post_id = ?", [post]).fetchone()[0] == 0


def test_hostile_payloads_never_reach_snapshots(run):
    _, db_path = run
    db = sqlite_utils.Database(db_path)
    payloads = [row[0] for row in db.execute("select payload from snapshots")]
    assert len(payloads) == 1 and json.loads(payloads[0])["id_str"] == GOOD
