"""Embed markup kept as text until a script or a click puts it into the page.

Consent managers and lazy loaders keep the original embed where an HTML parser sees text:

* the content of ``<textarea>`` (Drupal ``third_party_services``), ``<xmp>``, ``<noscript>``,
  ``<template>``, and of a ``<script>`` whose type is neither JavaScript nor JSON
  (``text/plain``, ``text/template``, ``text/x-template``, ``text/html``, ``application/x-…``)
  and whose text starts as markup (blocked JavaScript stays JavaScript);
* an attribute whose whole value is the markup, HTML-escaped
  (``data-embed="&lt;blockquote class=&quot;twitter-tweet&quot;…"``) or base64-encoded
  (Borlabs Cookie's ``data-borlabs-cookie-content``).

A reader who clicks "load content" sees the post, so it is an embed. Commented-out markup
(``<!-- … -->``) stays a comment, and JSON (hydration data, props naming other articles) is
never read as markup.
"""

from __future__ import annotations

import base64
import binascii
import re

from lxml import etree

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
RAW_TEXT_HOLDERS = ("template", "noscript", "script", "textarea", "xmp")
EMBED_WORDS = ("status", "weet", "witter")
BASE64_VALUE = re.compile(r"[A-Za-z0-9+/\s]{16,}={0,2}")


def holds_markup_as_text(node: etree._Element) -> bool:
    """True for an element whose text content may be markup put into the page later."""
    if node.tag != "script":
        return True
    if "type" not in node.attrib:
        return False  # JavaScript
    kind = (node.get("type") or "").strip().lower()
    if kind in JS_SCRIPT_TYPES or "json" in kind or kind in ("importmap", "speculationrules"):
        return False
    # Consent tools also park JavaScript as text/plain (a blocked createTweet call): only
    # text that starts as markup is markup.
    return (node.text or "").lstrip().startswith("<")


def parse_fragment(markup: str) -> etree._Element | None:
    """Markup found as text, parsed into a ``<div>`` (None when there is nothing to parse)."""
    try:
        root = etree.fromstring(f"<div>{markup}</div>", etree.HTMLParser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return None if root is None else root.find(".//div")


def expand_hidden_markup(root: etree._Element) -> list[etree._Element]:
    """Parse markup kept as element text and put the elements in its place, keeping
    document order.

    Returns the ``<div>`` wrappers added: their elements' lines count from the start of the
    host's text (``spans`` needs them). A second call finds nothing left to expand."""
    fragments: list[etree._Element] = []
    for node in list(root.iter(*RAW_TEXT_HOLDERS)):  # one walk of the tree, in C
        if not holds_markup_as_text(node):
            continue
        text = node.text or ""
        if "<" not in text or not any(word in text for word in EMBED_WORDS):
            continue
        fragment = parse_fragment(text)
        if fragment is None:
            continue
        node.text = None
        node.append(fragment)
        fragments.append(fragment)
    return fragments


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
