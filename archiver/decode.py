"""Bytes → text with the right character set, and the few facts a page states about itself.

Order of trust: byte-order mark, the HTTP ``Content-Type`` charset, ``<meta charset>`` /
``http-equiv``, then strict UTF-8, then detection (charset-normalizer), then Windows-1252.
"""

from __future__ import annotations

import codecs
import functools
import html
import re
from typing import Any

from .models import PageInfo

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as their supersets (WHATWG Encoding Standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


# Text codecs Python has that no page is written in: they transform a name or the text.
_NOT_PAGE_CODECS = frozenset({"idna", "punycode", "raw-unicode-escape", "unicode-escape"})


def _codec(label: str | None) -> str | None:
    """The Python codec of a charset label, or None for one that names no page encoding:
    unknown, or one of Python's transforms (``rot13``, ``hex``, ``base64``, ``zlib``,
    ``idna``), which made a valid page fail as 'detection failed'."""
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CODECS:
        return None
    return info.name


def sniff_encoding(data: bytes, content_type: str | None = None) -> str | None:
    """The declared encoding of a page (BOM, header, meta), or None when nothing is declared."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if content_type:
        header = _HEADER_CHARSET.search(content_type)
        if header and (codec := _codec(header.group(1))):
            return codec
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        codec = _codec(meta.group(1).decode("ascii", "ignore"))
        # A meta tag readable as ASCII cannot be UTF-16/32: the HTML Standard reads it as UTF-8.
        return "utf-8" if codec and codec.startswith(("utf-16", "utf-32")) else codec
    return None


def decode(data: bytes, content_type: str | None = None) -> str:
    """Decode a page's bytes to text, never raising."""
    return decode_with_encoding(data, content_type)[0]


def decode_with_encoding(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``decode`` and the codec it used (to decode a byte range of the page the same way)."""
    declared = sniff_encoding(data, content_type)
    if declared:
        text = data.decode(declared, errors="replace")
        return (text[1:] if text.startswith("\ufeff") else text), declared
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    codec = guess_encoding(data) or "cp1252"
    return data.decode(codec, errors="replace"), codec


def decode_head(data: bytes, content_type: str | None = None, size: int = 65536) -> str:
    """The start of a page as text (enough for ``page_info``), cut on a character boundary."""
    end = data.find(b"</head>", 0, size)  # the head is all page_info reads
    head = data[: end + 7 if end >= 0 else size]
    if sniff_encoding(data, content_type):
        return decode(head, content_type)
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return decode(head)


def guess_encoding(data: bytes) -> str | None:
    """The likeliest legacy encoding of undeclared bytes (charset-normalizer).

    Short samples often fit several single-byte codecs equally well; on a tie Windows-1252,
    what browsers assume for an undeclared Western page, wins over its look-alikes.
    """
    from charset_normalizer import from_bytes  # imported lazily: only undeclared non-UTF-8 pages

    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence - 0.01
        if tied and _codec(match.encoding) == "cp1252":
            return "cp1252"
    return _codec(best.encoding)


# The head's facts, found by a few patterns over the source (str or bytes: a page without
# embeds is never decoded, only the values kept are). Only the meta tags we keep: finding
# them by key is much cheaper than parsing every tag. Every key holds one of the hints, so
# most tags (viewport, description, twitter:*, og:image and the other og: keys not kept) are
# passed over with a substring test.
_META_KEYS = (
    "og:title",
    "og:url",
    "og:site_name",
    "article:published_time",
    "datepublished",
    "date",
)
_HEAD_PATTERNS = {
    "title": (r"<title[^>]*>(.*?)</title", re.I | re.S),
    "meta_tag": (r"<meta\s[^>]*>", re.I),
    "meta_key": (
        r"(?:property|name|itemprop)\s*=\s*[\"']?(" + "|".join(_META_KEYS) + r")[\"'\s/>]",
        re.I,
    ),
    "canonical": (r"<link\s[^>]*rel\s*=\s*[\"']?canonical[^>]*>", re.I),
    "attr": (r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", 0),
}
_KEY_HINTS = ("og:title", "og:url", "og:site_name", "date", "published")
# Codecs (``codecs.lookup`` names) whose characters may hold the bytes of ASCII markup: their
# heads cannot be searched as bytes. Every other codec Python has keeps ``<>"'=`` for markup.
ASCII_REUSING = ("utf-16", "utf-32", "utf-7", "iso2022", "hz")


class _HeadSyntax:
    """The head patterns for one kind of source (``str`` or ``bytes``)."""

    def __init__(self, kind: type) -> None:
        def cast(text: str) -> Any:
            return text.encode("ascii") if kind is bytes else text

        compiled = {k: re.compile(cast(p), f) for k, (p, f) in _HEAD_PATTERNS.items()}
        self.title, self.meta_tag = compiled["title"], compiled["meta_tag"]
        self.meta_key, self.canonical = compiled["meta_key"], compiled["canonical"]
        self.attr = compiled["attr"]
        self.hint = re.compile(cast("|".join(_KEY_HINTS)), re.I)
        self.lowered_hints = tuple(cast(hint) for hint in _KEY_HINTS)
        self.head_end = cast("</head>")
        # ``rel`` values are ASCII case-insensitive: the cheap test before the pattern looks
        # for the spellings pages use (``rel="Canonical"`` from some CMSs).
        self.canonical_words = tuple(map(cast, ("canonical", "Canonical", "CANONICAL")))
        self.empty, self.tag_end = cast(""), cast(">")


@functools.cache
def _head_syntax(kind: type) -> _HeadSyntax:
    """The patterns for heads of one kind, compiled on first use: a page with an embed
    marker has its head searched in its decoded text, any other page mostly as bytes, so a
    one-page scan needs one kind only."""
    return _HeadSyntax(kind)


def page_info(head: str | bytes, codec: str = "utf-8", errors: str = "replace") -> PageInfo:
    """Title, canonical URL, site name and publication time from a page's ``<head>``.

    A few regular expressions over the head (up to ``</head>``, at most 64 KB): cheap enough
    to run on every page, including the ones that are never parsed. They search up to the
    head's end in place (a slice would copy the head). Given bytes, only the values found
    are decoded, with ``codec`` and ``errors``.
    """
    syntax = _head_syntax(type(head))
    end = head.find(syntax.head_end, 0, 65536)
    end = end if end >= 0 else min(len(head), 65536)
    title = syntax.title.search(head, 0, end)
    value = _Values(codec, errors)
    metas = _metas(syntax, head, end, value)
    has_canonical = any(head.find(word, 0, end) >= 0 for word in syntax.canonical_words)
    canonical = syntax.canonical.search(head, 0, end) if has_canonical else None
    raw_title = value.text(title.group(1)) if title else None
    text_title = " ".join(html.unescape(raw_title).split()) if raw_title else None
    return PageInfo(
        title=text_title or metas.get("og:title") or None,
        canonical_url=(_attr(syntax, canonical.group(0), "href", value) if canonical else None)
        or metas.get("og:url")
        or None,
        site=metas.get("og:site_name") or None,
        published_at=metas.get("article:published_time")
        or metas.get("datepublished")
        or metas.get("date")
        or None,
    )


def head_info(data: bytes, content_type: str | None = None) -> PageInfo:
    """``page_info`` of a page's bytes, without decoding the page: the values are decoded
    with the declared encoding, else as UTF-8. The head is decoded as a whole
    (``decode_head``) when a value is not UTF-8 (the encoding is then guessed) and when the
    declared encoding writes ``<``, ``>``, quotes or ``=`` bytes inside its characters."""
    declared = sniff_encoding(data, content_type)
    if declared and declared.startswith(ASCII_REUSING):
        return page_info(decode_head(data, content_type))
    try:
        return page_info(data, declared or "utf-8", "replace" if declared else "strict")
    except UnicodeDecodeError:
        return page_info(decode_head(data, content_type))


class _Values:
    """Decodes the values found in a head given as bytes (a str head's are text already)."""

    def __init__(self, codec: str, errors: str) -> None:
        self.codec, self.errors = codec, errors

    def text(self, value: str | bytes) -> str:
        return value if isinstance(value, str) else value.decode(self.codec, self.errors)


def _name(value: str | bytes) -> str:
    """An attribute name or meta key (ASCII by their patterns) as lower-case text."""
    return (value if isinstance(value, str) else value.decode("latin-1")).lower()


def _attr(syntax: _HeadSyntax, tag: Any, name: str, values: _Values) -> str | None:
    """One attribute's value in a tag's source (unescaped), or None."""
    for m in syntax.attr.finditer(tag):
        if _name(m.group(1)) == name:
            value = values.text(m.group(2) or m.group(3) or m.group(4) or syntax.empty)
            return html.unescape(value) if "&" in value else value
    return None


def _hinted(syntax: _HeadSyntax, tag: Any) -> bool:
    """``syntax.hint`` found in a tag: an ASCII tag is lower-cased and each hint looked for
    in it as a substring (``in`` tests mapped in C: half the time of their alternation as a
    pattern), the same test as the case-blind pattern's, which alone also folds the Unicode
    letters that have an ASCII letter's case, such as U+017F for ``s``."""
    if isinstance(tag, bytes) or tag.isascii():
        return any(map(tag.lower().__contains__, syntax.lowered_hints))
    return syntax.hint.search(tag) is not None


def _metas(syntax: _HeadSyntax, head: Any, end: int, values: _Values) -> dict[str, str]:
    """The kept meta keys (lowercased) → their content, the first of each."""
    metas: dict[str, str] = {}
    for tag in _hinted_tags(syntax, syntax.meta_tag.findall(head, 0, end)):
        key = syntax.meta_key.search(tag)
        content = _attr(syntax, tag, "content", values) if key else None
        if key and content is not None:
            metas.setdefault(_name(key.group(1)), content.strip())
    return metas


def _hinted_tags(syntax: _HeadSyntax, tags: list[Any]) -> list[Any]:
    """The tags holding a hint, in order. The tags are joined and lower-cased once and each
    hint found in them at ``find``'s speed (a tag holds no ``>`` but its last character, so
    a hint's tag is found around it): most tags (viewport, description, twitter:*,
    og:image...) are then never looked at one by one. Tags whose lower case is longer than
    themselves (``İ``: its offsets would not fit) are tested one by one."""
    joined = syntax.empty.join(tags)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        return [tag for tag in tags if _hinted(syntax, tag)]
    starts: set[int] = set()
    for hint in syntax.lowered_hints:
        at = lowered.find(hint)
        while at >= 0:
            starts.add(lowered.rfind(syntax.tag_end, 0, at) + 1)
            at = lowered.find(hint, at + 1)
    return [joined[start : joined.find(syntax.tag_end, start) + 1] for start in sorted(starts)]
