"""Article links of a feed: RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0, CDF and JSON Feed.

feedparser reads XML feeds. It is always handed a stream, never the body itself: given
bytes or a string that look like a path or a URL, ``feedparser.parse`` opens that file or
fetches that address (a server answering ``/dev/zero`` would make it read forever). It is
also told the response's URL and headers, so relative links resolve against the feed's
address (and ``xml:base``, scoped per item), and the HTTP charset applies to a feed without
an XML declaration. JSON Feed (jsonfeed.org), which feedparser does not read, is parsed here.
Which of an entry's links is the article is decided here too (``entry_links``), not by
feedparser's ``link``.
"""

from __future__ import annotations

import io
import json
import re
import xml.sax
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from .errors import SourceFormatError, one_line
from .urls import resolve_link
from .xml_repair import honest_declaration, valid_references

# The response headers feedparser uses: the charset, the language and the base address.
FEED_HEADERS = ("content-type", "content-language", "content-location")
JSON_FEED_VERSION = "jsonfeed.org/version/"  # http: in drafts, https: since 1.0
# Link types that name the article itself; feedparser gives an untyped Atom link "".
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})
IANA_RELATIONS = "http://www.iana.org/assignments/relation/"
RDF_VERSIONS = frozenset({"rss090", "rss10"})
# Ad servers of the feed proxies: Pheedo inserted "Featured Advertiser" items linking
# ads.pheedo.com/click.phdo?s=…, FeedBurner's ads went through feedads.g.doubleclick.net.
AD_CLICK_HOSTS = frozenset({"ads.pheedo.com", "feedads.g.doubleclick.net"})
SITEMAP_ROOT_RE = re.compile(
    rb"(?:<\?xml[^>]*>|<!--.*?-->|\s)*<(?:[\w.-]+:)?(?:urlset|sitemapindex)\b", re.S
)


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
    nothing, such as a feed cut off in its first item, and for items none of which links
    to a web page: "0 URLs listed" would hide it (a well-formed feed with no items is fine).
    """
    if is_json_feed(body):
        items, urls = parse_json_feed(body, url)
    else:
        items, urls = _parse_xml_feed(body, url, headers or {})
    if items and not urls:  # a podcast's enclosures, tag: URIs, opaque guids
        raise SourceFormatError(f"{url}: {items} item(s), none with a link to a web page")
    return urls


def _parse_xml_feed(body: bytes, url: str, headers: Mapping[str, str]) -> tuple[int, list[str]]:
    """(how many items, their article URLs) of an RSS, RDF, Atom or CDF feed."""
    parsed = _feedparser(honest_declaration(body), url, headers)
    broken = isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)  # not well-formed
    if not parsed.entries and (broken or not parsed.get("version")):
        raise SourceFormatError(f"{url}: {_not_a_feed(body, parsed.get('bozo_exception'))}")
    base = feed_headers(url, headers)["content-location"]
    rdf = str(parsed.get("version", "")) in RDF_VERSIONS
    urls = unique(link for entry in parsed.entries if (link := entry_url(entry, base, rdf)))
    if broken and not urls:
        reason = parsed.get("bozo_exception")
        raise SourceFormatError(f"{url}: not a well-formed feed ({one_line(reason)}), no link read")
    return len(parsed.entries), urls


def _feedparser(body: bytes, url: str, headers: Mapping[str, str]) -> Any:
    """feedparser's reading of ``body``. Its lenient parser raises ``ValueError`` on a
    character reference past U+10FFFF (``&#x110000;``): such references are made U+FFFD
    and the feed read again. Any other failure of the parser is the feed's error."""
    import feedparser

    def parse(data: bytes) -> Any:
        return feedparser.parse(
            io.BytesIO(data),
            response_headers=feed_headers(url, headers),
            resolve_relative_uris=False,
            sanitize_html=False,
        )

    try:
        return parse(body)
    except ValueError:
        body = valid_references(body)
    except Exception as exc:  # a parser's bug on hostile bytes must not end the poll
        raise _parser_failed(url, exc) from None
    try:
        return parse(body)
    except Exception as exc:
        raise _parser_failed(url, exc) from None


def _parser_failed(url: str, exc: Exception) -> SourceFormatError:
    """feedparser's own failure (its lenient parser raises ``TypeError`` on an empty
    ``<width></width>`` in some broken feeds) as the feed's one-line error."""
    return SourceFormatError(
        f"{url}: not a feed (feedparser failed: {type(exc).__name__}: {one_line(exc)})"
    )


def _not_a_feed(body: bytes, reason: object) -> str:
    """Why ``body`` is not a feed, naming the source type that reads it when it is a
    sitemap (a sitemap configured as ``type = "feed"``)."""
    if SITEMAP_ROOT_RE.match(body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")):
        return 'a sitemap, not a feed (a source of type = "sitemap" reads it)'
    return "not a feed" + (f" ({one_line(reason)})" if reason else "")


def entry_url(entry: Mapping, base: str, rdf: bool = False) -> str | None:
    """The article an entry names, as an article identity: the first of its candidate
    links (``entry_links``) that is an http(s) URL. An advertiser's item, linking a feed
    proxy's ad server, names none."""
    for link in entry_links(entry, rdf):
        if resolved := resolve_link(link, base):
            return None if urlsplit(resolved).hostname in AD_CLICK_HOSTS else resolved
    return None


def entry_links(entry: Mapping, rdf: bool = False) -> Iterator[str]:
    """An entry's candidate article links, best first.

    - The publisher's own address behind a click-tracking proxy: FeedBurner's
      ``feedburner:origLink`` (and Pheedo's ``pheedo:origLink``), whose ``<link>`` is a
      ``feedproxy.google.com`` redirect; the same article read from a sitemap is then one.
    - The first alternate link of an HTML type (or none), in document order: feedparser's
      own ``link`` is the *last* such link, and a text-only ``<link>`` of another rel
      (``enclosure``) can take its place.
    - ``link`` (an RSS ``<link>``, or a ``<guid>`` that is a permalink), then any alternate.
    - In RSS 1.0 (RDF), the item's ``rdf:about``, which the spec makes its URI.
    """
    for key, value in entry.items():
        if key.endswith("_origlink") and isinstance(value, str):
            yield value
    alternates = [
        link for link in entry.get("links") or [] if _rel(link) == "alternate" and link.get("href")
    ]
    for link in alternates:
        if str(link.get("type") or "").split(";")[0].strip().lower() in HTML_TYPES:
            yield str(link["href"])
    if entry.get("link"):
        yield str(entry["link"])
    yield from (str(link["href"]) for link in alternates)
    if rdf and entry.get("id"):
        yield str(entry["id"])


def _rel(link: Mapping) -> str:
    """A link's relation as registered: absent is ``alternate``; the IANA IRI form
    (``http://www.iana.org/assignments/relation/alternate``) is the name (RFC 4287)."""
    rel = str(link.get("rel") or "alternate").strip().lower()
    return rel.removeprefix(IANA_RELATIONS)


def is_json_feed(body: bytes) -> bool:
    """True for a JSON document: an XML feed never starts with ``{``. Whether it is a JSON
    Feed is for ``parse_json_feed`` to say (its ``version`` may come after a long ``items``
    list: keys written in sorted order)."""
    return body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_json_feed(body: bytes, url: str) -> tuple[int, list[str]]:
    """(how many items, their URLs) of a JSON Feed 1.x: each item's ``url`` (the
    permalink), else its ``external_url``."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SourceFormatError(f"{url}: not a JSON feed ({one_line(exc)})") from None
    if not isinstance(document, dict) or JSON_FEED_VERSION not in _text(document.get("version")):
        raise SourceFormatError(f"{url}: not a JSON feed (no {JSON_FEED_VERSION}… version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceFormatError(f"{url}: not a JSON feed (no items list)")
    base = _join(url, _text(document.get("feed_url")))
    links = (
        resolve_link(_text(item.get("url")) or _text(item.get("external_url")), base)
        for item in items
        if isinstance(item, dict)
    )
    return len(items), unique(link for link in links if link)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def unique(urls: Iterator[str] | list[str]) -> list[str]:
    """``urls`` in order, each once."""
    return list(dict.fromkeys(urls))
