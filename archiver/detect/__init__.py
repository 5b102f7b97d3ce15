"""Detect embedded posts in a page: pure functions, bytes or text in, records out.

``find_posts`` is the entry point. A byte-level pre-filter looks for the literal markers
that every supported embed form writes into the page (``MARKERS``); a page with none of them
cannot hold an embed and is never decoded or parsed beyond its ``<head>``. UTF-16/32 pages,
whose markers are not ASCII bytes, are decoded before the check.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ..decode import decode, decode_with_encoding, head_info, page_info, sniff_encoding
from ..models import Embed, PageInfo
from ..urls import served_by_x
from .extracted_xml import as_text, is_extracted_xml, page_of
from .front_matter import blank_front_matter
from .pagebytes import PageBytes
from .prefilter import (
    ALL_SEARCHES,
    MARKERS,
    TEXT_MARKERS,
    PageHints,
    has_markers,
    slow_titles,
    survey,
    text_marker_count,
)
from .spans import LineSpans
from .text import find_text_embeds
from .text_doc import TextHit
from .text_marks import fenced_lines

if TYPE_CHECKING:  # the parser is imported on the first parse, so `archive --help` stays quick
    from .dom import Node
    from .hidden import Fragment
    from .local_frames import FrameNames

HTML_HINTS = (
    b"<html",
    b"<!doctype",
    b"<!DOCTYPE",
    b"<body",
    b"<head",
    b"<p>",
    b"<p ",
    b"<div",
    b"<blockquote",
    b"<iframe",
    b"<figure",
    b"<amp-twitter",
    b"<meta",
    b"<HTML",
    b"<BODY",
)
SENTINEL = "\ufffc"
SURROGATE_UTF8 = re.compile(rb"\xed[\xa0-\xbf]")  # a lone surrogate, as "surrogatepass" writes it
# A middle dot that is not UTF-8's (``\xc2\xb7``): windows-1252's or Latin-1's, whose card
# timestamps (``3:04 PM \xb7 Oct 7, 2025``) the pre-filter's UTF-8 markers miss. A text
# file holding one is surveyed again as the detector reads it, decoded (an HTML page is
# not: a second pass over every page, for a form the markup-rendering sites write in UTF-8).
SINGLE_BYTE_DOT = re.compile(rb"(?<!\xc2)\xb7")


class Detection(NamedTuple):
    """What a page is and the posts it embeds, in document order."""

    page: PageInfo
    embeds: list[Embed]
    # How many of the last embeds were read from the page's scripts (``json_markup``): they
    # follow the page's own whatever their place in it, so the page's last is before them.
    from_scripts: int = 0


def is_wide(data: bytes, content_type: str | None = None) -> bool:
    """True for UTF-16/UTF-32 pages (by byte-order mark or declared charset), whose ASCII
    markers are not ASCII bytes."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return True
    return bool(
        content_type and ("utf-16" in content_type.lower() or "utf-32" in content_type.lower())
    )


def looks_like_html(data: bytes | str) -> bool:
    sample = data[:8192] if isinstance(data, bytes) else data[:8192].encode("utf-8", "ignore")
    return any(hint in sample for hint in HTML_HINTS)


# Pandoc's Markdown keeps a page's ``data-tweet-id`` on a fenced div as ``tweet-id`` (it drops
# ``data-``): looked for in a text the pre-filter passed over, which has no room for one
# more marker (``prefilter.MAX_FAST_MARKERS``).
PANDOC_TWEET_ID = b'tweet-id="'


def find_posts(
    data: bytes | str,
    *,
    content_type: str | None = None,
    include_links: bool = False,
    html: bool | None = None,
    url: str | None = None,
    frames: FrameNames | None = None,
) -> Detection:
    """Every embedded post in a page (HTML or extracted text), in document order.

    ``html`` forces the input kind; by default it is sniffed from the content. ``url`` is
    where the page came from, when known: a page served by X itself is not an article.
    ``frames``: the post ID the local file a rendered post's frame shows names, by the
    frame's ``src`` (a page saved with its files); a frame nothing names is no embed.
    """
    wide = data if isinstance(data, bytes) and is_wide(data, content_type) else None
    if wide is not None:  # UTF-16/32: the byte markers need ASCII bytes
        data = decode(wide, content_type)
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if wide is None and (shown := blank_front_matter(raw)) is not raw:
        # A post's front matter is no part of the article (its bytes made spaces, in place).
        raw = shown
        data = raw if isinstance(data, bytes) else raw.decode("utf-8", "surrogatepass")
    if html is None:
        html = looks_like_html(raw) or bool(content_type and "html" in content_type)
    hints = survey(raw)
    if not hints.candidate and not html and SINGLE_BYTE_DOT.search(raw):
        hints = survey(decode(raw, content_type).encode("utf-8", "surrogatepass"))
    extracted = is_extracted_xml(raw)
    if not hints.candidate and not html and not extracted and slow_titles(raw):
        hints = hints._replace(text_forms=True, text_markers=None)
    if not hints.candidate and (html or extracted or PANDOC_TWEET_ID not in raw):
        if extracted:
            return Detection(page_of(decode(raw, content_type)), [])
        if not html:
            return Detection(PageInfo(), [])
        # A wide page was decoded: its head is read as text (``raw`` is its UTF-8 encoding,
        # which its declared charset does not describe).
        return Detection(page_info(data) if wide else head_info(raw, content_type), [])
    # Byte ranges index the bytes given (a str: its UTF-8 encoding).
    if isinstance(data, str):
        text = data
        declared = sniff_encoding(wide, content_type) if wide is not None else None
        source = PageBytes.wide(wide, raw, declared) if wide else PageBytes(raw, "utf-8")
    else:
        text, codec = decode_with_encoding(raw, content_type)
        source = PageBytes(raw, codec)
    if extracted:  # trafilatura's XML: its text, its links as Markdown's (no byte ranges)
        found = _from_text(as_text(text), include_links, None, hints)
        return Detection(page_of(text), [] if served_by_x(url) else found)
    if not html:
        return Detection(
            PageInfo(), [] if served_by_x(url) else _from_text(text, include_links, source, hints)
        )
    page = page_info(text)
    if served_by_x(url, page.canonical_url):
        return Detection(page, [])
    return Detection(page, *_from_html(text, raw, include_links, hints, source, frames))


def detect_or_fail(data: bytes | str, label: str, **options: Any) -> tuple[Detection, str | None]:
    """``find_posts(data, **options)``, or no embeds and the page's one-line error when a
    detector fails on it: a hostile page that breaks one is recorded, not raised, and the
    scan or crawl goes on (``label`` names the page)."""
    try:
        return find_posts(data, **options), None
    except Exception as exc:
        error = f"{label}: detection failed on this page ({type(exc).__name__})"
        return Detection(PageInfo(), []), error


def _text_embed(
    position: int,
    hit: TextHit,
    source: PageBytes | None = None,
    found: tuple[int, int] | None = None,
) -> Embed:
    """An embed of the text forms; its range is its lines, ``found`` (only in a text page:
    in HTML the lines were flattened from markup and have no range of their own)."""
    span = source.to_page(found) if source else None
    return Embed(
        position,
        hit.method,
        hit.status_id,
        hit.handle,
        hit.author,
        hit.text,
        hit.date,
        source.text(span) if source and span else hit.raw,
        hit.media,
        hit.date_text,
        **_range_fields(span, source),
    )


def _range_fields(span: tuple[int, int] | None, source: PageBytes | None) -> dict:
    """``raw_start``, ``raw_end`` and ``raw_sha256`` of an embed (None when not located)."""
    if span is None or source is None:
        return {"raw_start": None, "raw_end": None, "raw_sha256": None}
    return {"raw_start": span[0], "raw_end": span[1], "raw_sha256": source.digest(span)}


def _from_text(
    text: str, include_links: bool, source: PageBytes | None, hints: PageHints = ALL_SEARCHES
) -> list[Embed]:
    """The text forms, and the embed markup a text keeps as it is (Markdown allows raw HTML:
    a Jekyll or Hugo post pastes the publish markup between its paragraphs; in a fenced code
    block it is a code sample). A text form or link on the lines of a markup embed is part of
    that embed."""
    hits = find_text_embeds(text, include_links=include_links, plain=True)
    markup = _markup_in_text(text, source, hints)
    if markup and ("```" in text or "~~~" in text):
        code = fenced_lines(text.split("\n"))
        markup = [item for item in markup if item[0] not in code]
    items: list[tuple[int, Embed]] = [(first, embed) for first, _, embed in markup]
    lines = LineSpans(source.data) if source is not None else None
    for hit in hits:
        if not any(first <= hit.last_line and hit.first_line <= last for first, last, _ in markup):
            found = lines.span(*hit.lines) if lines is not None and hit.located else None
            if found is not None and source is not None and hit.columns is not None:
                found = source.part(found, hit.columns, hit.raw)
            items.append((hit.first_line, _text_embed(0, hit, source, found)))
    items.sort(key=lambda item: item[0])
    return [embed._replace(position=position) for position, (_, embed) in enumerate(items)]


# Embed markup a text may hold: its tags, or Blackbird Pie's card (``<p class='bbpTweet'>``,
# in posts of 2010-2011 kept as Markdown).
MARKUP_IN_TEXT = re.compile(
    rb"<(?:blockquote|iframe|amp-twitter|twitterwidget|figure)[\s>]"
    rb"|<p\s[^>]*class=[\"']?bbpTweet[\s\"'>]",
    re.I,
)


def _markup_in_text(
    text: str, source: PageBytes | None, hints: PageHints
) -> list[tuple[int, int, Embed]]:
    """(first line, last line, embed) of each embed written as markup in a text (located in
    its bytes; a UTF-16/32 text's markup is not read)."""
    if source is None or source.page is not None or not hints.markup:
        return []
    if not MARKUP_IN_TEXT.search(source.data):
        return []
    found, _ = _from_html(text, source.data, False, hints, source)
    return [
        (source.data.count(b"\n", 0, e.raw_start), source.data.count(b"\n", 0, e.raw_end), e)
        for e in found
        if e.method not in ("text", "link") and e.raw_start is not None and e.raw_end is not None
    ]


def _from_html(
    text: str,
    raw: bytes,
    include_links: bool,
    hints: PageHints,
    source: PageBytes | None,
    frames: FrameNames | None = None,
) -> tuple[list[Embed], int]:
    """The page's embeds in order, and how many of the last were read from its scripts."""
    from .dom import parse
    from .hidden import CDATA_OPENER, OEMBED_VARIABLE_MARKER, expand_hidden_markup, page_markers
    from .html import find_embeds
    from .json_markup import script_embeds
    from .script_props import props_embeds

    located = source
    held = page_markers(raw)
    if CDATA_OPENER in held:  # parsed and located as markup; the raw shows the page's bytes
        raw, text = _unwrap_cdata(raw, text, source)
        located = source._replace(data=raw) if source is not None else None
    root = parse(text, raw if _is_utf8_of(text, raw, source) else None)
    fragments = expand_hidden_markup(root, OEMBED_VARIABLE_MARKER in held)
    sources = b"\n".join([raw, *(fragment.source for fragment in fragments)])
    found = find_embeds(
        root, sources, include_links=include_links, hints=hints, expanded=True, frames=frames
    )
    markup = [f for f in found if f.method != "link"]
    # A sighting in the prose keeps its text as its raw: it has no markup of its own.
    spans = _markup_spans([f for f in found if f.raw is None], fragments, root, located)
    raws = {id(f): f.raw or _raw_text(f.element, spans.get(id(f)), source) for f in found}
    found, text_hits, sentinel_lines = _page_text_forms(root, found, markup, raws, hints)
    ordered = _in_page_order(found, text_hits, sentinel_lines)
    in_scripts = script_embeds(root, markup) if hints.json_markup else []
    if hints.script_props:
        in_scripts += props_embeds(root, markup + in_scripts)
    raws.update((id(item), item.raw or "") for item in in_scripts)
    ordered.extend(in_scripts)  # after the page's own: a script renders them
    embeds = [
        _text_embed(position, item)
        if isinstance(item, TextHit)
        else _markup_embed(position, item, raws[id(item)], spans.get(id(item)), source)
        for position, item in enumerate(ordered)
    ]
    return embeds, len(in_scripts)


def _page_text_forms(
    root: Node, found: list, markup: list, raws: dict[int, str], hints: PageHints
) -> tuple[list, list[TextHit], list[int]]:
    """The posts of the page's text forms (signature and title lines) outside its markup
    embeds, the lines of those embeds' sentinels, and ``found`` less the links a signature
    claimed. Flattening the page for text forms is the costly part of a scan: only worth it
    when a text marker lies outside the markup embeds found. Without the pre-filter's count
    (``ALL_SEARCHES``), always: that is what the count must match."""
    from .signed import drop_bylines, link_signatures

    on_page = hints.text_markers
    if not hints.text_forms or (
        on_page is not None
        and on_page
        <= sum(text_marker_count(raws[id(f)].encode("utf-8", "surrogatepass")) for f in markup)
    ):
        return found, [], []
    elements = [f.element for f in markup]
    companions = [node for f in markup for node in f.companions]
    text_hits, sentinel_lines = _text_forms(root, elements, companions)
    text_hits, claimed = link_signatures(root, text_hits, [*elements, *companions])
    text_hits = drop_bylines(root, text_hits)
    found = [f for f in found if f.method != "link" or f.element.mem_id not in claimed]
    return found, text_hits, sentinel_lines


def _in_page_order(found: list, text_hits: list[TextHit], sentinel_lines: list[int]) -> list:
    """The markup embeds and links, with each text hit just before the first markup embed
    whose placeholder line (in the flattened page) follows it."""
    markup_count = sum(1 for item in found if item.method != "link")
    slots: dict[int, list[TextHit]] = {}
    for hit in text_hits:
        rank = next(
            (r for r, line in enumerate(sentinel_lines) if line > hit.first_line), markup_count
        )
        slots.setdefault(rank, []).append(hit)
    ordered: list = []
    rank = 0
    for item in found:
        if item.method != "link":
            ordered.extend(slots.pop(rank, []))
            rank += 1
        ordered.append(item)
    ordered.extend(hit for r in sorted(slots) for hit in slots[r])
    return ordered


def _unwrap_cdata(raw: bytes, text: str, source: PageBytes | None) -> tuple[bytes, str]:
    """The page's bytes and text with each CDATA section that holds markup unwrapped; the
    text of a UTF-8 page is searched only when its bytes had one (``_is_utf8``)."""
    from .hidden import unwrap_cdata

    unwrapped = unwrap_cdata(raw)
    if unwrapped is not raw or not _is_utf8(source):
        text = unwrap_cdata(text)
    return unwrapped, text


def _text_forms(
    root: Node, embeds: list[Node], companions: list[Node]
) -> tuple[list[TextHit], list[int]]:
    """The text forms of a page flattened to lines (a status ID aside: those are markup's),
    and the line of each markup embed; the other elements of a markup embed
    (``companions``) are a line that none is read in. Those found in a region beside the
    article (a sidebar, a footer, a "latest tweet" box: ``placement.regions_beside_article``)
    are a feed of the site's own posts, not embeds: when there are any text forms, the page
    is read again with each region as such a line too."""
    from .flatten import visible_lines
    from .placement import regions_beside_article

    lines = visible_lines(root, embeds, companions)
    hits = [hit for hit in find_text_embeds("\n".join(lines)) if hit.status_id is None]
    if hits and (regions := regions_beside_article(root)):
        lines = visible_lines(root, embeds, [*companions, *regions])
        hits = [hit for hit in find_text_embeds("\n".join(lines)) if hit.status_id is None]
    numbered = [i for i, line in enumerate(lines) if line[:1] == SENTINEL and line[1:].isdigit()]
    return hits, numbered


def _is_utf8(source: PageBytes | None) -> bool:
    """The page's text was decoded from ``source``'s bytes as UTF-8. Every ASCII byte is
    then the same character in the text, and every other byte part of a character that is
    not ASCII (a replacement character never swallows an ASCII byte): a text's CDATA
    sections hold markup only where the bytes' do (``unwrap_cdata`` reads ASCII alone),
    so bytes with nothing to unwrap leave the text as it is, unsearched."""
    return (
        source is not None
        and source.page is None
        and source.codec.lower().replace("_", "-") in ("utf-8", "utf8")
    )


def _is_utf8_of(text: str, raw: bytes, source: PageBytes | None) -> bool:
    """True when ``raw`` is exactly ``text`` in UTF-8: a UTF-8 page without a byte-order
    mark (the decoder drops it), decoded without a replacement, holding no lone surrogate
    (text given as ``str`` may)."""
    return (
        _is_utf8(source)
        and not raw.startswith(codecs.BOM_UTF8)
        and "\ufffd" not in text
        and (b"\xed" not in raw or not SURROGATE_UTF8.search(raw))
    )


def _markup_spans(
    found: list, fragments: list[Fragment], root: Node, source: PageBytes | None
) -> dict[int, tuple[int, int] | None]:
    """The byte range of each found element's markup in the page (None where not exact)."""
    if source is None:
        return {id(f): None for f in found}
    from .locate import Locator

    wrappers = [fragment.wrapper for fragment in fragments]
    copies = [(item.element, item.copies) for item in found if item.copies]
    spans = Locator(source.data, root, wrappers, copies).locate_all(
        [item.element for item in found]
    )
    located = [(item, source.to_page(span)) for item, span in zip(found, spans, strict=True)]
    return {
        id(item): span if span and _shows(source, span, item.element) else None
        for item, span in located
    }


def _shows(source: PageBytes, span: tuple[int, int], element: Node) -> bool:
    """The located bytes, parsed alone, hold the element's words and addresses. Where the
    byte tokenizer and the tree builder part ways (foreign content, a script's escaped
    states) the ranks can pair an element with another one's tag; this gives it no range
    instead. Markup the page kept as text is expanded in them as in the page."""
    from .dom import parse_fragment
    from .hidden import OEMBED_VARIABLE_MARKER, expand_hidden_markup

    located = source.text(span)
    fragment = parse_fragment(located)
    if fragment is None:
        return False
    expand_hidden_markup(fragment, OEMBED_VARIABLE_MARKER.decode() in located)
    return _identity(fragment) == _identity(element)


def _identity(element: Node) -> tuple[list[str], list[str]]:
    """An element's words and the addresses in it and on it (two posts may share their
    words). The same for the element and for the ``<div>`` its bytes were parsed into,
    which has no address of its own: an embed that is a link has its address on it."""
    from .dom import descendants, get, text_content

    linked = [element, *descendants(element, "[href], [src]")]
    addresses = (get(n, "href") or get(n, "src") for n in linked)
    return text_content(element).split(), [address for address in addresses if address]


def _raw_text(element: Node, span: tuple[int, int] | None, source: PageBytes | None) -> str:
    """The page's own bytes of an embed, decoded; the parser's serialisation where not
    located."""
    from .dom import serialize

    return source.text(span) if source and span else serialize(element)


def _markup_embed(
    position: int, found, raw: str, span: tuple[int, int] | None, source: PageBytes | None
) -> Embed:
    return Embed(
        position,
        found.method,
        found.status_id,
        found.handle,
        found.author,
        found.text,
        found.date,
        raw,
        found.media,
        found.date_text,
        **_range_fields(span, source),
    )


__all__ = [
    "ALL_SEARCHES",
    "MARKERS",
    "SENTINEL",
    "TEXT_MARKERS",
    "Detection",
    "detect_or_fail",
    "find_posts",
    "has_markers",
    "looks_like_html",
    "served_by_x",
]
