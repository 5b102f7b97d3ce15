"""Embed markup kept as text until a script or a click puts it into the page.

Consent managers and lazy loaders keep the original embed where an HTML parser sees text:

* the content of ``<textarea>`` (Drupal ``third_party_services``), ``<xmp>``, ``<noscript>``,
  ``<template>``, ``<iframe>`` (Facebook Instant Articles' ``<figure class="op-social"><iframe>
  EMBED MARKUP</iframe></figure>``: the frame's document, written in place), and of a
  ``<script>`` whose type is neither JavaScript nor JSON
  (``text/plain``, ``text/template``, ``text/x-template``, ``text/html``, ``application/x-…``)
  and whose text starts as markup (blocked JavaScript stays JavaScript);
* an attribute whose whole value is the markup, HTML-escaped
  (``data-embed="&lt;blockquote class=&quot;twitter-tweet&quot;…"``) or base64-encoded
  (Borlabs Cookie's ``data-borlabs-cookie-content``);
* the JavaScript variable WordPress's Embed Privacy plugin keeps a blocked embed in,
  ``<script>var _oembed_<md5> = '{"embed":"…"}';</script>`` (the oEmbed markup in JSON, its
  entities encoded in later versions, the whole slashed for a single-quoted string).

A reader who clicks "load content" sees the post, so it is an embed. Commented-out markup
(``<!-- … -->``) stays a comment, and JSON (hydration data, props naming other articles) is
never read as markup.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from typing import AnyStr, NamedTuple

import ahocorasick_rs

from .dom import Node, get, lead_text, parse_fragment
from .prefilter import matches

JS_SCRIPT_TYPES = frozenset(
    {
        "",
        "module",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
        "text/jsx",
        "text/babel",
    }
)
# A script without a type is JavaScript: never a holder.
HOLDERS_SELECTOR = "template, noscript, script[type], textarea, xmp, iframe"
EMBED_WORDS = ("status", "weet", "witter")
BASE64_VALUE = re.compile(r"[A-Za-z0-9+/\s]{16,}={0,2}")


def holds_markup_as_text(node: Node) -> bool:
    """True for an element whose text content may be markup put into the page later."""
    if node.tag != "script":
        return True
    kind = get(node, "type")
    if kind is None:
        return False  # JavaScript
    kind = kind.strip().lower()
    if kind in JS_SCRIPT_TYPES or "json" in kind or kind in ("importmap", "speculationrules"):
        return False
    # Consent tools also park JavaScript as text/plain (a blocked createTweet call): only
    # text that starts as markup is markup.
    return (lead_text(node) or "").lstrip().startswith("<")


class Fragment(NamedTuple):
    """Markup re-parsed from a host element's text: the ``<div>`` wrapper put in the host
    in place of the text, and the markup it was parsed from."""

    wrapper: Node
    markup: str

    @property
    def source(self) -> bytes:
        return self.markup.encode("utf-8", "surrogatepass")


def expand_hidden_markup(root: Node, variables: bool = False) -> list[Fragment]:
    """Parse markup kept as element text and put the elements in its place, keeping
    document order; with ``variables`` (the page's bytes hold ``OEMBED_VARIABLE_MARKER``),
    also the markup kept in Embed Privacy's script variables.

    Returns the wrappers added (``spans`` locates their elements inside the host's content).
    A second call finds nothing left to expand."""
    fragments: list[Fragment] = []
    holders = root.css(f"{HOLDERS_SELECTOR}, {OEMBED_SCRIPTS}" if variables else HOLDERS_SELECTOR)
    for node in holders:
        text = lead_text(node) or ""
        markup = oembed_variable(text) if node.tag == "script" and not get(node, "type") else None
        if markup is None:
            if not holds_markup_as_text(node):
                continue
            markup = text
        if "<" not in markup or not any(word in markup for word in EMBED_WORDS):
            continue
        wrapper = _replace_text(node, markup)
        if wrapper is not None:
            fragments.append(Fragment(wrapper, markup))
    return fragments


OEMBED_VARIABLE_MARKER = b"var _oembed_"
OEMBED_SCRIPTS = 'script:not([type]):lexbor-contains("var _oembed_")'
_OEMBED_VARIABLE = re.compile(r"\s*var _oembed_[0-9a-f]+ = '((?:[^'\\]|\\.)*+)';?\s*\Z", re.S)
_SLASHED = re.compile(r"\\(.)", re.S)


def oembed_variable(script: str) -> str | None:
    """The embed markup of Embed Privacy's ``var _oembed_<md5> = '{"embed":"…"}';`` (PHP's
    ``addslashes`` of the JSON undone, then the JSON read; its entities decoded when the
    whole markup was encoded), or None for any other script."""
    match = _OEMBED_VARIABLE.match(script)
    if match is None:
        return None
    try:
        value = json.loads(_SLASHED.sub(r"\1", match.group(1)))
    except (ValueError, RecursionError):
        return None
    embed = value.get("embed") if isinstance(value, dict) else None
    if not isinstance(embed, str):
        return None
    embed = embed.strip()
    return html.unescape(embed) if embed.startswith("&lt;") else embed


def _replace_text(host: Node, markup: str) -> Node | None:
    """Put ``markup``, parsed, in ``host`` in place of its leading text."""
    parsed = parse_fragment(markup)
    if parsed is None:
        return None
    while host.first_child is not None and host.first_child.is_text_node:
        host.first_child.decompose()
    host.insert_child(parsed)
    return host.last_child


def attribute_markup(value: str) -> str | None:
    """An attribute's whole value as markup that may hold an embed: escaped HTML (the
    parser has already decoded the entities) or base64 of it; else None."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value if any(word in value for word in EMBED_WORDS) else None
    if len(value) % 4 or not BASE64_VALUE.fullmatch(value):
        return None
    try:
        decoded = base64.b64decode(value).decode("utf-8").strip()
    except (binascii.Error, ValueError):
        return None
    return attribute_markup(decoded) if decoded.startswith("<") else None


CDATA_OPENER = b"<![CDATA["
_CDATA_CLOSER = b"]]>"
# One automaton per marker: an automaton of one pattern searches with SIMD ``memmem``, more
# than twice the speed of one of both, and five times that of ``in``.
_PAGE_SEARCHES = [
    (marker, ahocorasick_rs.BytesAhoCorasick([marker]))
    for marker in (CDATA_OPENER, OEMBED_VARIABLE_MARKER)
]


def page_markers(data: bytes) -> frozenset[bytes]:
    """Which of ``CDATA_OPENER`` and ``OEMBED_VARIABLE_MARKER`` a page's bytes hold.
    Unwrapping CDATA (``unwrap_cdata``) neither makes nor breaks the variable marker: its
    replaced markers become runs of three or nine spaces."""
    return frozenset(
        marker
        for marker, automaton in _PAGE_SEARCHES
        if next(matches(data, automaton, (marker,)), None) is not None
    )


_ASCII_SPACES = " \t\n\r\f"


def unwrap_cdata(markup: AnyStr) -> AnyStr:
    """The markup with each CDATA section that holds markup unwrapped: its ``<![CDATA[`` and
    ``]]>`` as spaces, so every other character keeps its place (in the text as in its
    bytes, the markers being ASCII).

    A feed keeps an entry's HTML in ``<![CDATA[…]]>``; copied into a page as it is, the HTML
    parser reads ``<![CDATA[`` as a bogus comment that ends at the first ``>``, swallowing
    the embed's start tag (``<![CDATA[<blockquote class="twitter-tweet">``): the page's author
    meant the markup. A section that does not start with a tag (a script's ``//<![CDATA[``,
    text in SVG) is left as it is, and so is one never closed."""
    empty = markup[:0]
    opener, closer = (
        (CDATA_OPENER, _CDATA_CLOSER)
        if isinstance(markup, bytes)
        else (CDATA_OPENER.decode(), _CDATA_CLOSER.decode())
    )
    spaces = _ASCII_SPACES.encode() if isinstance(markup, bytes) else _ASCII_SPACES
    blank, tag = (b" ", b"<") if isinstance(markup, bytes) else (" ", "<")
    parts: list = []
    done = 0
    start = markup.find(opener)
    while start >= 0:
        inside = start + len(opener)
        end = markup.find(closer, inside)
        if end < 0:
            break
        if markup[inside:end].lstrip(spaces)[:1] == tag:
            parts += [markup[done:start], blank * len(opener), markup[inside:end]]
            parts.append(blank * len(closer))
            done = end + len(closer)
        start = markup.find(opener, end + len(closer))
    return empty.join([*parts, markup[done:]]) if parts else markup
