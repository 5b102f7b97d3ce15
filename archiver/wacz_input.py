"""The WARC files inside a WACZ file (a crawl packed as Browsertrix and ArchiveWeb.page write
it), read in place.

A WACZ is a ZIP whose WARC files (in ``archive/``) are stored uncompressed, so that replay
tools can fetch a record by its byte range. A WARC file stored so is its own bytes inside
the WACZ, and its records are pointed at in the WACZ file itself: ``archive verify`` reads
them back there, as it reads a crawl's ``.warc.gz``. A WARC file the ZIP compresses has no
such bytes, and is refused.
"""

from __future__ import annotations

import os
import struct
import zipfile
from typing import BinaryIO

from .errors import TargetError
from .warc_extent import WarcPart

WACZ_SUFFIX = ".wacz"
WARC_MEMBER_SUFFIXES = (".warc", ".warc.gz")
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and extra field's sizes
LOCAL_SIGNATURE = b"PK\x03\x04"


def is_wacz_path(path: str) -> bool:
    return path.lower().endswith(WACZ_SUFFIX)


def wacz_warc_parts(path: str, label: str) -> list[tuple[WarcPart | TargetError, str]]:
    """Each WARC file of the WACZ at ``path`` with its name in the ZIP, in the ZIP's order
    (Browsertrix's file of page texts last):
    where its bytes lie, or the ``TargetError`` that says why they cannot be read (the ZIP
    compressed or encrypted it), in its place, so that the others are read all the same.
    ``TargetError`` (naming the file as ``label``) when it is no ZIP or holds no WARC file;
    ``OSError`` when it cannot be opened."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if _is_warc(info)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise TargetError(f"{label}: not a readable WACZ file ({exc})") from None
    if not members:
        raise TargetError(f"{label}: no WARC file in the WACZ (none in its archive/ folder)")
    members.sort(key=_holds_texts)  # stable: the ZIP's order otherwise
    with open(path, "rb") as fh:
        return [(_part_or_error(fh, path, info, label), info.filename) for info in members]


def _holds_texts(info: zipfile.ZipInfo) -> bool:
    """Whether the WARC file is Browsertrix's file of page texts (``text-…``), read after the
    others: a page's HTML, where the WACZ holds it, is read first (``warc_input._Captures``)."""
    return os.path.basename(info.filename).startswith("text-")


def _part_or_error(
    fh: BinaryIO, path: str, info: zipfile.ZipInfo, label: str
) -> WarcPart | TargetError:
    try:
        return _part(fh, path, info, label)
    except TargetError as exc:
        return exc


def _is_warc(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return name.startswith("archive/") and name.lower().endswith(WARC_MEMBER_SUFFIXES)


def _part(fh: BinaryIO, path: str, info: zipfile.ZipInfo, label: str) -> WarcPart:
    """Where the bytes of the WARC file ``info`` lie in the WACZ file ``fh``: after its
    local header, whose name and extra field may differ in size from the central
    directory's."""
    where = f"{label} ({info.filename})"
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        raise TargetError(
            f"{where}: compressed or encrypted inside the WACZ, so its records cannot be"
            " pointed at; store it uncompressed (as the WACZ format asks)"
        )
    fh.seek(info.header_offset)
    header = fh.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size:
        raise TargetError(f"{where}: not a readable WACZ file (its local header is cut)")
    signature, name_size, extra_size = LOCAL_HEADER.unpack(header)
    if signature != LOCAL_SIGNATURE:
        raise TargetError(f"{where}: not a readable WACZ file (no local header at its offset)")
    start = info.header_offset + LOCAL_HEADER.size + name_size + extra_size
    return WarcPart(path, start, start + info.compress_size)
