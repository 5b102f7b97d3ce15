"""Opening a file that must be a regular one (a config file, a worker's URL list, a WARC
file ``archive verify`` reads back).

A named pipe blocks its reader until a writer comes, for ever if none does, and a device
such as ``/dev/zero`` never ends: the file is opened without blocking, refused unless it is
a regular file, and a small one is read up to a limit.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

NOT_REGULAR = "not a regular file (a pipe or a device)"
# The most a page may hold (a page file, standard input, a crawl's record): twice the biggest
# saved page seen (a SingleFile save with its images inlined); detection holds several times
# a page in memory.
MAX_PAGE_BYTES = 100_000_000
GZIP_MAGIC = b"\x1f\x8b"  # a gzip file's first bytes (RFC 1952)
LENGTH_DIGITS = 18  # more than any file's size has: a length past them is past any file
INFLATE_PIECE = 1 << 20
FIRST_PIECE = 64  # of a gzip member's bytes handed to zlib, doubling up to INFLATE_PIECE


class NotReadable(ValueError):
    """Why a path cannot be read as a small regular file (the message is the reason)."""


def open_regular(path: str | Path) -> BinaryIO:
    """``path`` opened for reading, which must be a regular file: anything else in its place
    raises ``OSError`` (``IsADirectoryError`` for a directory; a FIFO would block the open
    or the read, so it is opened without blocking and refused)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_small_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them. Raises the
    ``OSError``\\ s of ``open_regular`` (``FileNotFoundError`` included), and ``NotReadable``
    for a file over the limit."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(f"larger than {limit:,} bytes")
    return data


def why_unreadable(exc: OSError | NotReadable) -> str:
    """The reason in words, lower-case (``no such file or directory``, not ``[Errno 2] …``)."""
    reason = str(exc) if isinstance(exc, NotReadable) else exc.strerror or str(exc)
    return reason.lower()


def declared_length(digits: str | bytes) -> int:
    """A length a header writes in decimal digits (``isdigit``); one of more digits than
    ``LENGTH_DIGITS`` as ``10**LENGTH_DIGITS``, longer than any file: ``int`` refuses a
    string past 4,300 digits, and a crafted header stopped a scan in a traceback."""
    text = (digits.decode("ascii") if isinstance(digits, bytes) else digits).lstrip("0")
    return int(text or 0) if len(text) <= LENGTH_DIGITS else 10**LENGTH_DIGITS


def gunzipped(data: bytes, limit: int = MAX_PAGE_BYTES) -> bytes:
    """What the gzip file ``data`` holds, as ``gzip -d`` reads it: each member in turn, zero
    bytes after the last passed over (Python's ``gzip`` module reads them so). Raises
    ``NotReadable`` once past ``limit`` decompressed (inflated a piece at a time: a small
    file that inflates without end stops there), for a stream cut short or failing its
    CRC-32 or length, and for bytes after it that are no gzip member."""
    view = memoryview(data)
    parts: list[bytes] = []
    at = size = 0
    while True:
        at, size = _inflate_member(view, at, parts, size, limit)
        if view[at : at + len(GZIP_MAGIC)] == GZIP_MAGIC:
            continue
        if view[at:].tobytes().strip(b"\0"):
            raise NotReadable("bytes after the gzip data that are no gzip member")
        return b"".join(parts)


def _inflate_member(
    view: memoryview, at: int, parts: list[bytes], size: int, limit: int
) -> tuple[int, int]:
    """Inflate the gzip member at ``at`` onto ``parts`` (``size`` bytes so far, ``limit`` in
    all); where it ends, and the size then. Fed in pieces that start small and double
    (``FIRST_PIECE``): zlib copies what it was handed past a member's end, so handing it the
    rest of the file (or a large piece) at each member made a file of many small members
    cost its size times their number."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    step = FIRST_PIECE
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, INFLATE_PIECE)
            else:
                fed = view[at : at + step]
                at, step = at + len(fed), min(step * 2, INFLATE_PIECE)
                piece = inflater.decompress(fed, INFLATE_PIECE)
                if not fed and not piece:
                    break
            size += len(piece)
            if size > limit:
                raise NotReadable(f"larger than {limit:,} bytes once decompressed")
            parts.append(piece)
    except zlib.error as exc:
        raise NotReadable(f"damaged gzip data ({exc})") from None
    if not inflater.eof:
        raise NotReadable(f"gzip data cut short ({size:,} bytes decompressed)")
    return at - len(inflater.unused_data), size
