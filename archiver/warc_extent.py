"""Where a WARC record ends, read from its own bytes: the check that a file is whole.

FastWARC ends a file quietly where a record is cut inside its headers (the record comes out
without them, or not at all) and reads a gzip member missing its trailer as whole; warcio
then refuses those bytes in ``archive verify``. The last record of a file, and the record
before one FastWARC cannot read, are measured here: their headers, ``Content-Length`` bytes
and (gzip) their member's trailer must all be in the file.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from typing import BinaryIO, NamedTuple

from .errors import TargetError
from .small_files import declared_length

CHUNK = 1 << 16
MAX_HEADERS = 1 << 20  # WARC headers are looked for in this many bytes
# Blank bytes a writer or a copy leaves after a record (an extra CRLF, zeros): no record.
PADDING = b"\r\n\t \0"
PADDING_BYTES = 1 << 16
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)


class WarcPart(NamedTuple):
    """Where a WARC file's bytes are: a whole file, or a WARC file stored whole (not
    compressed) inside a WACZ file, from ``start`` to ``end`` of ``path``. Offsets are the
    file's own either way: a record's pointer is read back from ``path``."""

    path: str
    start: int
    end: int

    @classmethod
    def whole(cls, path: str) -> WarcPart:
        return cls(path, 0, os.path.getsize(path))

    def open(self, offset: int | None = None) -> BinaryIO:
        """The file, positioned at ``offset`` (default: ``start``), reading no further than
        ``end``."""
        window = _Window(open(self.path, "rb"), self.end)  # noqa: SIM115 (closed with it)
        reader = io.BufferedReader(window, CHUNK)
        reader.seek(self.start if offset is None else offset)
        return reader


class _Window(io.RawIOBase):
    """A file read up to ``end`` only, its positions the file's."""

    def __init__(self, fh: BinaryIO, end: int) -> None:
        self._fh, self._end = fh, end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._fh.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            return self._fh.seek(self._end + offset)
        return self._fh.seek(offset, whence)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = max(0, min(len(buffer), self._end - self._fh.tell()))
        data = self._fh.read(wanted)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._fh.close()
        super().close()


class RecordCut(Exception):
    """The record is not all in the file; ``args[0]`` says what is missing."""


def record_end(part: WarcPart, offset: int, gzipped: bool, label: str | None = None) -> int:
    """The offset where the record at ``offset`` ends (its separator or gzip member
    included), or ``TargetError`` naming the offset (and the file as ``label``, else its
    path) when the file ends before it does."""
    try:
        with part.open(offset) as fh:
            if gzipped:
                member = read_member(fh, offset)
                _record_size(member.head, member.have)
                return member.end
            head = fh.read(MAX_HEADERS)
            return offset + _record_size(head, part.end - offset)
    except RecordCut as cut:
        raise TargetError(
            f"{label or part.path}: record at byte {offset} is truncated ({cut.args[0]})"
        ) from None


def past_empty_members(part: WarcPart, offset: int) -> int:
    """The offset after the empty gzip members (no byte when decompressed) that start at
    ``offset``, or ``offset`` when none does. FastWARC ends a file quietly at one, which a
    writer may leave between records or at the end; warcio reads on past it."""
    with part.open() as fh:
        while True:
            fh.seek(offset)
            if fh.read(2) != b"\x1f\x8b":
                return offset
            fh.seek(offset)
            try:
                member = read_member(fh, offset)
            except RecordCut:
                return offset
            if member.have:
                return offset
            offset = member.end


class Member(NamedTuple):
    """A gzip member as read (``read_member``)."""

    head: bytes  # its first decompressed bytes (the headers), MAX_HEADERS at most
    have: int  # its decompressed length
    end: int  # the offset where it ends
    tail: bytes  # its last decompressed bytes, PADDING_BYTES at most

    def holds_one(self, size: int) -> bool:
        """Whether the member holds no more than a record of ``size`` bytes and newlines
        after it (a writer's extra line end, which readers pass over between records): no
        second record."""
        extra = self.have - size
        if extra <= 0:
            return True
        return extra <= len(self.tail) and not self.tail[-extra:].strip(b"\r\n")


def read_member(fh: BinaryIO, offset: int) -> Member:
    """The gzip member at ``offset``. Decompresses it all, streamed."""
    inflater = zlib.decompressobj(wbits=31)
    head = tail = b""
    have = read = 0
    for chunk in iter(lambda: fh.read(CHUNK), b""):
        read += len(chunk)
        try:
            data = inflater.decompress(chunk)
        except zlib.error as exc:
            raise RecordCut(f"its gzip member is damaged: {exc}") from None
        head += data[: max(0, MAX_HEADERS - len(head))]
        tail = (tail + data)[-PADDING_BYTES:]
        have += len(data)
        if inflater.eof:
            return Member(head, have, offset + read - len(inflater.unused_data), tail)
    raise RecordCut("the file ends inside its gzip member")


def _record_size(head: bytes, have: int) -> int:
    """The record's size from its headers: headers, block and CRLF CRLF, all of which must
    be in the ``have`` bytes."""
    headers, found, _ = head.partition(b"\r\n\r\n")
    if not found:
        raise RecordCut("the file ends inside its WARC headers")
    length = _LENGTH.search(headers + b"\r\n")
    if length is None:
        raise RecordCut("no Content-Length in its WARC headers")
    size = len(headers) + 4 + declared_length(length.group(1)) + 4
    if size > have:
        raise RecordCut(f"the file holds {have:,} of its {size:,} bytes")
    return size


def holds_one_record(fh: BinaryIO) -> bool:
    """Whether the gzip member at the start of ``fh`` holds one record (as a WARC's gzip
    members must: each record its own member, so that an offset points at it; blank bytes
    after it are no record) rather than a whole file compressed as one stream; ``fh`` is
    left where it was. A member that is damaged or cut is not this check's to report: the
    reading does."""
    start = fh.tell()
    try:
        member = read_member(fh, start)
        return member.holds_one(_record_size(member.head, member.have))
    except RecordCut:
        return True
    finally:
        fh.seek(start)
