"""A page that sends its reader on with ``<meta http-equiv="refresh" content="0; url=…">``.

Some article addresses answer with such a page (a moved story, a link shortener or tracker
that redirects in HTML): a browser goes on to the address it names, and so does a scan.
Read as the HTML Standard's "shared declarative refresh steps" read ``content``: a delay in
seconds, then an optional ``url=`` and the address, quoted or not. Only the first such
``<meta>`` counts (a browser ignores the later ones), and one inside ``<noscript>`` does not:
a browser running scripts, as a reader's does, never sees it (sites send readers without
scripts to a "please enable JavaScript" page that way).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urldefrag

from .urls import absolute_url

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

#: A page naming another address within this many seconds is a redirect. A longer delay
#: shows the page itself first (and a live blog reloads itself every few minutes).
MAX_DELAY_SECONDS = 5

_REFRESH = re.compile(rb"http-equiv\s*=\s*[\"']?\s*refresh", re.I)
_WHITESPACE = " \t\n\f\r"


def refresh_target(body: bytes, page_url: str, content_type: str | None = None) -> str | None:
    """The absolute http(s) address ``body``'s meta refresh sends a reader to within
    ``MAX_DELAY_SECONDS``, or None (no refresh, a reload of the page itself, a longer
    delay, another scheme, or one inside ``<noscript>``). The page is read in its own
    encoding (``content_type``'s charset, its ``<meta charset>``...), as its address is."""
    if _REFRESH.search(body) is None or not could_redirect(body, content_type):
        return None  # most pages, and a live page reloading itself: no parse
    return parsed_refresh_target(body, page_url, content_type)


def parsed_refresh_target(
    body: bytes, page_url: str, content_type: str | None = None
) -> str | None:
    """``refresh_target`` read from the page's tree, without the shortcuts."""
    from .decode import decode

    content, base = _first_refresh_content(decode(body, content_type))
    parsed = _parse_content(content) if content is not None else None
    if parsed is None or parsed[0] > MAX_DELAY_SECONDS or not parsed[1]:
        return None
    target = absolute_url(parsed[1], (absolute_url(base, page_url) if base else None) or page_url)
    if target is None:  # another scheme, or no address at all
        return None
    return None if _same_page(target, page_url) else target


# A ``<meta`` start tag, and each of its attributes as the HTML tokenizer reads them: a name
# (``=`` may start one), then maybe ``=`` and a value, quoted or not; ``/`` separates as space
# does; the tag ends at the first ``>`` outside a quoted value (the page ending first: no tag).
_META = re.compile(rb"<meta(?=[\t\n\f\r />])", re.I)
_ATTRIBUTE = re.compile(
    rb"[\t\n\f\r /]*(?:(>)|([^\t\n\f\r />][^\t\n\f\r />=]*)"
    rb"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\f\r >]*)))?)"
)
# A ``content`` starting with a delay longer than MAX_DELAY_SECONDS in digits as written: the
# value it holds, character references read, starts with those digits too, and more can only
# follow (``9&#48;`` is 90), so the delay read is as long or the value none at all.
_DELAY_DIGITS = re.compile(rb"[\t\n\f\r ]*([0-9]+)")


def could_redirect(body: bytes, content_type: str | None = None) -> bool:
    """False when no ``<meta>`` of ``body`` can send a reader on within
    ``MAX_DELAY_SECONDS``: each refresh tag in it names a longer delay in digits as written
    (``content="900"``, a live page reloading itself) or no ``content``. Read from each
    ``<meta`` as the tokenizer reads a tag, so a page ``refresh_target`` would follow is
    never passed over; True whenever the bytes cannot be read that way."""
    if not _markup_as_ascii(body, content_type):
        return True
    for meta in _META.finditer(body):
        attributes = _meta_attributes(body, meta.end())
        if attributes is None:
            return True
        equiv, content = attributes.get(b"http-equiv"), attributes.get(b"content")
        if equiv is None or content is None:
            continue  # no refresh, or one without an address
        if (b"&" in equiv or b"refresh" in equiv.lower()) and not _long_delay(content):
            return True
    return False


def _markup_as_ascii(body: bytes, content_type: str | None) -> bool:
    """Whether ``decode`` reads the page's markup from its ASCII bytes as they are: not in
    a codec that writes it otherwise (UTF-16/32, UTF-7, ISO-2022, HZ), declared or guessed
    (a page not in UTF-8 that declares no charset), and no NUL (the parser replaces it)."""
    from .decode import ASCII_REUSING, sniff_encoding

    declared = sniff_encoding(body, content_type)
    if b"\x00" in body or (declared and declared.startswith(ASCII_REUSING)):
        return False
    if declared is None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _long_delay(content: bytes) -> bool:
    match = _DELAY_DIGITS.match(content)
    digits = match.group(1).lstrip(b"0") if match else b""
    return len(digits) > 1 or (digits != b"" and int(digits) > MAX_DELAY_SECONDS)


def _meta_attributes(body: bytes, at: int) -> dict[bytes, bytes] | None:
    """The attributes of the tag whose name ends at ``at``, each name's first value kept,
    or None when the page ends inside the tag."""
    found: dict[bytes, bytes] = {}
    while (attribute := _ATTRIBUTE.match(body, at)) is not None and attribute.end() > at:
        if attribute.group(1):
            return found
        name = attribute.group(2).lower()
        value = attribute.group(3) or attribute.group(4) or attribute.group(5) or b""
        found.setdefault(name, value)
        at = attribute.end()
    return None


def _same_page(target: str, page_url: str) -> bool:
    """``target`` is the page itself (a reload), fragments aside, compared as the request
    for it would be sent: scheme and host in any case, a default port written or not, a
    path's non-ASCII characters raw or percent-encoded (``page_url`` is the address the
    answer came from, as sent)."""
    if urldefrag(target).url == urldefrag(page_url).url:
        return True
    import httpx  # here: a scan of files alone never loads it

    try:
        return httpx.URL(target).copy_with(fragment=None) == httpx.URL(page_url).copy_with(
            fragment=None
        )
    except httpx.InvalidURL:  # not sent at all: the fetch gives its one-line error
        return False


def _first_refresh_content(page: str) -> tuple[str | None, str | None]:
    """The ``content`` of the page's first refresh ``<meta>`` outside ``<noscript>``, and
    the ``href`` of its first ``<base>`` that has one: a relative address is the document's,
    resolved against its base URL as a browser resolves it. A page nesting deeper than
    detection reads is read as detection reads it (``shallow``: cut where it nests too deep)."""
    from selectolax.lexbor import LexborHTMLParser

    from .detect.dom import shallow  # a page nesting 50,000 deep parses in 7 s, cut in 0.1 s

    root = LexborHTMLParser(shallow(page)).root
    if root is None:
        return None, None
    for meta in root.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        if _inside_noscript(meta):
            continue
        base = root.css_first("base[href]")
        return meta.attributes.get("content"), base.attributes.get("href") if base else None
    return None, None


def _inside_noscript(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "noscript":
            return True
        parent = parent.parent
    return False


def _parse_content(content: str) -> tuple[float, str] | None:
    """(delay, address) of a refresh's ``content``; the address is empty for a reload.
    None when ``content`` does not start with a delay."""
    text = content.lstrip(_WHITESPACE)
    digits = text[: len(text) - len(text.lstrip("0123456789"))]
    rest = text[len(digits) :]
    if not digits and not rest.startswith("."):
        return None
    rest = rest.lstrip("0123456789.")
    significant = digits.lstrip("0")  # int() refuses over 4,300 digits: a long delay
    delay = int(significant or "0") if len(significant) <= 9 else 10**9
    if rest and rest[0] not in _WHITESPACE + ";,":
        return None
    rest = rest.lstrip(_WHITESPACE)
    rest = rest[1:] if rest[:1] in (";", ",") else rest
    rest = rest.lstrip(_WHITESPACE)
    if rest[:3].lower() == "url":
        after = rest[3:].lstrip(_WHITESPACE)
        if after.startswith("="):
            rest = after[1:].lstrip(_WHITESPACE)
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        rest = rest.split(quote, 1)[0]
    return delay, rest.strip(_WHITESPACE)
