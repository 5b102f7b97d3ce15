"""The Wayback provider's pure parts: CDX queries and answers, the choice of capture, and a
capture parsed by the parser of its kind (syndication JSON, or the post's status page).

Status-page fixtures (tests/fixtures/wayback/) are written for these tests after the
markup of twitter.com permalink pages (2014-2020) and of x.com pages' meta tags.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from archiver.snapshot.result import LIVE, NOT_FOUND, SERVER_ERROR, WRONG_SHAPE
from archiver.snapshot.status_page import parse_status_page
from archiver.snapshot.wayback import (
    STATUS_PAGE_KIND,
    SYNDICATION_KIND,
    WAYBACK,
    Capture,
    CdxError,
    captures_of_post,
    cdx_queries,
    holds_post,
    parse_capture,
    parse_cdx,
    rank_captures,
)

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "wayback"
SNAPSHOTS = HERE / "fixtures" / "snapshot"
HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
POST = "1874097816571961839"


def cdx_body(*rows: list[str], header: list[str] = HEADER) -> bytes:
    return json.dumps([header, *rows]).encode() if rows or header else b"[]"


def row(timestamp: str, original: str, mimetype: str, status: str = "200", digest: str = "D"):
    return ["surt", timestamp, original, mimetype, status, digest, "1234"]


def syndication_capture(post_id: str) -> Capture:
    original = f"cdn.syndication.twimg.com/tweet-result?id={post_id}"
    return Capture("20250101000000", original, "application/json", "200", "D")


def capture(ts: str, original: str, status: str = "200", digest: str = "D") -> Capture:
    return Capture(ts, original, "text/html", status, digest)


# --- CDX queries ----------------------------------------------------------------------------


def test_cdx_queries_cover_syndication_and_both_status_hosts():
    urls = cdx_queries("http://127.0.0.1:9/", POST, "ExampleDesk")
    asked = [parse_qs(urlsplit(u).query) for u in urls]
    assert all(u.startswith("http://127.0.0.1:9/cdx/search/cdx?") for u in urls)
    assert all(a["output"] == ["json"] for a in asked)
    assert [a["url"][0] for a in asked] == [
        f"cdn.syndication.twimg.com/tweet-result?id={POST}",
        f"twitter.com/ExampleDesk/status/{POST}",
        f"x.com/ExampleDesk/status/{POST}",
    ]
    assert asked[0]["matchType"] == ["prefix"]  # captured URLs carry token and lang too


def test_cdx_queries_without_handle_use_the_i_web_form():
    urls = cdx_queries("https://web.archive.org", "20", None)
    assert [parse_qs(urlsplit(u).query)["url"][0] for u in urls][1:] == [
        "twitter.com/i/web/status/20",
        "x.com/i/web/status/20",
    ]


def test_cdx_queries_refuse_a_bad_id():
    with pytest.raises(ValueError):
        cdx_queries("https://web.archive.org", "text:abcdef0123456789", None)


# --- CDX answers ----------------------------------------------------------------------------


def test_parse_cdx_reads_columns_by_header_name():
    header = ["original", "timestamp", "statuscode", "mimetype", "digest"]
    body = json.dumps(
        [header, ["twitter.com/a/status/1", "20200428200000", "200", "text/html", "X"]]
    )
    [only] = parse_cdx(200, "application/json", body.encode())
    assert only == Capture("20200428200000", "twitter.com/a/status/1", "text/html", "200", "X")


@pytest.mark.parametrize("body", [b"", b"[]", b"  \n"])
def test_parse_cdx_no_captures(body):
    assert parse_cdx(200, "application/json", body) == []


def test_parse_cdx_header_only_is_no_captures():
    assert parse_cdx(200, "application/json", json.dumps([HEADER]).encode()) == []


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (503, b"<html>Service Unavailable</html>", "HTTP 503"),
        (200, b"<html><body>rate limited</body></html>", "not JSON"),
        (200, b"\xff\xfe garbage", "not JSON"),
        (200, b'{"error": "x"}', "not a list of rows"),
        (200, b'[["timestamp", "original"]]', "lacks mimetype, statuscode, digest"),
        (200, json.dumps([HEADER, ["too", "short"]]).encode(), "does not match its header"),
    ],
)
def test_parse_cdx_errors_are_one_line(status, body, message):
    with pytest.raises(CdxError, match=message) as caught:
        parse_cdx(status, "text/html", body)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("timestamp", ["2020", "20241399999999", "2024010100000x"])
def test_parse_cdx_skips_rows_with_a_malformed_timestamp(timestamp):
    body = cdx_body(row(timestamp, "twitter.com/a/status/1", "text/html"))
    assert parse_cdx(200, None, body) == []


def test_parse_cdx_skips_rows_whose_url_does_not_parse():
    good = row("20240101000000", f"twitter.com/a/status/{POST}", "text/html")
    body = cdx_body(row("20240101000000", f"http://[x/a/status/{POST}", "text/html"), good)
    assert [c.original for c in parse_cdx(200, None, body)] == [good[2]]


# --- choosing a capture ---------------------------------------------------------------------


def test_captures_of_post_drops_longer_ids_and_other_posts():
    found = [
        Capture(
            "20200101000000",
            f"https://cdn.syndication.twimg.com/tweet-result?id={POST}&lang=en",
            "application/json",
            "200",
            "A",
        ),
        Capture(
            "20200101000000",
            f"https://cdn.syndication.twimg.com/tweet-result?id={POST}7&lang=en",
            "application/json",
            "200",
            "B",
        ),
        capture("20200101000000", f"https://twitter.com/ExampleDesk/status/{POST}"),
        capture("20200101000000", "https://twitter.com/ExampleDesk/status/20"),
        capture("20200101000000", f"http://mobile.twitter.com/exampledesk/status/{POST}?s=20"),
    ]
    kept = captures_of_post(found, POST)
    assert [c.digest for c in kept] == ["A", "D", "D"]
    assert [c.kind for c in kept] == [SYNDICATION_KIND, STATUS_PAGE_KIND, STATUS_PAGE_KIND]


def test_rank_prefers_200_then_syndication_then_oldest_one_per_digest():
    syn = "cdn.syndication.twimg.com/tweet-result?id=1&lang=en"
    page = "twitter.com/a/status/1"
    ranked = rank_captures(
        [
            capture("20210101000000", page, digest="P1"),
            capture("20190101000000", page, status="404", digest="P0"),
            Capture("20220101000000", syn, "application/json", "200", "S2"),
            Capture("20200101000000", syn, "application/json", "200", "S1"),
            Capture("20200102000000", syn, "application/json", "200", "S1"),  # same bytes
            capture("20200101000000", page, status="301", digest="R"),
        ]
    )
    assert [c.digest for c in ranked] == ["S1", "S2", "P1"]


def test_capture_times_and_replay_url():
    c = capture("20200428200000", "https://twitter.com/a/status/1")
    assert c.memento_datetime == "2020-04-28T20:00:00Z"
    assert (
        c.replay_url("http://127.0.0.1:8080/")
        == "http://127.0.0.1:8080/web/20200428200000id_/https://twitter.com/a/status/1"
    )


# --- captures parsed ------------------------------------------------------------------------


def test_syndication_capture_goes_through_the_syndication_parser():
    body = (SNAPSHOTS / "syn_text.json").read_bytes()
    c = syndication_capture(POST)
    result = parse_capture(c, POST, 200, "application/json", body)
    assert result.provider == WAYBACK
    assert result.status == LIVE and not result.conclusive  # a past state, never a verdict
    assert result.handle == "ExampleDesk"
    assert result.text.startswith("Last briefing of the year is done.")
    assert holds_post(result)


def test_syndication_tombstone_capture_does_not_hold_the_post():
    body = (SNAPSHOTS / "syn_tomb_deleted.json").read_bytes()
    c = syndication_capture(POST)
    assert not holds_post(parse_capture(c, POST, 200, "application/json", body))


def test_capture_of_another_post_is_refused():
    body = (SNAPSHOTS / "syn_text.json").read_bytes()
    result = parse_capture(syndication_capture("20"), "20", 200, "application/json", body)
    assert not holds_post(result)
    assert result.error == f"wayback: the capture is of post {POST}, not 20"


def test_legacy_status_page_reads_the_permalink_post_not_the_replies():
    body = (PAGES / "status_legacy.html").read_bytes()
    result = parse_status_page(200, "text/html; charset=utf-8", body)
    assert result.status == LIVE
    assert result.post_id == "1255123456789012480"
    assert result.handle == "ExampleDesk"
    assert result.author_name == "Example Desk — Newsroom"
    assert (
        result.text
        == "Polls close at 8pm & results follow.\nStay with us pic.twitter.com/AbCdEfGhIj"
    )
    assert result.created_at == "2020-04-28T20:00:00.000Z"
    assert result.payload == body


def test_x_era_page_reads_meta_tags_with_handle_from_og_title():
    body = (PAGES / "status_meta_only.html").read_bytes()
    result = parse_status_page(200, "text/html", body)
    assert (result.post_id, result.handle) == (POST, "ExampleDesk")
    assert result.author_name == "Example Desk"
    assert result.text == "Counting is under way in every district"


def test_title_form_alone_is_enough():
    body = (PAGES / "status_title_only.html").read_bytes()
    result = parse_status_page(200, "text/html", body)
    assert result.author_name == "Jane Q. Reporter"
    assert result.text == "Live from the count centre: turnout looks high"
    assert (result.post_id, result.handle) == ("1255000000000000001", "janeq")


def test_og_description_quotes_are_removed():
    page = (
        b'<html><head><meta property="og:title" content="A B on Twitter">'
        b'<meta property="og:description" content="&#8220;Quoted &quot;inner&quot; words&#8221;">'
        b'<meta property="og:url" content="https://twitter.com/ab/status/5"></head></html>'
    )
    result = parse_status_page(200, "text/html", page)
    assert result.text == 'Quoted "inner" words'
    assert (result.author_name, result.handle, result.post_id) == ("A B", "ab", "5")


@pytest.mark.parametrize(
    ("content_type", "declared", "encoding"),
    [
        ("text/html; charset=Shift_JIS", "", "shift_jis"),  # the replayed header
        ("text/html", '<meta charset="windows-1252">', "cp1252"),
        (
            "text/html",
            '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">',
            "koi8_r",
        ),
    ],
)
def test_a_status_page_is_read_in_the_charset_it_declares(content_type, declared, encoding):
    """Not as UTF-8 with replacement characters for every byte that is not (the payload keeps
    the bytes either way)."""
    text = {"shift_jis": "開票が始まりました", "cp1252": "Café – déjà", "koi8_r": "Выборы"}[
        encoding
    ]
    page = (
        f"<html><head>{declared}<title>A B on Twitter: &quot;{text}&quot;</title>"
        '<meta property="og:url" content="https://twitter.com/ab/status/5"></head></html>'
    ).encode(encoding)
    result = parse_status_page(200, content_type, page)
    assert (result.text, result.author_name, result.post_id) == (text, "A B", "5")
    assert result.payload == page


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (200, (PAGES / "status_shell.html").read_bytes(), WRONG_SHAPE),
        (200, b"", WRONG_SHAPE),
        (200, b"\x00\x01\x02 binary", WRONG_SHAPE),
        (404, b"<html>Sorry, that page does not exist</html>", NOT_FOUND),
        (503, b"busy", SERVER_ERROR),
    ],
)
def test_pages_without_the_post_are_failures_not_posts(status, body, outcome):
    result = parse_status_page(status, "text/html", body)
    assert result.outcome == outcome
    assert not holds_post(result)
    assert result.error and "\n" not in result.error


def test_status_page_capture_is_labelled_wayback():
    body = (PAGES / "status_legacy.html").read_bytes()
    c = capture("20200429000000", "https://twitter.com/ExampleDesk/status/1255123456789012480")
    result = parse_capture(c, "1255123456789012480", 200, "text/html", body)
    assert result.provider == WAYBACK and holds_post(result)


def test_cdx_queries_use_the_canonical_id():
    assert cdx_queries("http://127.0.0.1:9/", "000" + POST, None) == cdx_queries(
        "http://127.0.0.1:9/", POST, None
    )
    with pytest.raises(ValueError):
        cdx_queries("http://127.0.0.1:9/", "9223372036854775808", None)


def test_a_cdx_answer_nested_past_pythons_stack_is_refused_with_a_message() -> None:
    with pytest.raises(CdxError, match="not JSON"):
        parse_cdx(200, "application/json", b"[" * 100_000 + b"]" * 100_000)
