"""ARC files (``.arc``, ``.arc.gz``: the Internet Archive's format before WARC, still that of
many collections) as scan input: every HTML page, as a WARC file's are.

FastWARC reads no ARC; warcio does, and ``archive verify`` reads every record back with it.
Records are found here from their own bytes (a header line ending in the content's length;
in an ``.arc.gz``, a gzip member each), then each record's bytes, as stored, are read by
warcio as verify reads them (``check_record``): what is scanned is what verify checks. The
file must start with its ``filedesc://`` version block: warcio takes any line of text for
a record. A response is judged as a WARC file's is (``warc_http.crawled_page``): one not
2xx, or a 206 holding a part of the page, is no page; one whose body ends before its
``Content-Length`` or last chunk (a dropped connection) is a page cut short.

An ARC record has no record ID and no digest: its row's ID is ``arc_record_id`` of its
bytes, which verify recomputes. ``archive export`` refuses ARC records (a WACZ holds WARC
records).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any, NamedTuple

from .errors import TargetError
from .evidence.read import (
    RecordError,
    StoredRecord,
    arc_record_end,
    check_record,
    inflate_member,
)
from .models import WarcRecordRef
from .small_files import MAX_PAGE_BYTES
from .urls import without_password
from .warc_extent import CHUNK, RecordCut, WarcPart, read_member
from .warc_http import crawled_page, stored_answer
from .warc_input import (
    DamagedRecord,
    RawPage,
    SkipRecord,
    WarcCounts,
    count_skip,
    is_html,
    only_padding,
    readable_back,
)

FILEDESC = b"filedesc://"


class _Span(NamedTuple):
    """One record's bytes in the file: ``start`` to ``end``, and its first bytes (the
    header line), decompressed; ``held`` of the ``declared`` bytes of its header line and
    content when its gzip member holds fewer (None: all of them)."""

    start: int
    end: int
    head: bytes
    held: int | None = None
    declared: int = 0


def arc_pages(path: str, label: str, counts: WarcCounts) -> Iterator[RawPage | DamagedRecord]:
    """The HTML pages of the ARC file ``path`` (absolute; ``label`` names it in messages)
    in file order; the other records counted as a WARC file's
    are. ``TargetError``, after the pages before it, when it is no ARC file, a record is
    cut short or bytes that are no record follow one. A whole gzip member holding less
    than its record's header line declares is a ``DamagedRecord`` in its place: the next
    member is read."""
    part = WarcPart.whole(path)
    with part.open() as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    offset, first = 0, True
    while (span := _next_record(part, offset, gzipped, label)) is not None:
        if first and not span.head.startswith(FILEDESC):
            raise TargetError(f"{label}: not an ARC file (it does not start with filedesc://)")
        first, offset = False, span.end
        if span.held is not None:
            yield _short(span, label)
            continue
        try:
            yield _page(part, span, label)
        except SkipRecord as skip:
            count_skip(counts, skip.args[0])
    if first:
        raise TargetError(f"{label}: not an ARC file (no ARC record in it)")


def _next_record(part: WarcPart, offset: int, gzipped: bool, label: str) -> _Span | None:
    """The record at ``offset`` (blank bytes before it passed), or None at the file's end."""
    if offset >= part.end or only_padding(part, offset):
        return None
    with part.open(offset) as fh:
        if not gzipped:
            return _plain_record(fh.read(CHUNK), offset, part.end, label)
        if fh.read(2) != b"\x1f\x8b":
            raise TargetError(
                f"{label}: not a readable ARC file (at byte {offset}: no gzip member)"
            )
        fh.seek(offset)
        try:
            member = read_member(fh, offset)
        except RecordCut as cut:
            raise TargetError(f"{label}: record at byte {offset} is truncated ({cut})") from None
    size = _record_length(member.head)
    if size is None:
        raise TargetError(f"{label}: {NO_HEADER_LINE.format(offset)}")
    if not member.holds_one(size):  # the newline after it is blank
        raise TargetError(f"{label}: {SHARED_MEMBER.format(offset)}")
    held = member.have if member.have < size else None
    return _Span(offset, member.end, member.head, held, size)


def _short(span: _Span, label: str) -> DamagedRecord:
    """A record its gzip member holds only part of: verify could not read it back. It is
    named by its URL without a password, as a page's record is (``_reference``)."""
    fields = _header_fields(span.head) or [b""]
    uri = without_password(fields[0].decode("utf-8", "replace"))
    return DamagedRecord(
        uri,
        f"{label}: record at byte {span.start} is cut short (its gzip member holds"
        f" {span.held:,} of the {span.declared:,} bytes its header line declares), not scanned",
    )


NO_HEADER_LINE = "not a readable ARC file (at byte {}: no header line ending in a record's length)"
_DIGITS = re.compile(rb"\d+")
_SCHEME = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*:")  # RFC 3986's scheme: http:, dns:, filedesc:


def _record_length(data: bytes) -> int | None:
    """The length of the record that starts ``data`` (``arc_record_end``) when its first
    line is an ARC header line (``_header_fields``); None for any other line: one that
    merely ends in a number ("Content-Length: 20", where a record's wrong length lands the
    reading) is no record."""
    return arc_record_end(data) if _header_fields(data) else None


def _header_fields(data: bytes) -> list[bytes] | None:
    """The fields of the ARC header line that starts ``data``, as the spec has them: URL
    (a scheme, then the rest), IP address, archive date (digits), content type, version 2's
    result code, checksum, location, offset and file name, then the length; split from the
    right, since a URL may hold spaces (as warcio reads it). None when it is no such line."""
    line = data[: data.find(b"\n") + 1].rstrip(b"\r\n")
    for count in (10, 5):  # versions 2 and 1
        fields = line.rsplit(b" ", count - 1)
        if (
            len(fields) == count
            and _SCHEME.match(fields[0])
            and _DIGITS.fullmatch(fields[2])
            and fields[-1].isdigit()
        ):
            return fields
    return None


SHARED_MEMBER = (
    "the gzip member at byte {} holds more than one record (the file compressed as one gzip"
    " stream?), so they cannot be pointed at; gunzip it, or compress it a gzip member per"
    " record"
)


def _plain_record(data: bytes, offset: int, size: int, label: str) -> _Span:
    """The record of an uncompressed ARC file whose bytes, from ``offset``, start with
    ``data``: its header line ends in its content's length (the newline after the content
    is no part of it, as for warcio)."""
    blank = len(data) - len(data.lstrip(b"\r\n"))
    start, length = offset + blank, _record_length(data[blank:])
    if length is None:
        raise TargetError(f"{label}: {NO_HEADER_LINE.format(start)}")
    end = start + length
    if end > size:
        raise TargetError(
            f"{label}: record at byte {start} is truncated (the file holds {size - start:,}"
            f" of its {end - start:,} bytes)"
        )
    return _Span(start, end, data[blank : blank + CHUNK])


def _page(part: WarcPart, span: _Span, label: str) -> RawPage:
    """The page of a record, read back as verify reads it; ``SkipRecord`` when it is none."""
    if span.end - span.start > MAX_PAGE_BYTES:
        raise SkipRecord("non_html")  # a film or an archive, not an article: it is not read
    with part.open(span.start) as fh:
        data = fh.read(span.end - span.start)
    try:
        if data.startswith(b"\x1f\x8b"):
            data = inflate_member(data, ours=False)
        stored = check_record(data, f"{label}@{span.start}", ours=False)
    except (RecordError, ValueError, zlib.error):
        raise SkipRecord("unreadable") from None
    if stored.record_type != "response":  # the version block (arc_header)
        raise SkipRecord("other")
    if not is_html(stored.content_type, None, stored.payload):
        raise SkipRecord("non_html")
    cut = crawled_page(*_answer(data))
    ref = _reference(part.path, span, stored)
    return RawPage(ref, stored.payload, stored.payload, None, None, label=label, truncated=cut)


def _answer(record: bytes) -> tuple[int, bytes, Any]:
    """The status, the body as stored and the header fields of an ARC record's HTTP response
    (``record`` uncompressed), as ``crawled_page`` judges a WARC response's."""
    content = record[record.find(b"\n") + 1 : arc_record_end(record)]
    http, payload = stored_answer(content)
    return http.status_code, payload, http


def _reference(path: str, span: _Span, stored: StoredRecord) -> WarcRecordRef:
    """The pointer a page's rows keep; ``SkipRecord`` when verify could not read it back by it
    (an address that is no ``http(s)`` URL, no date)."""
    uri = stored.target_uri or ""
    if not readable_back(uri) or stored.date is None:
        raise SkipRecord("unreadable")
    return WarcRecordRef(
        warc_file=path,
        warc_offset=span.start,
        warc_length=span.end - span.start,
        record_id=stored.record_id,
        record_type=stored.record_type,
        target_uri=without_password(uri),
        date=stored.date,
        http_status=stored.http_status,
        content_type=stored.content_type,
        payload_sha256="",  # ``checked``
    )
