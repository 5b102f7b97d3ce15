"""Reading one page file or standard input whole, refusing what is no page: empty, binary,
or past ``MAX_PAGE_BYTES`` (a pipe or device is refused on its head, before the rest is read).
A page file may be gzip-compressed (``story.html.gz``; wget keeps a page as the server sent
it, compressed when it compressed it unasked): the page is what it holds, within the same
limit once decompressed.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO, NamedTuple

from .errors import TargetError
from .saved_pages import WEBARCHIVE_MAGIC
from .small_files import GZIP_MAGIC, MAX_PAGE_BYTES, NotReadable, gunzipped

SNIFF_BYTES = 8192  # the head that tells a binary file (a NUL byte, no UTF-16 mark)


READ_PIECE = 1 << 20


class PageFile(NamedTuple):
    """A local page file as read: its bytes, and the page they are (the same bytes, or what
    a gzip file holds)."""

    data: bytes
    page: bytes

    @property
    def gzipped(self) -> bool:
        return self.data.startswith(GZIP_MAGIC)


def page_file(data: bytes) -> PageFile:
    """A file's bytes and the page they are: what gzip bytes hold (``NotReadable`` when they
    do not decompress within ``MAX_PAGE_BYTES``), any other bytes as they are."""
    return PageFile(data, gunzipped(data) if data.startswith(GZIP_MAGIC) else data)


def read_page_file(path: str) -> bytes:
    """A local page's bytes; empty, unreadable and binary files are refused (a gzip file
    too: only ``read_local_page`` reads one)."""
    data = _read_file(path)
    check_page_bytes(path, data)
    return data


def read_local_page(path: str) -> PageFile:
    """A page file named to be scanned, gzip-compressed or not; what is no page is refused
    as ``read_page_file`` refuses it, a gzip file by what it holds."""
    data = _read_file(path, gzip_ok=True)
    if not data.startswith(GZIP_MAGIC):
        check_page_bytes(path, data)
        return PageFile(data, data)
    try:
        page = page_file(data).page
    except NotReadable as exc:
        raise TargetError(f"{path}: gzip-compressed, {exc}") from None
    if page.lstrip()[:16].startswith(WEB_ARCHIVE_STARTS):
        raise TargetError(
            f"{path}: a gzip-compressed web archive, not a page; name it .warc.gz (an ARC"
            " file .arc.gz) to scan its records"
        )
    check_page_bytes(f"{path} (gzip-compressed)", page)
    return PageFile(data, page)


# How a WARC file's first record and an ARC file's version block start: a web archive in
# gzip under another name (``crawl.gz``) would be one text page of all its records.
WEB_ARCHIVE_STARTS = (b"WARC/", b"filedesc://")


def _read_file(path: str, gzip_ok: bool = False) -> bytes:
    try:
        with open(path, "rb") as fh:
            return read_checked(fh, path, gzip_ok)
    except IsADirectoryError:
        raise TargetError(f"{path}: is a directory") from None
    except PermissionError:
        raise TargetError(f"{path}: permission denied") from None
    except OSError as exc:
        raise TargetError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_checked(stream: BinaryIO, label: str, gzip_ok: bool = False) -> bytes:
    """All of ``stream``, refused as binary on its head and past ``MAX_PAGE_BYTES``. A
    regular file is refused by its size before it is read, else read in one call (its size
    and one byte more, to see whether it grew): the page is not copied again to join
    pieces. A pipe or a device (``yes | archive scan -``, ``/dev/zero``, a film named
    ``.html`` would fill the memory) is refused as binary on its head before the rest is
    read, and once past the limit. ``gzip_ok``: gzip bytes are no binary file (their page
    is judged once they are decompressed)."""
    known = _file_size(stream)
    if known is not None and known > MAX_PAGE_BYTES:
        raise _too_big(label)
    first = stream.read(SNIFF_BYTES if known is None else known + 1)
    if not (gzip_ok and first.startswith(GZIP_MAGIC)):
        _refuse_binary(label, first[:SNIFF_BYTES])
    if known is not None and len(first) <= known:
        return first  # its end
    parts, size = [first], len(first)
    while size <= MAX_PAGE_BYTES and (piece := stream.read(READ_PIECE)):
        parts.append(piece)
        size += len(piece)
    if size > MAX_PAGE_BYTES:
        raise _too_big(label)
    return b"".join(parts)


def _too_big(label: str) -> TargetError:
    return TargetError(f"{label}: larger than {MAX_PAGE_BYTES:,} bytes, not an article page")


def _file_size(stream: BinaryIO) -> int | None:
    """The size of a regular file, or None for a pipe, a device, or a stream that is no
    file."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size == 0:
        return None  # /proc files say 0 and still hold bytes
    return status.st_size


def check_page_bytes(label: str, data: bytes, *, saved_pages: bool = True) -> None:
    """Refuses empty and binary bytes; ``saved_pages``: but for a web archive (a page saved
    by Safari, a binary property list), which only a local file or standard input can be."""
    if not data or data.isspace():  # isspace stops at the first other byte; strip copies
        raise TargetError(f"{label}: empty file")
    _refuse_binary(label, data[:SNIFF_BYTES], saved_pages)


def _refuse_binary(label: str, head: bytes, saved_pages: bool = True) -> None:
    if is_binary(head) and not (saved_pages and head.startswith(WEBARCHIVE_MAGIC)):
        raise TargetError(f"{label}: binary file, not a web page or text")


def page_suffix(name: str) -> str:
    """A page file's suffix, lower-cased: that of the name a gzip file's name holds
    (``story.html.gz``: ``.html``)."""
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    return os.path.splitext(stem)[1].lower() if suffix == ".gz" else suffix


def is_binary(data: bytes) -> bool:
    """Whether bytes are no page or text: a NUL in their first ``SNIFF_BYTES``, unless they
    start with a UTF-16 byte order mark."""
    head = data[:SNIFF_BYTES]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
