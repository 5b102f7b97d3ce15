"""Feed parsing: a body is only ever data, links resolve against the feed's address."""

from __future__ import annotations

import json

import pytest

from archiver.errors import ArchiverError, SourceFormatError
from archiver.feeds import feed_headers, parse_feed

FEED_URL = "https://news.example/section/feed.xml"


def rss(*links: str, extra: str = "") -> bytes:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel>{extra}{items}</channel></rss>'.encode()
    )


def test_a_body_that_names_a_local_file_is_not_opened(tmp_path):
    secret = tmp_path / "secret-feed.xml"
    secret.write_bytes(rss("https://secret.example/leaked"))
    with pytest.raises(SourceFormatError, match="not a feed"):
        parse_feed(str(secret).encode(), FEED_URL)


def test_dev_zero_as_a_body_is_nine_bytes_of_text():
    with pytest.raises(SourceFormatError, match="not a feed"):
        parse_feed(b"/dev/zero", FEED_URL)


def test_a_body_that_names_a_url_is_not_fetched(httpserver):
    httpserver.expect_request("/other.xml").respond_with_data(rss("https://other.example/1"))
    with pytest.raises(SourceFormatError):
        parse_feed(httpserver.url_for("/other.xml").encode(), FEED_URL)
    assert httpserver.log == []


def test_relative_links_resolve_against_the_feed_url():
    body = rss("/news/1", "2.html", "//cdn.news.example/3", "https://other.example/4")
    assert parse_feed(body, FEED_URL) == [
        "https://news.example/news/1",
        "https://news.example/section/2.html",
        "https://cdn.news.example/3",
        "https://other.example/4",
    ]


def test_content_location_header_is_the_base():
    headers = {"Content-Location": "/archive/"}
    assert parse_feed(rss("item"), FEED_URL, headers) == ["https://news.example/archive/item"]


def test_a_base_that_does_not_parse_is_passed_over():
    """A Content-Location or JSON Feed ``feed_url`` of ``http://[x`` leaves the feed's URL
    as the base."""
    headers = {"Content-Location": "http://[x/"}
    assert parse_feed(rss("item"), FEED_URL, headers) == ["https://news.example/section/item"]
    version = "https://jsonfeed.org/version/1.1"
    body = json.dumps({"version": version, "feed_url": "http://[x/", "items": [{"url": "a"}]})
    assert parse_feed(body.encode(), FEED_URL) == ["https://news.example/section/a"]


def test_xml_base_is_scoped_to_its_item():
    body = (
        b'<rss version="2.0"><channel>'
        b'<item xml:base="https://base.example/first/"><link>one</link></item>'
        b"<item><link>two</link></item></channel></rss>"
    )
    assert parse_feed(body, FEED_URL) == [
        "https://base.example/first/one",
        "https://news.example/section/two",
    ]


def test_atom_alternate_links_and_tracking_parameters():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><link rel="alternate" href="/a?utm_source=atom"/>'
        b'<link rel="enclosure" href="/a.mp3"/></entry>'
        b'<entry><link rel="related" href="/not-the-entry"/>'
        b'<link href="/b#comments"/></entry></feed>'
    )
    assert parse_feed(body, FEED_URL) == ["https://news.example/a", "https://news.example/b"]


def test_http_charset_applies_without_xml_declaration():
    text = '<rss version="2.0"><channel><item><link>/новости/1</link></item></channel></rss>'
    links = parse_feed(
        text.encode("koi8-r"), FEED_URL, {"Content-Type": "text/xml; charset=koi8-r"}
    )
    assert links == ["https://news.example/новости/1"]


def test_non_text_content_type_is_not_a_charset():
    assert "content-type" not in feed_headers(FEED_URL, {"Content-Type": "application/gzip"})
    assert feed_headers(FEED_URL, {})["content-location"] == FEED_URL


def test_unsafe_links_are_dropped():
    body = rss("javascript:alert(1)", "mailto:x@news.example", "data:text/html,x", "/ok")
    assert parse_feed(body, FEED_URL) == ["https://news.example/ok"]


def test_a_feed_with_no_items_lists_nothing_without_error():
    assert parse_feed(rss(extra="<title>Quiet</title>"), FEED_URL) == []


@pytest.mark.parametrize(
    "body", [b"<html><body>Not found</body></html>", b"plain words", b"<urlset></urlset", b"\x00"]
)
def test_not_a_feed_is_an_archiver_error(body):
    with pytest.raises(ArchiverError, match="not a feed"):
        parse_feed(body, FEED_URL)


def test_json_feed():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "feed_url": "https://news.example/feed.json",
            "items": [
                {"id": "1", "url": "https://news.example/1?utm_medium=JSONFeed"},
                {"id": "2", "external_url": "/2"},
                {"id": "3"},
                "junk",
            ],
        }
    ).encode()
    assert parse_feed(body, FEED_URL) == ["https://news.example/1", "https://news.example/2"]


def test_a_malformed_link_is_passed_over():
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "http://[::1/x"}]}
    ).encode()
    assert parse_feed(body, FEED_URL) == []
    assert parse_feed(rss("http://[::1/x", "/ok"), FEED_URL) == ["https://news.example/ok"]


def test_json_feed_without_items_is_an_error():
    body = b'{"version": "https://jsonfeed.org/version/1", "items": 3}'
    with pytest.raises(SourceFormatError, match="not a JSON feed"):
        parse_feed(body, FEED_URL)


def test_a_feed_cut_off_before_its_first_link_is_an_error_not_an_empty_feed():
    with pytest.raises(SourceFormatError, match="not a well-formed feed"):
        parse_feed(b"<rss><channel><item><link>", FEED_URL)
    cut_later = rss("https://news.example/a")[:-20]  # cut after the first item's link
    assert parse_feed(cut_later, FEED_URL) == ["https://news.example/a"]
