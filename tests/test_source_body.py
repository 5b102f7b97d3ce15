"""Source bodies: gzip by magic bytes within the size cap, empty and HTML bodies refused."""

from __future__ import annotations

import gzip
import io
import tracemalloc

import pytest

from archiver.errors import FetchError, SourceFormatError, SourceTooLargeError
from archiver.listings import SourceResponse, Validators
from archiver.source_body import decoded_body, gunzip, read_document

URL = "https://site.example/sitemap.xml.gz"
SITEMAP = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'


def answer(body: bytes, content_type: str = "application/xml", status: int = 200):
    return SourceResponse(URL, status, {"Content-Type": content_type}, body)


@pytest.mark.parametrize("content_type", ["application/gzip", "application/octet-stream", ""])
def test_gzip_is_undone_by_its_magic_bytes(content_type):
    assert decoded_body(answer(gzip.compress(SITEMAP), content_type), 10_000, "sitemap") == SITEMAP


def test_a_gz_name_without_gzip_bytes_is_read_as_is():
    assert decoded_body(answer(SITEMAP), 10_000, "sitemap") == SITEMAP


def test_concatenated_members_and_trailing_junk():
    data = gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>") + b"\x00junk"
    assert gunzip(data, 1000, URL) == b"<urlset></urlset>"


def test_truncated_gzip_gives_what_it_decompressed():
    data = gzip.compress(SITEMAP * 10)
    assert (SITEMAP * 10).startswith(gunzip(data[: len(data) // 2], 10_000, URL))


def test_corrupt_gzip_is_a_format_error():
    with pytest.raises(SourceFormatError, match="not valid gzip"):
        gunzip(b"\x1f\x8b\x08\x00" + b"\xff" * 40, 1000, URL)


def test_gzip_bomb_stops_at_the_cap_in_bounded_memory():
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as handle:
        for _ in range(200):
            handle.write(b"\0" * 1_000_000)  # 200 MB of zeros, ~200 KB compressed
    tracemalloc.start()
    try:
        with pytest.raises(SourceTooLargeError, match="larger than max_source_bytes"):
            decoded_body(answer(buffer.getvalue()), 5_000_000, "sitemap")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000


def test_plain_body_past_the_cap():
    with pytest.raises(SourceTooLargeError):
        decoded_body(answer(b" " * 101), 100, "feed")


@pytest.mark.parametrize("body", [b"", b"  \r\n\t ", gzip.compress(b"")])
def test_empty_body_is_an_error(body):
    with pytest.raises(SourceFormatError, match=r"empty body, not a feed \(HTTP 200\)"):
        decoded_body(answer(body), 1000, "feed")


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Page not found</body></html>",
        b"\xef\xbb\xbf\n  <html lang='en'><head></head></html>",
        b'<?xml version="1.0"?>\n<!-- soft 404 -->\n<!doctype HTML><html></html>',
        gzip.compress(b"<html><body>Login</body></html>"),
        b"<meta charset=utf-8><title>Not found</title><p>Gone",  # <html>, <head> left out
        b"\n<head><title>404</title></head><body></body>",
        b"<BODY>Sign in</BODY>",
        b"<script>location='/login'</script>",
    ],
)
def test_html_page_is_an_error(body):
    with pytest.raises(SourceFormatError, match=r"an HTML page, not a sitemap.*text/html"):
        decoded_body(answer(body, "text/html"), 10_000, "sitemap")


def test_html_elements_inside_a_feed_are_not_a_page():
    body = b'<rss version="2.0"><channel><description><html>x</html></description></channel></rss>'
    assert decoded_body(answer(body), 10_000, "feed") == body


def test_a_304_is_judged_by_the_validators_sent_not_those_stored():
    sent: list[dict[str, str]] = []

    def fetch(url, headers):
        sent.append(dict(headers))
        return SourceResponse(url, 304, {}, b"")

    unsendable = Validators(etag='"caf\xe9"')  # stored by an older version, never sent
    with pytest.raises(FetchError) as raised:
        read_document(fetch, URL, unsendable, "sitemap", 10_000)
    assert str(raised.value) == f"{URL}: 304 Not Modified to a request without validators"
    assert raised.value.status_code == 304 and sent == [{}]
    assert read_document(fetch, URL, Validators(etag='"v1"'), "sitemap", 10_000)[1] is None


def test_a_sites_page_given_as_its_feed_names_the_feed_it_announces():
    page = (
        b"<!DOCTYPE html><html><head><link rel=stylesheet href=/s.css>"
        b"<link rel='alternate' type='application/atom+xml' title='Comments' href='/c.atom'>"
        b'<LINK TYPE="application/rss+xml" REL="Alternate" href="/feed/?lang=en&amp;x=1">'
        b"</head></html>"
    )
    with pytest.raises(SourceFormatError) as raised:
        decoded_body(answer(page, "text/html"), 10_000, "feed")
    assert str(raised.value).endswith(
        "an HTML page, not a feed (HTTP 200, Content-Type text/html); the page names its feed:"
        " https://site.example/c.atom"
    )
    rss_only = page.replace(b"application/atom+xml", b"text/css")
    with pytest.raises(
        SourceFormatError, match=r"names its feed: https://site\.example/feed/\?lang=en&x=1$"
    ):
        decoded_body(answer(rss_only, "text/html"), 10_000, "feed")
    bare = b"<html><head><title>Not found</title></head></html>"
    with pytest.raises(SourceFormatError, match=r"text/html\)$"):
        decoded_body(answer(bare, "text/html"), 10_000, "feed")
