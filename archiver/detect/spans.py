"""The tags of a page's bytes (pure; no parser state needed), for ``locate``.

The page's bytes are tokenized the way an HTML5 tokenizer does (comments with their abrupt
endings, bogus comments, quoted attribute values, raw-text and RCDATA elements whose content
holds no tags): start tags with their attributes, end tags, and the matching end tag of a
start tag (depth counted on that tag name), or the start tag alone for a void element.
Works on any ASCII-compatible encoding (markup characters are single ASCII bytes there).
Also the byte range of lines, for the text forms.

A page has thousands of tags and detection locates elements of one or two names: the tags of
other names (and comments, raw-text content...) are passed over inside the regular-expression
engine by one pattern built per set of names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

MAX_LINE = 65535  # libxml2 stores line numbers in 16 bits
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "bgsound",
        "frame",
        "keygen",
    ]
)
RAW_TEXT = frozenset(
    ["script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"]
)

RAW_TEXT_BYTES = frozenset(name.encode("ascii") for name in RAW_TEXT)

_NAME = rb"[A-Za-z][^\t\n\f\r />]*+"
_NAME_ENDS = rb"(?=[\t\n\f\r />])"
# A start tag's attributes, up to the '>' that ends the tag: first the common form (names,
# whitespace, and values quoted or plain after an '=' that follows a name: no repetition per
# name), else the general one (an '=' that opens a name, a value after spaces, a plain value
# with quotes in it, a quote never closed...).
_ATTRS_COMMON = (
    rb"""[^>"'=]*+(?:(?<=[^\t\n\f\r /=>"'])=(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >"'][^\t\n\f\r >]*+)"""
    rb"""[^>"'=]*+)*+"""
)
_ATTRS_ANY = (
    rb"(?:[\t\n\f\r /]++|[^\t\n\f\r />][^\t\n\f\r /=>]*+"
    rb"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+))?+)*+"""
)
_ATTRS = b"(?:%s|%s)" % (_ATTRS_COMMON, _ATTRS_ANY)  # always followed by '>'
# What may follow a '<' in a token never reported: a comment (also <!--> and an unclosed
# one), a doctype or bogus comment, a junk end tag, <plaintext> (the rest is text).
_UNREPORTED = [
    rb"!--(?:-?>|.*?--!?>|.*)",
    rb"[!?][^>]*+>?",
    rb"/(?:>|[^A-Za-z>][^>]*+>?)",
]
_REPORTABLE = re.compile(rb"[a-z][^\t\n\f\r />A-Z]*+")  # a name a lower-cased tag can have


def _any_case(name: bytes) -> bytes:
    """A pattern of ``name`` in any ASCII case. Not ``re.IGNORECASE``: the engine skips an
    alternative at once when its first byte is a literal or a set that fails, but not when it
    is a case-insensitive literal."""
    return b"".join(
        b"[%c%c]" % (byte & 0xDF, byte) if 0x61 <= byte <= 0x7A else re.escape(bytes([byte]))
        for byte in name
    )


def _one_of(names: Iterable[bytes]) -> bytes:
    """Exactly one of ``names`` as a whole tag name."""
    return b"(?:%s)%s" % (b"|".join(_any_case(name) for name in sorted(names)), _NAME_ENDS)


def _up_to_end_tag(name: bytes) -> bytes:
    """A raw-text or RCDATA element's content: it holds no tags, and ends at the element's
    end tag (``name``: its pattern) or at the end of the region."""
    return rb"(?:[^<]++|<(?!/%s[\t\n\f\r />]))*+" % name


@lru_cache(maxsize=64)
def _token_pattern(names: frozenset[bytes] | None) -> re.Pattern[bytes]:
    """Matches up to the next start or end tag named in ``names`` (all when None) or the
    next raw-text element of ``_reported_raw`` (with its content), with group ``end``,
    ``rattrs`` (a raw-text element: the caller passes over one not named) or ``attrs`` set;
    a last match ends the region. Everything before it (text, the tokens never reported, a
    ``<`` that opens no token, tags of other names, ``SKIPPED_RAW`` elements not named, with
    their content) is consumed in one possessive repetition: the regex engine skips it
    without a match object."""
    wanted = _NAME if names is None else _one_of(names)
    skip = rb"(?:[^<]*+<(?:%s))*+[^<]*+" % b"|".join(_skipped(names, wanted))
    found = [rb"</(?P<end>%s)%s>" % (wanted, _ATTRS)]
    start_tag = rb"<(?P<raw>%s)(?P<rattrs>%s)>" % (_one_of(_reported_raw(names)), _ATTRS)
    found.append(start_tag + _up_to_end_tag(rb"(?i:(?P=raw))"))
    starts = None if names is None else names - RAW_TEXT_BYTES - {b"plaintext"}
    if starts is None or starts:
        start = _NAME if starts is None else _one_of(starts)
        found.append(rb"<(?P<start>%s)(?P<attrs>%s)>" % (start, _ATTRS))
    found.append(rb"\Z")
    return re.compile(rb"%s(?:%s)" % (skip, b"|".join(found)), re.S)


# The raw-text elements pages hold by the dozen: those not named are passed over with their
# content in the skip (no match object each). Every other raw-text element is a match of its
# own, which the caller passes over when its name is not wanted: one alternative for them
# all, where the skip needs one per name (those made most of the pattern's size, and its
# compiling cost a scan's start-up 10 ms).
SKIPPED_RAW = frozenset([b"script", b"style"])


def _reported_raw(names: frozenset[bytes] | None) -> frozenset[bytes]:
    """The raw-text elements the pattern for ``names`` matches (the others it skips)."""
    return RAW_TEXT_BYTES if names is None else RAW_TEXT_BYTES - (SKIPPED_RAW - names)


def _skipped(names: frozenset[bytes] | None, wanted: bytes) -> list[bytes]:
    """What may follow a ``<`` in the tokens the pattern for ``names`` passes over, in the
    order an HTML5 tokenizer tells them apart."""
    # The rest of the page is text (wherever its start tag ends).
    plaintext = _one_of([b"plaintext"]) + rb"[^>]*+>.*"
    # The end of the region inside a tag: nothing after it is markup. Without this, each
    # later '<' of an unterminated tag would read its attributes to the end again.
    at_eof = rb"/?[A-Za-z][^\t\n\f\r />]*+%s\Z" % _ATTRS_ANY
    if names is None:  # the second to last: a '<' that opens no token
        return [*_UNREPORTED, plaintext, at_eof, rb"(?!/?%s%s>)" % (wanted, _ATTRS)]
    # Most tags first: those whose first letter starts none of the names told apart after
    # them; the others are tried only for the remaining first letters, so that no tag's
    # attributes are read twice.
    special = bytes(sorted({name[0] for name in names | RAW_TEXT_BYTES | {b"plaintext"}}))
    plain = bytes(c for c in b"abcdefghijklmnopqrstuvwxyz" if c not in special)
    first = rb"(?=[%s%s])" % (special, special.upper())
    told_apart = _one_of(names | RAW_TEXT_BYTES | {b"plaintext"})
    # Any other tag: an end tag of another name, or a start tag none of the alternatives after
    # this one tells apart (one alternative: a tag's attributes are a long pattern).
    openings = [rb"/?[%s%s]" % (plain, plain.upper())] if plain else []
    openings += [rb"/%s(?!%s)" % (first, wanted), rb"%s(?!%s)" % (first, told_apart)]
    ordinary = rb"(?:%s)[^\t\n\f\r />]*+%s>" % (b"|".join(openings), _ATTRS)
    # No capturing group in here: Python 3.11's re raises SystemError for one inside the
    # possessive repetition.
    skipped_raw = [
        _one_of([name]) + _ATTRS + b">" + _up_to_end_tag(_any_case(name))
        for name in sorted(SKIPPED_RAW - names)
    ]
    # A '<' that opens no token: the last choice, so only a '<' that no alternative before
    # it took. It must not be the '<' of a tag the pattern stops at: such a tag always ends
    # in '>' (one that runs to the end of the region is ``at_eof``).
    no_token = rb"(?!/?%s|%s)" % (wanted, _one_of(_reported_raw(names)))
    return [ordinary, *_UNREPORTED, *skipped_raw, plaintext, at_eof, no_token]


ATTRIBUTE = re.compile(
    rb"([^\t\n\f\r />][^\t\n\f\r /=>]*+)"
    rb"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"([^"]*+)"|'([^']*+)'|([^\t\n\f\r >]*+)))?"""
)
START, END = 1, 2


class Tag(NamedTuple):  # a named tuple: made 3x faster than a frozen dataclass
    kind: int  # START or END
    name: str  # lower case
    start: int
    end: int
    line: int  # the line of the tag's last byte, as libxml2 counts (capped)
    attrs: tuple[int, int] = (0, 0)  # byte range of a start tag's attributes


def tokenize(
    data: bytes, start: int = 0, end: int | None = None, names: frozenset[str] | None = None
) -> list[Tag]:
    """Start and end tags of ``data[start:end]`` in order (only those named in ``names``,
    when given: a page of millions of tags yields only the few that matter); lines count
    from ``start``."""
    return list(iter_tags(data, start, end, names))


def iter_tags(
    data: bytes, start: int = 0, end: int | None = None, names: frozenset[str] | None = None
) -> Iterator[Tag]:
    """``tokenize``, one tag at a time: the page is read only as far as the tags asked for."""
    wanted = None if names is None else _spellable(names)
    if wanted is not None and not wanted:
        return
    pattern = _token_pattern(wanted)
    line, counted = 1, start
    for match in pattern.finditer(data, start, len(data) if end is None else end):
        kind = match.lastgroup
        if kind == "end":
            name = match.group("end").lower().decode("latin-1")
            yield Tag(END, name, match.start("end") - 2, match.end(), 0)
        elif kind in ("attrs", "rattrs"):
            group = "start" if kind == "attrs" else "raw"
            lowered = match.group(group).lower()
            if wanted is not None and lowered not in wanted:
                continue  # a raw-text element passed over
            attrs = match.span(kind)
            tag_end = attrs[1] + 1
            line += data.count(b"\n", counted, tag_end - 1)
            counted = tag_end - 1
            name = lowered.decode("latin-1")
            yield Tag(START, name, match.start(group) - 1, tag_end, min(line, MAX_LINE), attrs)


def _spellable(names: Iterable[str]) -> frozenset[bytes]:
    """The names the page's bytes can spell (not the parser's U+FFFD for a NUL)."""
    encoded = (name.encode("ascii") for name in names if name.isascii())
    return frozenset(name for name in encoded if _REPORTABLE.fullmatch(name))


def start_tags(data: bytes, names: frozenset[str]) -> dict[str, list[int]]:
    """Where each start tag of ``names`` begins, by name: the start tags ``iter_tags`` gives,
    without building a ``Tag`` of each (a page may hold thousands of ``<div>``)."""
    found: dict[str, list[int]] = {name: [] for name in names}
    wanted = _spellable(names)
    if not wanted:
        return found
    for match in _token_pattern(wanted).finditer(data):
        group = {"attrs": "start", "rattrs": "raw"}.get(match.lastgroup or "")
        if group is None:
            continue
        lowered = match.group(group).lower()
        if lowered in wanted:  # not a raw-text element passed over
            found[lowered.decode("latin-1")].append(match.start(group) - 1)
    return found


def attributes(data: bytes, tag: Tag) -> dict[str, str]:
    """A start tag's attributes as a parser reports them: names lower-cased, first one wins,
    character references decoded."""
    found: dict[str, str] = {}
    for match in ATTRIBUTE.finditer(data, *tag.attrs):
        name = match.group(1).decode("latin-1").lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), b"")
        found.setdefault(name, html.unescape(value.decode("utf-8", "replace")))
    return found


def matching_end(tags: Iterator[Tag]) -> int | None:
    """End offset of the element opened by the first of ``tags`` (its start tag alone if
    void); the others are the tags that follow it."""
    opening = next(tags, None)
    if opening is None or opening.name in VOID:
        return None if opening is None else opening.end
    depth = 1
    for tag in tags:
        if tag.name == opening.name:
            depth += 1 if tag.kind == START else -1
            if depth == 0:
                return tag.end
    return None


class LineSpans:
    """Byte ranges of a text's lines (0-based, split on ``\n``; the newline after the last
    line excluded; a leading UTF-8 byte-order mark is not part of line 0). Asked in line
    order, as a text's embeds are, it walks the text once: each range starts where the last
    one's search stopped (a page's 1,600 embeds took 1.5 s walking from its start each)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._origin = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self._line, self._offset = 0, self._origin

    def span(self, first: int, last: int) -> tuple[int, int] | None:
        """Lines ``first``..``last``, or None when the text has fewer lines."""
        start = self._start_of(first)
        if start is None:
            return None
        end = start
        for counted in range(last - first + 1):
            newline = self.data.find(b"\n", end)
            if newline < 0:
                return (start, len(self.data)) if counted == last - first else None
            end = newline + 1
        return start, end - 1

    def _start_of(self, line: int) -> int | None:
        if line < self._line:  # asked out of order: from the start again
            self._line, self._offset = 0, self._origin
        while self._line < line:
            newline = self.data.find(b"\n", self._offset)
            if newline < 0:
                return None
            self._line, self._offset = self._line + 1, newline + 1
        return self._offset


def line_span(data: bytes, first: int, last: int) -> tuple[int, int] | None:
    """``LineSpans`` of one range alone."""
    return LineSpans(data).span(first, last)
