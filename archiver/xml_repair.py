"""A second reading of XML that a strict parse stopped on: the common ways sitemaps in the
wild break XML, undone without changing what a well-formed document says.

- A bare ``&`` (``<loc>https://x/?a=1&b=2</loc>``, the most common generator bug) is
  escaped, and an HTML entity XML does not define (``&nbsp;``, ``&eacute;`` in a news
  title) becomes the character reference it stands for. CDATA sections and comments are
  left as written: a ``&`` there was never markup.
- A document that is not UTF-8 and declares no other encoding (the sitemap protocol asks
  for UTF-8) is read in the HTTP charset, else in windows-1252, the charset of legacy
  pages; one that is UTF-8 but for stray bytes is read as UTF-8 with those bytes replaced.

Only used after a strict parse failed (``sitemaps``), so a valid document is read exactly
as written, and a repaired one never hides a truncation: it is parsed strictly again. The
one exception is a prefix used but never declared: it is declared before the strict parse
(``undeclared_prefix_used``), since libxml2 reports it only once it has read the whole
document, and each poll of such a sitemap parsed it twice.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from html.entities import html5

XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
REFERENCE_RE = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&(?:(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)?",
    re.DOTALL,
)
CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not characters in XML 1.0
PREFIXED_TAG_RE = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
PREFIXED_ATTRIBUTE_RE = re.compile(rb"\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*[\"']")
DECLARED_PREFIX_RE = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
ROOT_TAG_RE = re.compile(rb"<[A-Za-z_][\w.:-]*")  # the first tag that is no PI, comment or DTD
XML_DECL_RE = re.compile(rb"^<\?xml[^>]*\?>")
DECLARED_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
UTF8_SEQUENCE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# A declaration of a two- or four-byte encoding written in one byte a character: .NET's
# XmlWriter over a StringWriter declares "utf-16" over the UTF-8 it is then sent as.
WIDE_DECLARATION_RE = re.compile(
    rb"""^(\s*<\?xml[^>]*\bencoding\s*=\s*["'])(?:utf-?16|ucs-?2|utf-?32|ucs-?4)[^"']*(["'])""",
    re.IGNORECASE,
)
CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)
LEGACY_CHARSET = "windows-1252"


def honest_declaration(body: bytes) -> bytes:
    """``body`` with a UTF-16 (or UTF-32) declaration it cannot mean replaced by UTF-8: its
    own ``<?xml`` is in single bytes, so the text is not UTF-16, and libxml2 or expat taking
    the declaration at its word read nothing. A UTF-8 byte-order mark is UTF-8 too."""
    fixed, count = WIDE_DECLARATION_RE.subn(rb"\1UTF-8\2", body.removeprefix(b"\xef\xbb\xbf"), 1)
    return fixed if count else body


def repaired_xml(body: bytes, headers: Mapping[str, str]) -> bytes | None:
    """``body`` with its encoding, its stray ``&``, its references to characters XML does
    not allow and its control bytes repaired, or None when there was nothing to repair
    (the strict parse's error stands)."""
    fixed = REFERENCE_RE.sub(_reference, as_utf8(body, headers))
    fixed = CONTROL_BYTES_RE.sub(b"", fixed)  # never inside a UTF-8 multi-byte character
    fixed = declared_prefixes(fixed)
    return None if fixed == body else fixed


def declared_prefixes(body: bytes) -> bytes:
    """``body`` with each namespace prefix it uses but never declares (``<image:image>``
    without ``xmlns:image``, ``xsi:schemaLocation`` without ``xmlns:xsi``) declared on the
    root element, under a name of its own: libxml2 reports it as an error only once the
    document is read, so nothing was lost, but the sitemap would read as broken off."""
    used = set(PREFIXED_TAG_RE.findall(body)) | set(PREFIXED_ATTRIBUTE_RE.findall(body))
    missing = sorted(used - set(DECLARED_PREFIX_RE.findall(body)) - {b"xml", b"xmlns"})
    root = ROOT_TAG_RE.search(body)
    if not missing or root is None:
        return body
    declarations = b"".join(b' xmlns:%s="urn:x-undeclared:%s"' % (p, p) for p in missing)
    return body[: root.end()] + declarations + body[root.end() :]


def undeclared_prefix_used(body: bytes) -> bool:
    """Whether ``body`` has an element under a prefix it never declares, or its root an
    attribute (``xsi:schemaLocation``): one regular-expression pass, a few percent of a
    parse, where a strict parse of such a sitemap reads it all before it fails at the end.
    (A prefixed attribute deeper in is left to the repair after the strict parse.)"""
    known = set(DECLARED_PREFIX_RE.findall(body)) | {b"xml", b"xmlns"}
    others = rb"(?!(?:" + b"|".join(re.escape(prefix) for prefix in known) + rb"):)"
    if re.search(rb"</?" + others + rb"[A-Za-z_][\w.-]*:[A-Za-z_]", body):
        return True
    root = ROOT_TAG_RE.search(body)
    tag = body[root.start() : body.find(b">", root.end())] if root else b""
    return any(prefix not in known for prefix in PREFIXED_ATTRIBUTE_RE.findall(tag))


def valid_references(body: bytes) -> bytes:
    """``body`` with each character reference XML does not allow (``&#0;``, ``&#x110000;``)
    made U+FFFD; feedparser's lenient parser fails on one past U+10FFFF."""
    return REFERENCE_RE.sub(_numeric_reference, body)


def _reference(match: re.Match[bytes]) -> bytes:
    """A reference as XML reads it: kept when XML defines it, an HTML entity as its
    character references, anything else (a bare ``&``) escaped."""
    text = match.group(0)
    name = match.group(1)
    if name and name[:1] == b"#":
        return _numeric_reference(match)
    if not text.startswith(b"&") or (name and name in XML_ENTITIES):
        return text  # CDATA, a comment, or a reference XML knows
    characters = html5.get(name.decode("ascii") + ";") if name else None
    if characters:
        return "".join(f"&#{ord(c)};" for c in characters).encode("ascii")
    return b"&amp;" + text[1:]


def _numeric_reference(match: re.Match[bytes]) -> bytes:
    """A character reference as written when XML allows the character, else U+FFFD."""
    name = match.group(1)
    if not name or name[:1] != b"#":
        return match.group(0)
    code = int(name[2:], 16) if name[1:2] == b"x" else int(name[1:])
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    return match.group(0) if allowed or 0x10000 <= code <= 0x10FFFF else b"&#xFFFD;"


def as_utf8(body: bytes, headers: Mapping[str, str]) -> bytes:
    """``body`` as UTF-8, when it is not and declares no other encoding (see the module)."""
    declared = DECLARED_ENCODING_RE.match(body)
    if declared and _codec(declared.group(1).decode("ascii")) not in (None, "utf-8"):
        return body  # libxml2 reads it in the charset it names
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    charset = "utf-8" if UTF8_SEQUENCE_RE.search(body) else _http_charset(headers)
    return _decoded(XML_DECL_RE.sub(b"", body, count=1), charset).encode("utf-8")


def _decoded(data: bytes, charset: str) -> str:
    """``data`` in ``charset``, bad bytes replaced; in windows-1252 when the server named a
    codec that is no charset (``base64``, ``zip``) or cannot replace (``idna``)."""
    try:
        return data.decode(charset, "replace")
    except (LookupError, UnicodeError):
        return data.decode(LEGACY_CHARSET, "replace")


def _http_charset(headers: Mapping[str, str]) -> str:
    """The response's charset when Python knows it and it is not UTF-8 (which the bytes
    just failed), else windows-1252."""
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    found = CHARSET_RE.search(content_type)
    codec = _codec(found.group(1)) if found else None
    return codec if codec and codec != "utf-8" else LEGACY_CHARSET


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
