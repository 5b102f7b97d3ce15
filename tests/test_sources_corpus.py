"""Every real feed and sitemap of ``../shared/corpus/sources``, served over loopback to the
worker's poll (real HTTP, a real archive file), queues exactly the article links that an
independent parse finds, in the document's order: feedparser told the URL for feeds (with
the publisher's own link where a FeedBurner or Pheedo proxy hides it), a strict XML parse
(the standard library's, not lxml) for sitemaps.

The corpus' indexes name children on real hosts: every host but 127.0.0.1 is made
unreachable (a proxy on a closed port), so those children fail and list nothing.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import shared_corpus
import sqlite_utils
from source_server import Document, SourceSite

from archiver.config import Config, FetchConfig, Source
from archiver.urls import article_url
from archiver.worker import Worker

CORPUS = shared_corpus.CORPUS / "sources"
FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file()) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=shared_corpus.absent(CORPUS))
HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
TYPES = {
    ".json": "application/feed+json",
    ".html": "text/html",
    ".txt": "text/plain",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
}
TEXT_URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)


def served_headers(path: Path, raw: bytes) -> dict[str, str]:
    """The headers a feedparser test file declares (``Header:`` lines), else a usual type:
    gzip bytes go out as a plain ``application/gzip`` file, as static servers send them."""
    declared = {k.decode(): v.decode() for k, v in HEADER_RE.findall(raw[:2048])}
    if declared:
        return declared
    if raw.startswith(b"\x1f\x8b"):
        return {"Content-Type": "application/gzip"}
    return {"Content-Type": TYPES.get(path.suffix, "application/xml")}


def web_links(links) -> list[str]:
    """The http(s) links, as article identities, in order, each once."""
    return list(
        dict.fromkeys(
            article_url(link)
            for link in links
            if link and urlsplit(link).scheme in ("http", "https")
        )
    )


# What feedparser's ``link`` gets wrong, by the files' own description of themselves.
FEED_EXPECTED = {
    # "entry link no href, the alternate one should be prioritized": both entries name it
    "feedparser__wellformed_atom10_entry_link_no_href_link_priority.xml": [
        "http://www.example.com/alternate"
    ],
    # RSS 1.0: an item's rdf:about is its URI (here with no <link>)
    "feedparser__wellformed_rdf_rdf_item_rdf_about.xml": ["http://example.org/1"],
}


# Pheedo's "Featured Advertiser" items (nodefp__wapowellness.xml) are ads, not articles.
PHEEDO_ADS = "http://ads.pheedo.com/"


def original_link(entry) -> str | None:
    """The publisher's address behind a click-tracking proxy (``feedburner:origLink``,
    ``pheedo:origLink``), else the entry's link."""
    return entry.get("feedburner_origlink") or entry.get("pheedo_origlink") or entry.get("link")


def feed_links(body: bytes, url: str, headers: dict[str, str]) -> list[str]:
    """Independent: feedparser told the URL (Content-Location) and the response headers."""
    if body.lstrip().startswith(b"{"):
        items = json.loads(body).get("items", [])
        return web_links(urljoin(url, i.get("url") or i.get("external_url") or "") for i in items)
    told = {k.lower(): v for k, v in headers.items() if k.lower() != "content-type"}
    if "gzip" not in headers.get("Content-Type", ""):
        told["content-type"] = headers.get("Content-Type", "")
    told["content-location"] = urljoin(url, told.get("content-location", ""))
    parsed = feedparser.parse(io.BytesIO(body), response_headers=told)
    links = (original_link(entry) for entry in parsed.entries)
    return web_links(link for link in links if not (link or "").startswith(PHEEDO_ADS))


def sitemap_links(body: bytes, url: str, headers: dict[str, str]) -> list[str]:
    """Independent: a strict XML parse; entries count once closed; ``<loc>`` in the entry's
    namespace, a full http(s) URL as the protocol requires. Feeds and text as such."""
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        lines = (line.strip() for line in body.decode("utf-8", "replace").splitlines())
        return web_links(line for line in lines if TEXT_URL_RE.fullmatch(line))
    parser = ET.XMLPullParser(events=("start", "end"))
    parser.feed(body)
    pages: list[str] = []
    depth = 0
    try:
        for event, element in parser.read_events():
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1 and element.tag.split("}")[-1] in ("rss", "feed"):
                return feed_links(body, url, headers)
            namespace = element.tag[: element.tag.index("}") + 1] if "}" in element.tag else ""
            if event == "end" and depth == 1 and element.tag == f"{namespace}url":
                loc = (element.findtext(f"{namespace}loc") or "").strip()
                pages.append(loc if re.match(r"https?://", loc, re.IGNORECASE) else "")
    except ET.ParseError:
        pass  # entries closed before the error were read; the rest never will be
    return web_links(pages)


@pytest.fixture(scope="module")
def site():
    with SourceSite() as served:
        for path in FILES:
            raw = path.read_bytes()
            served.documents[f"/{path.parent.name}/{path.name}"] = Document(
                raw, served_headers(path, raw)
            )
        yield served


@pytest.fixture(scope="module", autouse=True)
def only_loopback():
    with pytest.MonkeyPatch.context() as env:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            env.setenv(name, "http://127.0.0.1:9")  # discard port: refused at once
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One archive for the module, emptied before each file (one migration run, not 116)."""
    return tmp_path_factory.mktemp("corpus") / "archive.db"


def poll_alone(archive: Path, source: Source) -> tuple[list[str], dict]:
    """Poll ``source`` into an archive emptied of articles: (queued URLs in the order they
    were queued, its source_state)."""
    db = sqlite_utils.Database(archive)
    if "articles" in db.table_names():
        with db.conn:
            for table in ("articles", "source_state", "sitemap_children"):
                db.execute(f"delete from {table}")
    config = Config(fetch=FetchConfig(timeout=5.0, per_host_delay=0.0, retries=0))
    Worker(str(archive), config).poll_source(source)
    queued = [row["url"] for row in db.query("select url from articles order by id")]
    state = next(db.query("select * from source_state"))
    db.close()
    return queued, state


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_queued_links_match_an_independent_parse(path, site, archive):
    kind = "feed" if path.parent.name == "feeds" else "sitemap"
    url = site.url(f"/{path.parent.name}/{path.name}")
    queued, state = poll_alone(archive, Source(path.name, kind, url))

    raw = path.read_bytes()
    body = gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw
    expected = (feed_links if kind == "feed" else sitemap_links)(
        body, url, served_headers(path, raw)
    )
    expected = FEED_EXPECTED.get(path.name, expected)
    assert queued == expected, state["last_error"]
    assert state["urls_seen"] >= len(expected)
    if kind == "sitemap" and re.search(rb"<sitemap>|^\s*site-?map\s*:", body, re.I | re.M):
        assert "child sitemap" in state["last_error"]  # on real hosts: unreachable here
    if not expected:  # nothing listed: said why, unless it is a well-formed empty feed
        assert state["last_error"] or b"<rss" in body or b"<feed" in body or b"<rdf:RDF" in body


def test_the_corpus_lists_hundreds_of_articles():
    """The comparison above is not vacuous: the independent parse finds many links."""
    total = 0
    for path in FILES:
        raw = path.read_bytes()
        body = gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw
        kind = feed_links if path.parent.name == "feeds" else sitemap_links
        total += len(kind(body, f"http://127.0.0.1/{path.name}", served_headers(path, raw)))
    assert total > 700


def test_every_child_sitemaps_lastmod_in_the_corpus_is_read_as_a_date():
    """The dates that decide which children a poll requests: each one an index writes is
    read (none taken for "no date", which would request the child every poll)."""
    from archiver.sitemap_walk import parse_lastmod
    from archiver.sitemaps import parse_sitemap

    written = []
    for path in FILES:
        raw = path.read_bytes()
        body = gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw
        if path.parent.name != "sitemaps" or b"<lastmod>" not in body or b"<sitemap>" not in body:
            continue
        children = parse_sitemap(body, f"http://127.0.0.1/{path.name}").children
        written += [(path.name, c.lastmod) for c in children if c.lastmod]
    assert len(written) >= 5
    assert [(name, lastmod) for name, lastmod in written if parse_lastmod(lastmod) is None] == []
