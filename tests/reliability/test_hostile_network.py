"""``archive scan`` against a server that misbehaves on purpose.

One batch holds every hostile URL plus two good pages: each hostile URL must end in a
one-line error recorded in ``scans``, the good pages must be stored, and nothing may crash.
"""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
import sqlite_utils
from click.testing import CliRunner
from pages import embed_page

from archiver.cli import cli
from archiver.config import FetchConfig
from archiver.errors import FetchError
from archiver.http import Http
from archiver.scan_one import fetch_article

from . import hostile as h

GOOD = embed_page(post_id="1763000000000000101", text="Good page one")

# route path -> (behaviour, words the recorded error must contain)
CASES: dict[str, tuple[h.Route, str]] = {
    # A byte every 0.25 s: far inside the 1.5 s read timeout even on a loaded machine, so
    # only the 4.5 s overall deadline cuts them (at 1 s, a byte 0.5 s late would trip the
    # read timeout instead: "timed out" without "within 4.5s", and a retry).
    "/drip": (h.drip(interval=0.25), "timed out"),
    "/drip-headers": (h.drip_headers(interval=0.25), "timed out"),
    "/endless": (h.endless(), "larger than max_bytes"),
    "/gzip-bomb": (h.bomb("gzip"), "larger than max_bytes"),
    "/deflate-bomb": (h.bomb("deflate"), "larger than max_bytes"),
    "/loop": (h.redirect(lambda c: c.path), "too many redirects"),
    "/to-file": (h.redirect("file:///etc/passwd"), "302 redirect to a file: URL"),
    "/to-ftp": (h.redirect("ftp://127.0.0.1/pub/page.html"), "302 redirect to a ftp: URL"),
    "/to-javascript": (h.redirect("javascript:alert(1)"), "302 redirect to a javascript: URL"),
    "/to-data": (h.redirect("data:text/html,<p>x</p>"), "302 redirect to a data: URL"),
    "/to-bad-url": (h.redirect("http://[::1"), "redirect to an address that does not parse"),
    "/pdf": (h.page(b"%PDF-1.7\n" + bytes(range(256)), "application/pdf"), "not a web page"),
    "/json": (h.page('{"a": 1}', "application/json"), "not a web page"),
    "/png-as-html": (h.page(b"\x89PNG\r\n\x1a\n\x00\x00" * 50, "text/html"), "binary file"),
    "/truncated-chunked": (h.truncated_chunked(), "broken HTTP answer"),
    "/truncated-length": (h.truncated_length(), "broken HTTP answer"),
    "/reset": (h.reset_at_once, "connection"),
    "/reset-mid-body": (h.reset_mid_body, "connection"),
    "/silent-close": (h.close_silently, "broken HTTP answer"),
    "/not-http": (h.not_http, "broken HTTP answer"),
    "/bad-gzip": (
        lambda c: c.reply(b"\x1f\x8b\x08\x00garbage" * 10, Content_Encoding="gzip"),
        "cannot decode",
    ),
    "/empty": (h.page(b"", "text/html"), "empty file"),
}
# Pages that look wrong but are fine: they must be stored with their embed.
GOOD_CASES: dict[str, tuple[h.Route, str]] = {
    "/good": (h.page(GOOD), "1763000000000000101"),
    "/bad-charset": (
        h.page(embed_page(post_id="1763000000000000102"), "text/html; charset=x-no-such-thing"),
        "1763000000000000102",
    ),
    "/bogus-charset-meta": (
        h.page(
            embed_page(post_id="1763000000000000103").replace(
                '<meta charset="utf-8">', '<meta charset="utf-\u00e9;;%%">'
            ),
            "text/html",
        ),
        "1763000000000000103",
    ),
    "/no-type": (
        lambda c: c.send(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
            + embed_page(post_id="1763000000000000104").encode()
        ),
        "1763000000000000104",
    ),
    "/gzip-ok": (h.gzip_page(embed_page(post_id="1763000000000000105")), "1763000000000000105"),
    "/redirected": (h.redirect("/good"), "1763000000000000101"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Scan every case in one ``archive scan`` call; returns (result, lines, db path, server)."""
    tmp = tmp_path_factory.mktemp("hostile")
    config = tmp / "config.toml"
    from .conftest import CONFIG

    config.write_text(CONFIG, encoding="utf-8")
    db_path = tmp / "archive.db"
    routes = {path: route for path, (route, _) in {**CASES, **GOOD_CASES}.items()}
    with h.HostileServer(routes) as server:
        urls = [server.url(path) for path in routes]
        started = time.monotonic()
        result = CliRunner().invoke(
            cli,
            ["scan", *urls, "--json", "--db", str(db_path), "--config", str(config)],
            catch_exceptions=False,
        )
        elapsed = time.monotonic() - started
        lines = {}
        for line in result.stdout.splitlines():
            item = json.loads(line)
            lines[item["target"][len(server.url("")) :]] = item
        yield result, lines, db_path, server, elapsed


def test_the_batch_finishes_in_bounded_time(batch):
    result, lines, _, _, elapsed = batch
    assert result.exit_code == 1
    assert set(lines) == set(CASES) | set(GOOD_CASES)
    assert "Traceback" not in result.output
    # Drips are cut at the deadline (3 x 1.5 s), not at the end of their 100,000 bytes (a
    # day at a byte a second): a bound far from both, so a loaded machine cannot fail it.
    assert elapsed < 600
    assert "within 4.5s" in lines["/drip"]["error"]


@pytest.mark.parametrize("path", sorted(CASES))
def test_each_hostile_answer_is_a_one_line_error(batch, path):
    _, lines, db_path, _, _ = batch
    line = lines[path]
    assert line["status"] == "error"
    assert CASES[path][1] in line["error"], line["error"]
    assert "\n" not in line["error"] and len(line["error"]) < 400
    db = sqlite_utils.Database(db_path)
    recorded = db.execute(
        "select scans.error from scans join articles on articles.id = scans.article_id"
        " where articles.url = ?",
        [line["url"]],
    ).fetchall()
    assert recorded and CASES[path][1] in recorded[-1][0]


@pytest.mark.parametrize("path", sorted(GOOD_CASES))
def test_odd_but_valid_pages_are_stored(batch, path):
    _, lines, db_path, _, _ = batch
    line = lines[path]
    assert line["status"] == "ok", line["error"]
    assert [e["post_id"] for e in line["embeds"]] == [GOOD_CASES[path][1]]
    db = sqlite_utils.Database(db_path)
    assert (
        db.execute(
            "select count(*) from embeds where post_id = ?", [GOOD_CASES[path][1]]
        ).fetchone()[0]
        >= 1
    )


def test_endless_body_is_not_read_to_the_end(batch):
    _, _, _, server, _ = batch
    # The client hung up soon after max_bytes (200 KB): only socket buffers' worth more.
    assert server.sent["/endless"] < 64_000_000


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(h.bomb("gzip"), id="gzip"),
        pytest.param(h.bomb("br", decoded_mb=64), id="br"),  # decoded here, not by httpx
        pytest.param(h.redirect_bomb("/elsewhere"), id="in-a-redirect"),  # httpx read it whole
        pytest.param(h.redirect_bomb("javascript:void(0)"), id="in-a-refused-redirect"),
    ],
)
def test_a_bomb_stops_at_max_bytes_of_decoded_data_in_little_memory(route: h.Route):
    config = FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0, max_bytes=2_000_000)
    with h.HostileServer({"/bomb": route}) as server, Http(config) as http:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="larger than max_bytes"):
                fetch_article(http, server.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # httpx alone decodes a 64 KiB network chunk of this bomb into ~64 MB at once.
    assert peak < 3 * config.max_bytes + 4_000_000, peak


def test_retries_do_not_multiply_the_deadline():
    # A byte every 0.1 s against a 1 s read timeout: only the 3 s deadline can cut it (0.3 s
    # against 0.5 s left 0.2 s for a loaded machine's scheduling; past it, a read timeout,
    # which is retried, would fail the test).
    config = FetchConfig(timeout=1.0, per_host_delay=0.0, retries=3, max_bytes=100_000)
    with h.HostileServer({"/drip": h.drip(interval=0.1)}) as server, Http(config) as http:
        with pytest.raises(FetchError, match=r"timed out \(no complete answer within 3s\)"):
            fetch_article(http, server.url("/drip"))
        # One request: a passed deadline is not retried (retries would multiply it).
        assert server.hits == ["/drip"]
