"""Pages and child sitemaps listed by a sitemap, in every form the protocol allows.

- XML: ``<urlset>`` and ``<sitemapindex>`` in any namespace (sitemaps.org with or without
  a trailing slash, https, Google's 0.84, none). An entry's ``<loc>`` must be in the entry's
  own namespace, so ``<image:loc>`` or ``<video:player_loc>`` are never taken for pages. The
  kind of an entry decides, not the root: a ``<sitemap>`` inside a ``<urlset>`` is a child.
- RSS, Atom and JSON feeds used as sitemaps (read by ``feeds.parse_feed``).
- Plain text: one absolute URL a line; robots.txt ``Sitemap:`` lines name children.
- What generators get wrong: blank lines or a byte-order mark before ``<?xml``, UTF-16, and
  (``xml_repair``, only once a strict parse stopped on them) bare ``&``, HTML entities such
  as ``&nbsp;``, and a charset other than the UTF-8 the protocol asks for.

XML is read with lxml's pull parser and each entry is dropped once read, so a 50 MB sitemap
never becomes a 50,000-element tree. The parse is strict: an entry counts only when its
closing tag was read, so a truncated file never yields a half-written ``…/page_``; entries
before a syntax error are kept and the error is reported with them. Entities are not
resolved and nothing is loaded from the network (no XXE, no billion laughs).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .errors import SourceFormatError, one_line
from .feeds import is_json_feed, parse_feed, unique
from .listings import ChildRef
from .urls import resolve_link
from .xml_repair import (
    XML_DECL_RE,
    declared_prefixes,
    honest_declaration,
    repaired_xml,
    undeclared_prefix_used,
)

SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
ENTRY_KINDS = frozenset({"url", "sitemap"})
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
LATE_DECLARATION_RE = re.compile(rb"<\?xml\s+version\s*=")  # not <?xml-stylesheet
TEXT_URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
# A <loc> names a scheme, a host (//host/x) or a path from the root; a bare word such as
# "None" (a generator's bug) is not a page.
LOC_FORM_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|/")
ROBOTS_SITEMAP_RE = re.compile(r"^[ \t]*site-?map[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class SitemapDoc:
    """What one sitemap document lists. ``error`` is set when the document broke off after
    the entries kept here (truncated or malformed XML)."""

    pages: list[str] = field(default_factory=list)
    children: list[ChildRef] = field(default_factory=list)
    error: str | None = None


def parse_sitemap(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> SitemapDoc:
    """Pages and children of a sitemap (XML, feed or text) read from ``url``.

    ``body`` is the decoded document. Raises ``SourceFormatError`` when it lists nothing
    because it is not a sitemap (or broke off before its first entry).
    """
    if body.startswith(UTF16_BOMS):  # libxml2 reads it, but the offsets of errors are bytes
        text = body.decode("utf-16", "replace").lstrip()
        body = XML_DECL_RE.sub(b"", text.encode("utf-8"), count=1)
    if is_json_feed(body):
        return SitemapDoc(pages=parse_feed(body, url, headers))
    start = honest_declaration(from_the_declaration(body))
    if start.startswith(b"<"):
        return _parse_xml(start, url, headers or {})
    return _parse_text(body, url)


def from_the_declaration(body: bytes) -> bytes:
    """``body`` from its XML declaration on, when something came first that makes the
    declaration an XML error: blank lines from a template, a byte-order mark, a comment, a
    PHP warning printed before the sitemap (``<b>Warning</b>: … on line 3<br />``)."""
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<?xml"):
        return start
    late = LATE_DECLARATION_RE.search(start, 0, 4096)
    return start[late.start() :] if late else start


@dataclass
class _XmlRead:
    """What one strict parse of a sitemap read, and the syntax error it stopped at."""

    doc: SitemapDoc = field(default_factory=SitemapDoc)
    root: str | None = None
    junk: list[str | None] = field(default_factory=list)
    failure: etree.XMLSyntaxError | None = None


def _parse_xml(body: bytes, url: str, headers: Mapping[str, str]) -> SitemapDoc:
    """A strict parse; where it stops on a stray ``&``, an HTML entity or the wrong
    charset, a strict parse of the repaired copy (``xml_repair``) from its start. Prefixes
    used but never declared are declared first: libxml2 fails on them only at the end."""
    if undeclared_prefix_used(body):
        body = declared_prefixes(body)
    read = _read_xml(body, url, headers)
    if read.failure is not None and (repaired := repaired_xml(body, headers)) is not None:
        read = _read_xml(repaired, url, headers)
    return _finish(read, url)


def _read_xml(body: bytes, url: str, headers: Mapping[str, str]) -> _XmlRead:
    read = _XmlRead()
    try:
        for kind, loc, lastmod in _xml_entries(body):
            if kind == "root":
                read.root = loc
                if loc in FEED_ROOTS:
                    read.doc.pages = parse_feed(body, url, headers)
                    return read
                if loc not in SITEMAP_ROOTS:
                    raise SourceFormatError(f"{url}: not a sitemap (root element <{loc}>)")
                continue
            link = loc_link(loc, url)
            if link is None:
                read.junk.append(loc)
            elif kind == "url":
                read.doc.pages.append(link)
            else:
                read.doc.children.append(ChildRef(link, lastmod))
    except etree.XMLSyntaxError as exc:
        read.failure = exc
    return read


def _finish(read: _XmlRead, url: str) -> SitemapDoc:
    """The document read, each URL once; an error when it lists nothing."""
    doc, exc = read.doc, read.failure
    if exc is not None:
        entries = len(doc.pages) + len(doc.children)
        if read.root is None or not entries:
            raise SourceFormatError(f"{url}: not a sitemap (invalid XML: {one_line(exc)})")
        doc.error = f"{url}: XML broken off after {entries} entries ({one_line(exc)})"
    if read.junk and not doc.pages and not doc.children:
        raise SourceFormatError(f"{url}: no entry has a URL in <loc> (first: {read.junk[0]!r})")
    doc.pages = unique(doc.pages)
    doc.children = list({child.url: child for child in doc.children}.values())
    return doc


PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "recover": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _xml_entries(body: bytes) -> Iterator[tuple[str, str | None, str | None]]:
    """``("root", local name, None)`` first, then ``(kind, loc, lastmod)`` of each closed
    ``<url>`` or ``<sitemap>`` entry directly under a sitemap root (in the root's namespace).

    Only the entries raise Python-level events (``tag=``): the news, image and video blocks
    inside them are read by libxml2 alone, and each entry is dropped once read.
    """
    _, first = next(_events(body, ("start",)))
    root = _root_name(first.tag)
    yield "root", root.localname.lower(), None
    if root.localname.lower() not in SITEMAP_ROOTS:
        return
    # XML names are case-sensitive; a generator that wrote <URLSET> wrote <URL> and <LOC>.
    case = str.upper if root.localname.isupper() else str
    prefix = f"{{{root.namespace}}}" if root.namespace else ""
    for _, element in _events(body, ("end",), [prefix + case(kind) for kind in ENTRY_KINDS]):
        parent = element.getparent()
        if parent is None or parent.getparent() is not None:  # not directly under the root
            continue
        yield (
            etree.QName(element).localname.lower(),
            _child_text(element, root.namespace, case("loc")) or _bare_url(element),
            _child_text(element, root.namespace, case("lastmod")),
        )
        element.clear()
        while element.getprevious() is not None:
            del parent[0]


FEED_BYTES = 1 << 16


def _events(
    body: bytes, events: tuple[str, ...], tag: list[str] | None = None
) -> Iterator[tuple[str, Any]]:
    """The parser's events over ``body``, fed a piece at a time; at a syntax error, the
    events before it (``_before_the_error``), then the error. (``iterparse`` of lxml 6.2
    raises the error of a document with extra content after its end before any event: a
    sitemap with a cut copy appended lost every entry.)"""
    parser = etree.XMLPullParser(events=events, tag=tag, **PARSER_OPTIONS)
    closed: Counter[str] = Counter()
    try:
        for start in range(0, len(body), FEED_BYTES):
            parser.feed(body[start : start + FEED_BYTES])
            for event, element in parser.read_events():
                closed[element.tag] += event == "end"
                yield event, element
        parser.close()
    except etree.XMLSyntaxError as exc:
        yield from _before_the_error(parser.read_events(), body, exc, closed)
        raise
    yield from parser.read_events()


def _before_the_error(
    events: Iterator[tuple[str, Any]], body: bytes, exc: etree.XMLSyntaxError, closed: Counter
) -> Iterator[tuple[str, Any]]:
    """The events up to a syntax error. lxml 6.2 also ends each element the error cut off,
    as if closed: an end event is kept only while the bytes before the error hold as many
    end tags of that element as there were such events."""
    head = body[: _error_offset(body, exc)]
    written: dict[str, int] = {}
    for event, element in events:
        if event == "end":
            if element.tag not in written:
                written[element.tag] = _end_tags(head, etree.QName(element))
            if closed[element.tag] >= written[element.tag]:
                continue
            closed[element.tag] += 1
        yield event, element


_NOT_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)


def _end_tags(head: bytes, name: etree.QName) -> int:
    """How many end tags of ``name`` ``head`` holds: unprefixed where its namespace is the
    default one, else under a prefix bound to it (not in comments or CDATA)."""
    text = _NOT_MARKUP.sub(b"", head)
    namespace = re.escape((name.namespace or "").encode())
    prefixes = re.findall(rb"xmlns:([\w.-]+)\s*=\s*[\"']" + namespace + rb"[\"']", text)
    options = [re.escape(prefix) + b":" for prefix in prefixes]
    if not name.namespace or re.search(rb"xmlns\s*=\s*[\"']" + namespace + rb"[\"']", text):
        options.append(b"")
    if not options:
        return 0
    local = re.escape(name.localname.encode())
    return len(re.findall(rb"</(?:" + b"|".join(options) + rb")" + local + rb"\s*>", text))


def _error_offset(body: bytes, exc: etree.XMLSyntaxError) -> int:
    """Where in ``body`` the error is: libxml2 gives a line and a column in characters
    (a byte that is not UTF-8 counts as one)."""
    line, column = exc.position
    start = _line_start(body, line)
    end = body.find(b"\n", start)
    text = body[start : len(body) if end < 0 else end].decode("utf-8", "replace")
    return start + len(text[: max(column, 0)].encode("utf-8", "replace"))


def _line_start(body: bytes, line: int) -> int:
    """Where line ``line`` (1-based, as libxml2 counts) starts in ``body``."""
    at = 0
    for _ in range(line - 1):
        at = body.find(b"\n", at) + 1
        if at == 0:
            return len(body)
    return at


def loc_link(loc: str | None, base: str) -> str | None:
    """The page or child a ``<loc>`` names, resolved against the sitemap's address."""
    return resolve_link(loc, base) if loc and LOC_FORM_RE.match(loc) else None


def _root_name(tag: str) -> etree.QName:
    """The root's name; an undeclared prefix (``rdf:RDF`` with its ``xmlns:rdf`` mangled)
    is the part after the colon, in no namespace."""
    try:
        return etree.QName(tag)
    except ValueError:
        return etree.QName(tag.rpartition("}")[2].rpartition(":")[2] or "_")


def _child_text(element: etree._Element, namespace: str | None, name: str) -> str | None:
    child = element.find(f"{{{namespace}}}{name}" if namespace else name)
    text = child.text if child is not None else None
    return text.strip() if text and text.strip() else None


def _bare_url(element: etree._Element) -> str | None:
    """The URL written as the entry's own text, ``<sitemap>https://…</sitemap>``, a
    generator's form without ``<loc>`` (only when the entry holds no element at all)."""
    text = (element.text or "").strip()
    return text if len(element) == 0 and TEXT_URL_RE.fullmatch(text) else None


def _parse_text(body: bytes, url: str) -> SitemapDoc:
    """A text sitemap (one absolute URL a line) or robots.txt (``Sitemap:`` lines)."""
    text = body.decode("utf-8", "replace")
    children = (resolve_link(m.group(1), url) for m in ROBOTS_SITEMAP_RE.finditer(text))
    doc = SitemapDoc(parse_url_list(text), [ChildRef(c) for c in unique(c for c in children if c)])
    if not doc.pages and not doc.children:
        raise SourceFormatError(f"{url}: not a sitemap (no XML, no URL lines, no Sitemap: lines)")
    return doc


def parse_url_list(text: str) -> list[str]:
    """One absolute http(s) URL a line, each once; blank lines, ``#`` comments and any
    other text are skipped (a text sitemap, or a ``urls`` source). A byte-order mark is not
    part of the first line (a list saved by Windows Notepad)."""
    lines = (line.strip() for line in text.removeprefix("\ufeff").splitlines())
    return unique(
        url for line in lines if TEXT_URL_RE.fullmatch(line) and (url := resolve_link(line))
    )
