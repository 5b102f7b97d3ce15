"""Where the worker finds new articles: feeds, sitemaps and local URL lists.

``poll_source`` returns the article URLs a source lists now, plus what to remember for the
next poll (ETag / Last-Modified for conditional GETs, the file's mtime for URL lists).
Pure parsing (``parse_feed``, ``parse_sitemap``, ``parse_url_list``) is separate from I/O.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import Source
from .errors import FetchError
from .http import Exchange, Http

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAP_DEPTH = 3


@dataclass
class SourceState:
    """What is remembered between polls of one source."""

    etag: str | None = None
    last_modified: str | None = None
    mtime: float | None = None


@dataclass
class PollResult:
    urls: list[str] = field(default_factory=list)
    state: SourceState = field(default_factory=SourceState)
    unchanged: bool = False


def is_article_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def parse_feed(body: bytes) -> list[str]:
    """Article links of an RSS 0.9x/1.0 (RDF)/2.0 or Atom feed, in feed order."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise ValueError(f"not a feed ({reason})" if reason else "not a feed")
    urls = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"),
            None,
        )
        if link and is_article_url(link):
            urls.append(link.strip())
    return urls


def parse_sitemap(body: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index (news sitemaps too)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a sitemap ({exc})") from None
    if root is None or not str(root.tag).endswith(("urlset", "sitemapindex")):
        raise ValueError("not a sitemap (no <urlset> or <sitemapindex>)")
    locs = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc", "loc")]
    locs = [loc for loc in locs if is_article_url(loc)]
    if str(root.tag).endswith("sitemapindex"):
        return [], locs
    return locs, []


def parse_url_list(text: str) -> list[str]:
    """One URL per line; blank lines and ``#`` comments are skipped."""
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and is_article_url(line):
            urls.append(line)
    return urls


def _get(http: Http, url: str, headers: dict[str, str]) -> Exchange:
    """A GET through the HTTP layer (bounded, retried, throttled, recorded); an HTTP error
    status is raised as ``FetchError``, a 304 comes back with its empty body."""
    exchange = http.get(url, headers=headers)
    if exchange.status_code >= 400:
        status = exchange.status_code
        raise FetchError(f"{url}: HTTP {status}", url=url, status_code=status)
    return exchange


def poll_source(http: Http, source: Source, state: SourceState) -> PollResult:
    """The article URLs a source lists now. Raises ``FetchError`` or ``ValueError``."""
    if source.type == "urls":
        return _poll_url_list(http, source, state)
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    exchange = _get(http, source.url or "", headers)
    response, body = exchange.response, exchange.body
    new_state = SourceState(
        response.headers.get("etag") or state.etag,
        response.headers.get("last-modified") or state.last_modified,
    )
    if response.status_code == 304:
        return PollResult([], new_state, unchanged=True)
    if source.type == "feed":
        return PollResult(parse_feed(body), new_state)
    return PollResult(_walk_sitemaps(http, body), new_state)


def _walk_sitemaps(http: Http, body: bytes) -> list[str]:
    pages, children = parse_sitemap(body)
    seen: set[str] = set()
    depth = 0
    while children and depth < MAX_SITEMAP_DEPTH:
        depth += 1
        next_children: list[str] = []
        for child in children:
            if child in seen:
                continue
            seen.add(child)
            child_body = _get(http, child, {}).body
            child_pages, grandchildren = parse_sitemap(child_body)
            pages += child_pages
            next_children += grandchildren
        children = next_children
    return pages


def _poll_url_list(http: Http, source: Source, state: SourceState) -> PollResult:
    if source.path:
        path = Path(source.path)
        try:
            mtime = os.stat(path).st_mtime
        except OSError as exc:
            raise ValueError(f"{path}: cannot read URL list ({exc.strerror})") from None
        if state.mtime is not None and mtime == state.mtime:
            return PollResult([], SourceState(mtime=mtime), unchanged=True)
        text = path.read_text(encoding="utf-8", errors="replace")
        return PollResult(parse_url_list(text), SourceState(mtime=mtime))
    body = _get(http, source.url or "", {}).body
    return PollResult(parse_url_list(body.decode("utf-8", "replace")), SourceState())
