"""Article links of a feed: RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0, CDF and JSON Feed.

feedparser reads XML feeds. It is always handed a stream, never the body itself: given
bytes or a string that look like a path or a URL, ``feedparser.parse`` opens that file or
fetches that address (a server answering ``/dev/zero`` would make it read forever). It is
also told the response's URL and headers, so relative links resolve against the feed's
address (and ``xml:base``, scoped per item), and the HTTP charset applies to a feed without
an XML declaration. JSON Feed (jsonfeed.org), which feedparser does not read, is parsed here.
"""

from __future__ import annotations

import io
import json
import xml.sax
from collections.abc import Iterator, Mapping
from urllib.parse import urljoin

from .errors import SourceFormatError
from .urls import resolve_link

# The response headers feedparser uses: the charset, the language and the base address.
FEED_HEADERS = ("content-type", "content-language", "content-location")
JSON_FEED_VERSION = "https://jsonfeed.org/version/"


def feed_headers(url: str, headers: Mapping[str, str]) -> dict[str, str]:
    """The response headers to give feedparser, with ``content-location`` made absolute.

    The base of relative links is the response's ``Content-Location`` resolved against its
    URL, else the URL itself. A Content-Type that names no text (``application/gzip`` for a
    compressed file) is left out, so the document's own declaration decides the charset.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    chosen = {name: lowered[name] for name in FEED_HEADERS if lowered.get(name)}
    chosen["content-location"] = _join(url, chosen.get("content-location", ""))
    media_type = chosen.get("content-type", "").split(";")[0].strip().lower()
    if media_type and not (media_type.startswith("text/") or "xml" in media_type):
        del chosen["content-type"]
    return chosen


def _join(url: str, link: str) -> str:
    """``link`` resolved against ``url``; ``url`` itself when ``link`` does not parse (a
    server's ``http://[x`` must not cost the feed)."""
    try:
        return urljoin(url, link)
    except ValueError:
        return url


def parse_feed(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> list[str]:
    """Article URLs of a feed in feed order (as article identities, duplicates kept once).

    ``url`` is the address the feed was read from (after redirects). Raises
    ``SourceFormatError`` for a document that is not a feed, or so broken that it lists
    nothing, such as a feed cut off in its first item (a well-formed feed with no items is
    fine).
    """
    if is_json_feed(body):
        return unique(parse_json_feed(body, url))
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=feed_headers(url, headers or {}),
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    broken = isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)  # not well-formed
    if not parsed.entries and (broken or not parsed.get("version")):
        reason = parsed.get("bozo_exception")
        raise SourceFormatError(f"{url}: not a feed" + (f" ({reason})" if reason else ""))
    base = feed_headers(url, headers or {})["content-location"]
    urls = unique(
        link for entry in parsed.entries if (link := resolve_link(entry_link(entry), base))
    )
    if broken and not urls:
        reason = parsed.get("bozo_exception")
        raise SourceFormatError(f"{url}: not a well-formed feed ({reason}), no link read")
    return urls


def entry_link(entry: Mapping) -> str | None:
    """An entry's article link: its ``link``, else its first alternate (or untyped) link."""
    if entry.get("link"):
        return str(entry["link"])
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def is_json_feed(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b"jsonfeed.org/version" in body[:4096].replace(b"\\/", b"/")


def parse_json_feed(body: bytes, url: str) -> Iterator[str]:
    """Item URLs of a JSON Feed 1.x: ``url`` (the permalink), else ``external_url``."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SourceFormatError(f"{url}: not a JSON feed ({exc})") from None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise SourceFormatError(f"{url}: not a JSON feed (no items list)")
    base = document.get("feed_url") if isinstance(document.get("feed_url"), str) else url
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        resolved = resolve_link(link, _join(url, base)) if isinstance(link, str) else None
        if resolved:
            yield resolved


def unique(urls: Iterator[str] | list[str]) -> list[str]:
    """``urls`` in order, each once."""
    return list(dict.fromkeys(urls))
