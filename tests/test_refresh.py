"""Pages that send the reader on with a meta refresh: read as a browser reads them, followed
by ``archive scan URL`` against a real local server, and kept as evidence."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st
from pages import embed_page
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Request, Response

from archiver.refresh import could_redirect, parsed_refresh_target, refresh_target

BASE = "https://news.example.org/s/1?id=7"


def stub(content: str, *, noscript: bool = False) -> bytes:
    meta = f'<meta http-equiv="Refresh" content="{content}">'
    meta = f"<noscript>{meta}</noscript>" if noscript else meta
    return f"<!DOCTYPE html><html><head>{meta}</head><body>Moved.</body></html>".encode()


@pytest.mark.parametrize(
    ("content", "target"),
    [
        ("0; url=https://other.example/a", "https://other.example/a"),
        ("0;URL='/story/2'", "https://news.example.org/story/2"),
        ("1, url = '2.html' trailing", "https://news.example.org/s/2.html"),
        (".5; url=/q", "https://news.example.org/q"),
        ("5;url=/late", "https://news.example.org/late"),
        ("0;url=//cdn.example/x", "https://cdn.example/x"),
    ],
)
def test_a_refresh_within_seconds_names_the_next_address(content: str, target: str) -> None:
    assert refresh_target(stub(content), BASE) == target


@pytest.mark.parametrize(
    "content",
    [
        "30; url=/later",  # shows the page itself first
        "300",  # a live blog reloading itself
        "0; url=" + BASE + "#top",  # the same page
        "0; url=javascript:void(0)",
        "0; url=mailto:desk@news.example.org",
        "url=/no-delay",  # no delay: no refresh at all, for a browser
        "0x; url=/a",
        "",
    ],
)
def test_no_redirect_in_other_refreshes(content: str) -> None:
    assert refresh_target(stub(content), BASE) is None


def test_a_refresh_inside_noscript_or_after_the_first_is_not_followed() -> None:
    assert refresh_target(stub("0;url=/nojs", noscript=True), BASE) is None
    two = b'<meta http-equiv="refresh" content="600"><meta http-equiv="refresh" content="0;url=/b">'
    assert refresh_target(two, BASE) is None, "a browser acts on the first alone"
    assert refresh_target(b"<p>http-equiv=refresh in prose</p>", BASE) is None


def warc_records(tmp_path: Path) -> list[tuple[str, str, int | None]]:
    found = []
    for path in sorted(tmp_path.rglob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                response = record.rec_type == "response"
                status = int(record.http_headers.get_statuscode()) if response else None
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.append((record.rec_type, uri, status))
    return found


def test_scan_follows_a_refresh_and_keeps_both_pages(
    run_cli, httpserver, db_path: Path, tmp_path: Path
) -> None:
    """The stub's address is the article's identity (as for an HTTP redirect), the page it
    leads to is what is scanned, and the WARC file holds the stub's answer before it."""
    httpserver.expect_request("/go/1").respond_with_data(
        stub("0; url=/story/1"), content_type="text/html"
    )
    httpserver.expect_request("/story/1").respond_with_data(
        embed_page(title="Bridge reopens"), content_type="text/html; charset=utf-8"
    )
    result = run_cli("scan", httpserver.url_for("/go/1"), "--json")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["url"] == httpserver.url_for("/go/1")
    assert [embed["post_id"] for embed in line["embeds"]] == ["1763000000000000001"]
    (article,) = sqlite_utils.Database(db_path).query("select * from articles")
    assert (article["title"], article["final_url"]) == (
        "Bridge reopens",
        httpserver.url_for("/story/1"),
    )
    responses = [
        (uri, status) for kind, uri, status in warc_records(tmp_path) if kind == "response"
    ]
    assert responses == [(httpserver.url_for("/go/1"), 200), (httpserver.url_for("/story/1"), 200)]
    assert run_cli("verify").exit_code == 0


def test_refreshes_in_a_loop_are_one_line_and_nothing_else_is_lost(
    run_cli, httpserver, db_path: Path
) -> None:
    httpserver.expect_request("/a").respond_with_data(stub("0;url=/b"), content_type="text/html")
    httpserver.expect_request("/b").respond_with_data(stub("0;url=/a"), content_type="text/html")
    httpserver.expect_request("/ok").respond_with_data(embed_page(), content_type="text/html")
    result = run_cli("scan", httpserver.url_for("/a"), httpserver.url_for("/ok"), "--json")
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (
        first["error"] == f"{httpserver.url_for('/a')}: too many meta refreshes (3 pages in a row)"
    )
    assert second["status"] == "ok" and len(second["embeds"]) == 1
    fetched = [request.path for request, _ in httpserver.log]
    assert fetched.count("/a") + fetched.count("/b") == 4, "the first page and three refreshes"


def test_a_text_page_naming_a_refresh_is_not_followed(run_cli, httpserver) -> None:
    httpserver.expect_request("/notes.txt").respond_with_data(
        '<meta http-equiv="refresh" content="0;url=/elsewhere"> is how pages redirect.',
        content_type="text/plain",
    )
    result = run_cli("scan", httpserver.url_for("/notes.txt"), "--json")
    assert result.exit_code == 0, result.output
    assert [request.path for request, _ in httpserver.log] == ["/notes.txt"]


def test_a_refresh_to_a_page_now_gone_keeps_the_refreshing_page_before_the_404(
    run_cli, httpserver, tmp_path: Path
) -> None:
    """An article with embeds that now answers 404 keeps that answer as evidence, and the
    page whose refresh led there is kept before it, as a redirect would be."""
    httpserver.expect_request("/go/2").respond_with_data(
        stub("0; url=/story/2"), content_type="text/html"
    )
    served = []

    def story(request: Request) -> Response:
        served.append(request.path)
        if len(served) == 1:
            return Response(embed_page(), content_type="text/html")
        return Response("gone", status=404)

    httpserver.expect_request("/story/2").respond_with_handler(story)
    assert run_cli("scan", httpserver.url_for("/go/2")).exit_code == 0
    assert run_cli("scan", httpserver.url_for("/go/2")).exit_code == 1
    responses = [
        (uri, status) for kind, uri, status in warc_records(tmp_path) if kind == "response"
    ]
    stub_url, story = httpserver.url_for("/go/2"), httpserver.url_for("/story/2")
    assert responses[-2:] == [(stub_url, 200), (story, 404)]


def test_a_delay_of_thousands_of_digits_is_read_not_raised() -> None:
    """Python's ``int`` refuses a string of over 4,300 digits: such a delay is a page's
    to write, and it must neither stop the scan nor hide a short delay's leading zeros."""
    assert refresh_target(stub("9" * 5000 + "; url=/a"), BASE) is None, "a long delay"
    assert refresh_target(stub("0" * 5000 + "2; url=/a"), BASE) == "https://news.example.org/a"
    assert refresh_target(stub("0" * 5000 + "; url=/b"), BASE) == "https://news.example.org/b"


@pytest.mark.parametrize(
    "address",
    [
        "/caf\u00e9",  # the page's own address, its path not percent-encoded
        "HTTPS://News.Example.org/caf%C3%A9",
        "https://news.example.org:443/caf%C3%A9#top",
    ],
)
def test_a_reload_written_another_way_is_no_redirect(address: str) -> None:
    """The page reached (``https://news.example.org/caf%C3%A9``, as httpx sent it) naming
    itself in another spelling reloads itself: following it fetched the same page again
    until the article ended as "too many meta refreshes"."""
    assert refresh_target(stub(f"2; url={address}"), "https://news.example.org/caf%C3%A9") is None


def test_a_relative_address_is_resolved_against_the_page_s_base() -> None:
    """As a browser resolves it: against the first ``<base href>`` (itself relative to the
    page's address), not the page's address."""
    head = '<base href="/news/"><base href="https://elsewhere.example/">'
    page = f'<html><head>{head}<meta http-equiv="refresh" content="0; url=story/2"></head>'
    assert refresh_target(page.encode(), BASE) == "https://news.example.org/news/story/2"
    cdn = '<base href="https://cdn.example.org/a/"><meta http-equiv="refresh" content="0;url=b">'
    assert refresh_target(cdn.encode(), BASE) == "https://cdn.example.org/a/b"
    not_web = '<base href="data:,x"><meta http-equiv="refresh" content="0;url=/c">'
    assert refresh_target(not_web.encode(), BASE) == "https://news.example.org/c"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('<meta http-equiv="refresh" content="0;url=/caf\xe9">'.encode("cp1252"), "text/html"),
        (
            b'<meta charset="windows-1252"><meta http-equiv="refresh" content="0;url=/caf\xe9">',
            None,
        ),
        ('<meta http-equiv="refresh" content="0;url=/caf\xe9">'.encode(), "text/html"),
    ],
)
def test_a_refresh_address_is_read_in_the_page_s_encoding(
    body: bytes, content_type: str | None
) -> None:
    """A windows-1252 page's ``é`` is the address's ``é`` (sent as ``%C3%A9``), not a
    replacement character; a page without a declared encoding is read as UTF-8 first."""
    target = refresh_target(body, BASE, content_type)
    assert target is not None and target.endswith("/caf\xe9")


@pytest.fixture
def refused_port():
    """A port on 127.0.0.1 that refuses connections: bound by this test, never listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def moved_to(location: str, status: int = 302) -> Response:
    return Response("Moved.", status=status, headers={"Location": location})


# (what the article's address answers once it had embeds, the error's end, the answers kept)
WAYS_THAT_FAIL = {
    "a refresh to an address refusing connections": (
        lambda dead: Response(stub(f"0; url=http://127.0.0.1:{dead}/x"), content_type="text/html"),
        "Connection refused)",
        [200],
    ),
    "a redirect to an address refusing connections": (
        lambda dead: moved_to(f"http://127.0.0.1:{dead}/x"),
        "Connection refused)",
        [302],
    ),
    "a redirect refused by its scheme": (
        lambda dead: moved_to("javascript:alert(1)"),
        "302 redirect to a javascript: URL (only http and https are followed)",
        [302],
    ),
    "redirects in a loop": (
        lambda dead: moved_to("/story"),
        "too many redirects",
        [302] * 11,  # the first and the 10 of [fetch] max_redirects
    ),
    "a page refreshing to a redirect to nowhere": (
        lambda dead: Response(stub("0; url=/hop"), content_type="text/html"),
        "Connection refused)",
        [200, 301],
    ),
}


@pytest.mark.parametrize("way", WAYS_THAT_FAIL)
def test_a_way_that_fails_after_answers_keeps_them_with_its_one_line_error(
    run_cli, httpserver, db_path: Path, tmp_path: Path, refused_port: int, way: str
) -> None:
    """An article with embeds whose address now leads on (a 3xx, a meta refresh) to an
    address that cannot be reached keeps what it was served on the way, as a redirect is
    kept before an answer; the scan's error is one line, and the archive verifies."""
    answer, error_end, kept = WAYS_THAT_FAIL[way]
    served = []

    def article(request: Request) -> Response:
        served.append(request.path)
        return (
            Response(embed_page(), content_type="text/html")
            if len(served) == 1
            else answer(refused_port)
        )

    httpserver.expect_request("/story").respond_with_handler(article)
    httpserver.expect_request("/hop").respond_with_response(
        moved_to(f"http://127.0.0.1:{refused_port}/x", 301)
    )
    assert run_cli("scan", httpserver.url_for("/story")).exit_code == 0
    before = len(warc_records(tmp_path))
    result = run_cli("scan", httpserver.url_for("/story"), "--json")
    assert result.exit_code == 1
    line = json.loads(result.stdout)
    assert line["error"].endswith(error_end) and "\n" not in line["error"]
    assert line["error"].startswith(httpserver.url_for("/story") + ": ")  # what was asked
    answers = [
        (uri, status) for kind, uri, status in warc_records(tmp_path)[before:] if kind == "response"
    ]
    assert [status for _, status in answers] == kept
    (scan,) = sqlite_utils.Database(db_path).query(
        "select scans.error, records.target_uri, records.http_status from scans"
        " join records on records.id = scans.record_id order by scans.id desc limit 1"
    )
    assert scan["error"] == line["error"]
    assert (scan["target_uri"], scan["http_status"]) == answers[-1]  # the last one served
    assert run_cli("verify").exit_code == 0


def test_refreshes_in_a_loop_keep_each_page_served(run_cli, httpserver, tmp_path: Path) -> None:
    served = []

    def first(request: Request) -> Response:
        served.append(request.path)
        if len(served) == 1:
            return Response(embed_page(), content_type="text/html")
        return Response(stub("0;url=/b"), content_type="text/html")

    httpserver.expect_request("/a").respond_with_handler(first)
    httpserver.expect_request("/b").respond_with_data(stub("0;url=/a"), content_type="text/html")
    assert run_cli("scan", httpserver.url_for("/a")).exit_code == 0
    before = len(warc_records(tmp_path))
    assert run_cli("scan", httpserver.url_for("/a")).exit_code == 1
    pages = [uri for kind, uri, _ in warc_records(tmp_path)[before:] if kind == "response"]
    a, b = httpserver.url_for("/a"), httpserver.url_for("/b")
    assert pages == [a, b, a, b], "the first page and the three it refreshed to"
    assert run_cli("verify").exit_code == 0


@pytest.mark.parametrize(
    "content", ["300", "900", " 0900;url=/later", "10; url=/later", "2700", "6&#48;;url=/x"]
)
def test_a_page_reloading_itself_later_is_passed_over_without_a_parse(content: str) -> None:
    """A refresh after a longer delay, in digits as written, can send no reader on: the page
    is not parsed for it (detection parses it next)."""
    assert not could_redirect(stub(content))
    assert not could_redirect(stub(content).replace(b'"Refresh"', b"REFRESH").upper())


@pytest.mark.parametrize(
    "page",
    [
        stub("0; url=/a"),
        stub("5;url=/late"),
        stub(".5; url=/q"),
        stub("&#48;;url=/x"),
        b'<meta http-equiv="refresh" content="900" content="0;url=/x">'
        b'<meta http-equiv="&#114;efresh" content="0;url=/y">',
        b"<meta content='0;url=/x' http-equiv=refresh>",
        b'<meta http-equiv="refresh" content="900">\x00<\x00m\x00e\x00t\x00a\x00',
        b'<meta http-equiv="refresh" content="900"><meta http-equiv=refresh content=0;url=/x',
    ],
)
def test_a_refresh_that_may_send_the_reader_on_is_parsed(page: bytes) -> None:
    assert could_redirect(page)


_ATTRIBUTES = st.sampled_from(
    [
        " http-equiv=refresh",
        ' http-equiv="Refresh"',
        " http-equiv='&#82;efresh'",
        ' HTTP-EQUIV = "refresh "',
        ' content="900"',
        " content=0;url=/a",
        " CONTENT = '1; url=/b'",
        ' content="&#48;;url=/c"',
        ' content=" 6.5;url=/d"',
        " content=07;url=/e",
        ' content="5;url=/f"',
        ' content="x"',
        ' data-x="a>b content=0;url=/g"',
        " data-y='>'",
        " =content=0;url=/h",
        "/",
        '"',
        "'",
        "=",
    ]
)
_NOISE = st.sampled_from(
    ["<noscript>", "</noscript>", "<!--", "-->", "<script>", "</script>", '<base href="/s/">']
)
_META_TAGS = st.builds(
    lambda attributes, end: "<meta" + "".join(attributes) + end,
    st.lists(_ATTRIBUTES, max_size=6),
    st.sampled_from([">", "/>", ""]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_META_TAGS | _NOISE, max_size=8))
def test_no_page_a_refresh_is_followed_from_is_passed_over(fragments: list[str]) -> None:
    """The shortcut is sound: whatever the tags, quotes and comments around a refresh, a page
    ``refresh_target`` follows is one ``could_redirect`` lets it parse."""
    page = "".join(fragments).encode()
    if parsed_refresh_target(page, BASE) is not None:
        assert could_redirect(page)


def test_a_page_nesting_too_deep_is_read_for_its_refresh_as_detection_reads_it() -> None:
    """50,000 ``<blockquote><p>`` nest 50,000 deep (7 s to parse whole): the page is cut
    where it nests deeper than detection reads, so a refresh before is followed and one
    after is not, as detection sees neither the embeds after it."""
    deep = b"<blockquote><p>" * 50_000
    assert refresh_target(stub("0;url=/a") + deep, BASE) == "https://news.example.org/a"
    assert refresh_target(deep + stub("0;url=/b"), BASE) is None
