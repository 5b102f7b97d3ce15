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


def _trailer(crc: int, size: int) -> bytes:
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
