"""Bytes → text with the right character set, and the few facts a page states about itself.

Order of trust: byte-order mark, the HTTP ``Content-Type`` charset, ``<meta charset>`` /
``http-equiv``, then strict UTF-8, then detection (charset-normalizer), then Windows-1252.
"""

from __future__ import annotations

import codecs
import html
import re

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


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


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
        return _codec(meta.group(1).decode("ascii", "ignore"))
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


_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
# Only the meta tags we keep: finding them by key is much cheaper than parsing every tag.
_META_KEYS = (
    "og:title",
    "og:url",
    "og:site_name",
    "article:published_time",
    "datepublished",
    "date",
)
# A meta tag (up to its first ">"), then the key it is kept for. Every key holds one of
# _KEY_HINTS, so most tags (viewport, description, twitter:*) are passed over with a
# substring test instead of the regular expression.
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_META_KEY = re.compile(
    r"(?:property|name|itemprop)\s*=\s*[\"']?(" + "|".join(_META_KEYS) + r")[\"'\s/>]", re.I
)
_KEY_HINTS = ("og:", "date", "published")
_LINK_CANONICAL = re.compile(r"<link\s[^>]*rel\s*=\s*[\"']?canonical[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _attr(tag: str, name: str) -> str | None:
    """One attribute's value in a tag's source (unescaped), or None."""
    for m in _ATTR.finditer(tag):
        if m.group(1).lower() == name:
            value = m.group(2) or m.group(3) or m.group(4) or ""
            return html.unescape(value) if "&" in value else value
    return None


def page_info(head: str) -> PageInfo:
    """Title, canonical URL, site name and publication time from a page's ``<head>``.

    A few regular expressions over the head (up to ``</head>``, at most 64 KB): cheap enough
    to run on every page, including the ones that are never parsed. They search up to the
    head's end in place (a slice would copy the head).
    """
    end = head.find("</head>", 0, 65536)
    end = end if end >= 0 else min(len(head), 65536)
    title = _TITLE.search(head, 0, end)
    metas = _metas(head, end)
    has_canonical = head.find("canonical", 0, end) >= 0
    canonical = _LINK_CANONICAL.search(head, 0, end) if has_canonical else None
    text_title = " ".join(html.unescape(title.group(1)).split()) if title else None
    return PageInfo(
        title=text_title or metas.get("og:title") or None,
        canonical_url=(_attr(canonical.group(0), "href") if canonical else None)
        or metas.get("og:url")
        or None,
        site=metas.get("og:site_name") or None,
        published_at=metas.get("article:published_time")
        or metas.get("datepublished")
        or metas.get("date")
        or None,
    )


def _metas(head: str, end: int) -> dict[str, str]:
    """The kept meta keys (lowercased) → their content, the first of each."""
    metas: dict[str, str] = {}
    for tag in _META_TAG.findall(head, 0, end):
        lowered = tag.lower()
        if not any(hint in lowered for hint in _KEY_HINTS):
            continue
        key = _META_KEY.search(tag)
        content = _attr(tag, "content") if key else None
        if key and content is not None:
            metas.setdefault(key.group(1).lower(), content.strip())
    return metas
