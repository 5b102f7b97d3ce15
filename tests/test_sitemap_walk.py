"""Walking sitemap indexes (unit level, an in-memory site as the fetch): a failing child
keeps its siblings, children revalidate on their own validators, the walk is bounded."""

from __future__ import annotations

import gzip
import os
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest

from archiver.config import Source
from archiver.errors import FetchError, SourceError
from archiver.listings import KnownChild, Listing, SourceLimits, SourceResponse, Validators
from archiver.sitemap_walk import parse_lastmod, reading_order
from archiver.sources import poll_source

SITE = "https://site.example"


def urlset(*paths: str) -> bytes:
    entries = "".join(f"<url><loc>{SITE}{p}</loc></url>" for p in paths)
    return (
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()
    )


def index(*children: str | tuple[str, str]) -> bytes:
    entries = ""
    for child in children:
        path, lastmod = child if isinstance(child, tuple) else (child, None)
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        entries += f"<sitemap><loc>{SITE}{path}</loc>{extra}</sitemap>"
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


class FakeSite:
    """Documents by path, each with an ETag (its version); answers 304 to a matching
    If-None-Match and 404 to unknown paths. Records every request."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = dict(documents)
        self.versions = dict.fromkeys(documents, 1)
        self.requests: list[tuple[str, dict[str, str]]] = []

    def change(self, path: str, body: bytes) -> None:
        self.documents[path] = body
        self.versions[path] = self.versions.get(path, 0) + 1

    def __call__(self, url: str, headers: Mapping[str, str]) -> SourceResponse:
        self.requests.append((url, dict(headers)))
        path = url.removeprefix(SITE)
        if path not in self.documents:
            raise FetchError(f"{url}: HTTP 404", url=url, status_code=404)
        etag = f'"{path}-v{self.versions.get(path, 1)}"'
        if headers.get("If-None-Match") == etag:
            return SourceResponse(url, 304, {"ETag": etag}, b"")
        return SourceResponse(url, 200, {"ETag": etag}, self.documents[path])

    def paths(self) -> list[str]:
        return [url.removeprefix(SITE) for url, _ in self.requests]


class Archive:
    """What the worker keeps between polls: the root's validators and the known children."""

    def __init__(self) -> None:
        self.root = Validators()
        self.known: dict[str, KnownChild] = {}
        self.listings: list[Listing] = []

    def record(self, listing: Listing) -> None:
        self.listings.append(listing)
        if listing.parent is not None and listing.outcome != "failed":
            old = self.known[listing.url]
            self.known[listing.url] = KnownChild(
                old.url, old.parent, old.depth, old.lastmod, listing.validators, listing.read_at
            )
        for child in listing.children or []:
            old = self.known.get(child.url)
            self.known[child.url] = KnownChild(
                child.url,
                listing.url,
                listing.depth + 1,
                child.lastmod,
                old.validators if old else Validators(),
                old.read_at if old else None,
            )

    def poll(self, site: FakeSite, **limits):
        self.listings = []
        result = poll_source(
            site,
            Source("s", "sitemap", f"{SITE}/index.xml"),
            self.root,
            known=self.known,
            limits=SourceLimits(**limits),
            on_listing=self.record,
        )
        self.root = result.root.validators
        return result

    def urls(self) -> list[str]:
        return [url for listing in self.listings for url in listing.urls]


def test_one_missing_child_keeps_its_siblings():
    site = FakeSite(
        {
            "/index.xml": index("/a.xml", "/gone.xml", "/b.xml.gz", "/c.xml"),
            "/a.xml": urlset("/a1", "/a2"),
            "/b.xml.gz": gzip.compress(urlset("/b1")),
            "/c.xml": b"<html><body>Soft 404</body></html>",
        }
    )
    archive = Archive()
    result = archive.poll(site)
    assert sorted(archive.urls()) == [f"{SITE}/a1", f"{SITE}/a2", f"{SITE}/b1"]
    assert result.children_read == 4 and result.urls_seen == 3
    assert len(result.child_errors) == 2
    assert result.error.startswith("2 child sitemaps failed (the others were read); first: ")
    failed = {listing.url: listing.error for listing in archive.listings if listing.error}
    assert "HTTP 404" in failed[f"{SITE}/gone.xml"]
    assert "an HTML page" in failed[f"{SITE}/c.xml"]


def test_index_304_still_revalidates_each_child_on_its_own_etag():
    site = FakeSite(
        {
            "/index.xml": index("/a.xml", "/b.xml"),
            "/a.xml": urlset("/a1"),
            "/b.xml": urlset("/b1"),
        }
    )
    archive = Archive()
    archive.poll(site)
    site.requests.clear()
    site.change("/b.xml", urlset("/b1", "/b2"))  # the index itself is unchanged
    result = archive.poll(site)
    assert result.unchanged
    assert archive.urls() == [f"{SITE}/b1", f"{SITE}/b2"]
    assert [h.get("If-None-Match") for _, h in site.requests] == [
        '"/index.xml-v1"',
        '"/a.xml-v1"',
        '"/b.xml-v1"',
    ]
    outcomes = {listing.url: listing.outcome for listing in archive.listings}
    assert outcomes == {
        f"{SITE}/index.xml": "unchanged",
        f"{SITE}/a.xml": "unchanged",
        f"{SITE}/b.xml": "read",
    }


def test_children_whose_lastmod_predates_our_last_read_are_not_requested():
    site = FakeSite(
        {
            "/index.xml": index(("/old.xml", "2020-01-01T00:00:00Z"), "/undated.xml"),
            "/old.xml": urlset("/o1"),
            "/undated.xml": urlset("/u1"),
        }
    )
    archive = Archive()
    archive.poll(site)
    site.requests.clear()
    site.change(
        "/index.xml",
        index(("/old.xml", "2020-01-01T00:00:00Z"), ("/new.xml", "2099-01-01"), "/undated.xml"),
    )
    site.documents["/new.xml"] = urlset("/n1")
    archive.poll(site)
    assert site.paths() == ["/index.xml", "/new.xml", "/undated.xml"]
    assert archive.urls() == [f"{SITE}/n1"]


def test_a_lastmod_newer_than_our_read_is_requested():
    site = FakeSite({"/index.xml": index(("/a.xml", "2020-01-01")), "/a.xml": urlset("/a1")})
    archive = Archive()
    archive.poll(site)
    site.change("/index.xml", index(("/a.xml", "2999-01-01")))
    site.change("/a.xml", urlset("/a1", "/a2"))
    site.requests.clear()
    archive.poll(site)
    assert site.paths() == ["/index.xml", "/a.xml"]
    assert archive.urls() == [f"{SITE}/a1", f"{SITE}/a2"]


def nested_site(fanout: int) -> FakeSite:
    """An index of indexes, unboundedly deep: /n/<path>.xml lists ``fanout`` children."""

    class Deep(FakeSite):
        def __call__(self, url, headers):
            path = url.removeprefix(SITE)
            if path not in self.documents and path.startswith("/n"):
                stem = path.removesuffix(".xml")
                self.documents[path] = index(*(f"{stem}-{i}.xml" for i in range(fanout)))
                self.versions[path] = 1
            return super().__call__(url, headers)

    return Deep({"/index.xml": index(*(f"/n{i}.xml" for i in range(fanout)))})


def test_depth_is_bounded():
    site = nested_site(2)
    result = Archive().poll(site, max_depth=3, max_children=1000)
    depths = [p.count("-") + 1 for p in site.paths()[1:]]
    assert max(depths) == 3 and len(site.requests) == 1 + 2 + 4 + 8
    assert result.too_deep == 16 and result.deferred == 0


def test_children_per_poll_are_bounded_and_the_rest_deferred():
    site = nested_site(10)
    result = Archive().poll(site, max_children=25)
    assert len(site.requests) == 1 + 25
    assert result.children_read == 25 and result.deferred > 0


def test_a_stop_ends_the_walk_before_the_next_request():
    site = FakeSite({"/index.xml": index(*(f"/c{i}.xml" for i in range(50)))})
    for i in range(50):
        site.documents[f"/c{i}.xml"] = urlset(f"/p{i}")
    stop_after = 3
    result = Archive().poll(site, should_stop=lambda: len(site.requests) > stop_after)
    assert len(site.requests) == 1 + stop_after
    assert result.children_read == stop_after and result.deferred == 50 - stop_after


def test_cycles_and_repeats_are_read_once():
    site = FakeSite(
        {
            "/index.xml": index("/a.xml", "/a.xml", "/index.xml"),
            "/a.xml": index("/index.xml", "/b.xml", "/a.xml"),
            "/b.xml": urlset("/b1"),
        }
    )
    archive = Archive()
    archive.poll(site)
    assert site.paths() == ["/index.xml", "/a.xml", "/b.xml"]
    assert archive.urls() == [f"{SITE}/b1"]


def test_reading_order_newest_first_then_never_read():
    from archiver.listings import ChildRef

    known = {
        f"{SITE}/read.xml": KnownChild(f"{SITE}/read.xml", "", 1, read_at="2026-01-01T00:00:00Z"),
    }
    children = [
        ChildRef(f"{SITE}/read.xml"),
        ChildRef(f"{SITE}/old.xml", "2001-01-01"),
        ChildRef(f"{SITE}/unread.xml"),
        ChildRef(f"{SITE}/new.xml", "2026-11-30T10:00:00+02:00"),
    ]
    assert [c.url.removeprefix(SITE) for c in reading_order(children, known)] == [
        "/new.xml",
        "/old.xml",
        "/unread.xml",
        "/read.xml",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-06T07:08:09Z", "2024-05-06T07:08:09+00:00"),
        ("2024-05-06T07:08:09+02:00", "2024-05-06T05:08:09+00:00"),
        ("2024-05-06T07:08:09.5-01:00", "2024-05-06T08:08:09.500000+00:00"),
        ("2024-05-06T07:08", "2024-05-06T07:08:00+00:00"),
        ("2024-05-06", "2024-05-06T23:59:59.999999+00:00"),
        ("2024-02", "2024-02-29T23:59:59.999999+00:00"),
        ("2024", "2024-12-31T23:59:59.999999+00:00"),
        (" 2024-05-06 ", "2024-05-06T23:59:59.999999+00:00"),
        ("yesterday", None),
        ("2024-13-01", None),
        ("9999-12-31", None),  # its last instant is out of range
        ("9999-12-31T23:59:59-05:00", None),  # in UTC, out of range (OverflowError)
        ("0001-01-01T00:00:00+05:00", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_lastmod(value, expected):
    parsed = parse_lastmod(value)
    assert (parsed.isoformat() if parsed else None) == expected


def test_a_validator_that_cannot_be_sent_back_is_not_kept():
    """``ETag: "caf\\xe9"`` (read as Latin-1) was stored, then every later request of the
    source failed to encode it: the source was never read again."""
    kept = Validators('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    answer = {"ETag": '"caf\xe9"', "Last-Modified": "Tue, 02 Jan 2024 00:00:00 GMT"}
    updated = kept.updated(answer)
    assert updated == Validators(None, "Tue, 02 Jan 2024 00:00:00 GMT")
    assert kept.updated({}) == kept and kept.updated({"etag": ""}) == kept
    stored_before = Validators('"caf\xe9"', "Tue,\n 02 Jan")  # as an older version kept them
    assert stored_before.request_headers() == {}
    assert updated.request_headers() == {"If-Modified-Since": "Tue, 02 Jan 2024 00:00:00 GMT"}
    httpx.Request("GET", "http://127.0.0.1/feed", headers=updated.request_headers())


@pytest.mark.parametrize("kind", ["pipe", "device", "too big"])
def test_a_url_list_source_that_is_not_a_small_regular_file_is_one_error(tmp_path, kind):
    """A named pipe held the worker (SIGTERM could not stop it); /dev/zero filled the memory."""
    path = tmp_path / "urls.txt"
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        path.write_text("https://news.example/a\n" * 100, encoding="utf-8")
    source = Source("list", "urls", None, str(path))
    with pytest.raises(SourceError) as raised:
        poll_source(lambda url, headers: None, source, Validators(), limits=SourceLimits(1000))
    reason = "larger than 1,000 bytes" if kind == "too big" else "not a regular file"
    assert str(raised.value).startswith(f"{path}: cannot read URL list ({reason}")


def test_a_url_list_line_that_is_not_utf8_is_left_out_and_named(tmp_path):
    """Read with U+FFFD in place of its byte, a Latin-1 line was queued as another URL."""
    path = tmp_path / "urls.txt"
    path.write_bytes(
        b"https://news.example/a\nhttps://news.example/caf\xe9\nhttps://news.example/b\n"
    )
    source = Source("list", "urls", None, str(path))
    result = poll_source(lambda url, headers: None, source, Validators())
    assert result.root.urls == ["https://news.example/a", "https://news.example/b"]
    assert result.error == f"{path}: 1 line(s) not UTF-8, left out (first: line 2)"
