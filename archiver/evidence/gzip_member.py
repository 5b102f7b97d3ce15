"""One gzip member per WARC record, compressed with ISA-L (python-isal).

ISA-L's deflate at level 1 compresses the archive's real pages about five times faster than
zlib at level 3 for about 5% more bytes (bench/RESULTS.md); its output is standard deflate,
which every gzip reader inflates. The member's 10-byte header is written here rather than
by the compressor, so every member carries the same header as those of earlier versions
(zlib's, for a member with no name and no time): no CRC covers a gzip header, and
``verify`` compares it byte for byte, in old files and new.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from isal import isal_zlib

# ISA-L level 1: measured on the real pages (bench/RESULTS.md), as fast as level 0 and
# smaller; level 3 is as small as zlib's level 3 at half the speed of level 1.
LEVEL = 1
RAW_DEFLATE = -15  # window bits: a bare deflate stream, no zlib or gzip framing
#: ID1 ID2, CM deflate, no flags, no modification time, XFL 0, OS Unix (as zlib writes it).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


def gzip_member(data: bytes) -> bytes:
    """``data`` as one whole gzip member: header, deflate stream, CRC-32 and length."""
    deflated = isal_zlib.compress(data, LEVEL, RAW_DEFLATE)
    return GZIP_HEADER + deflated + _trailer(isal_zlib.crc32(data), len(data))


class Deflated(NamedTuple):
    """The end of a member compressed ahead, where its bytes were read (a scan's worker
    process): a raw deflate stream that ends with the final block, with the CRC-32 and length
    of what it holds. ``join_member`` puts a head before it."""

    stream: bytes
    crc32: int
    size: int


def deflate(data: bytes, end: bytes = b"") -> Deflated:
    """``data + end`` deflated (without joining the two)."""
    compressor = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, RAW_DEFLATE)
    stream = compressor.compress(data) + compressor.compress(end) + compressor.flush()
    return Deflated(stream, isal_zlib.crc32(end, isal_zlib.crc32(data)), len(data) + len(end))


def join_member(head: bytes, tail: Deflated) -> bytes:
    """One gzip member of ``head`` followed by what ``tail`` holds: the head's deflate stream
    is ended by a sync flush (an empty stored block, no final bit, byte-aligned), so the
    tail's stream continues it, and the CRC-32s are combined, as pigz joins its blocks."""
    compressor = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, RAW_DEFLATE)
    stream = compressor.compress(head) + compressor.flush(isal_zlib.Z_SYNC_FLUSH)
    crc = isal_zlib.crc32_combine(isal_zlib.crc32(head), tail.crc32, tail.size)
    return GZIP_HEADER + stream + tail.stream + _trailer(crc, len(head) + tail.size)


def _trailer(crc: int, size: int) -> bytes:
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
