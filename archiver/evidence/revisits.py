"""When an HTTP answer is kept as a ``revisit``: its payload and its body as served are
those of the last record this archive kept for the same URL.

The identical-payload-digest profile says a revisit's ``WARC-Payload-Digest`` is its
original's, and replay tools find the original by it. The ``records`` row holds the SHA-256
of the decoded payload, which a page served gzipped once and plain (or gzipped differently)
the next time shares; so the original is read back (its gzip member inflated whole, its CRC
checked, without warcio) and the SHA-1 of its body as served must be both its own recorded
digest and the answer's: a revisit stands only for bytes the archive holds whole. When a
digest differs, or the original cannot be read whole (a file moved away, a record cut short
or changed), the answer is kept in full.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from pathlib import Path
from typing import NamedTuple

from ..db.evidence import latest_payload
from ..models import WarcRecordRef
from ..small_files import open_regular
from .warc import RECORD_END, HttpCapture, Original, WarcLog, served_digest, sha1_digest


class Kept(NamedTuple):
    """An answer's record (``response`` or ``revisit``) and the one holding its payload (the
    same record, or the revisit's original)."""

    written: WarcRecordRef
    payload: WarcRecordRef


def keep_answer(
    conn: sqlite3.Connection,
    log: WarcLog,
    capture: HttpCapture,
    payload_sha256: str | None = None,
    durable: bool = True,
) -> Kept:
    """Write one HTTP answer: a revisit when it is unchanged, else a response (each after
    its request and redirects). ``payload_sha256``: of ``capture.payload``, when known."""
    digest = payload_sha256 or hashlib.sha256(capture.payload).hexdigest()
    previous = unchanged_original(conn, log.directory, capture, digest)
    if previous is None:
        written = log.write_http(capture, payload_sha256=digest, durable=durable)
        return Kept(written, written)
    return Kept(log.write_revisit(capture, original_of(previous, capture.url), durable), previous)


def unchanged_original(
    conn: sqlite3.Connection, warc_dir: Path, capture: HttpCapture, payload_sha256: str
) -> WarcRecordRef | None:
    """The record a revisit of ``capture`` would refer to, or None: keep it in full. Only a
    ``response`` this archive wrote (a crawl's records are referenced, not ours to point at)."""
    previous = latest_payload(conn, capture.url)
    if previous is None or not _ours(previous) or previous.payload_sha256 != payload_sha256:
        return None
    stored = stored_digest(warc_dir / previous.warc_file, previous)
    return previous if stored is not None and stored == served_digest(capture) else None


def original_of(ref: WarcRecordRef, url: str) -> Original:
    """What a revisit of ``url`` names of the record ``ref`` points at."""
    return Original(ref.record_id, ref.target_uri or url, ref.date, ref.payload_sha256)


def _ours(ref: WarcRecordRef) -> bool:
    return (
        ref.record_type == "response"
        and isinstance(ref.warc_file, str)
        and bool(ref.warc_file)
        and not Path(ref.warc_file).is_absolute()
    )


def stored_digest(path: Path, ref: WarcRecordRef) -> str | None:
    """The ``WARC-Payload-Digest`` of the response record ``ref`` points at, when the record
    is whole: its gzip member inflates to the end with a good CRC, it is the record the row
    names, and its body as stored has that digest. None otherwise."""
    record = _inflated(path, ref.warc_offset, ref.warc_length)
    head, found, rest = record.partition(b"\r\n\r\n") if record else (b"", b"", b"")
    if not found or not head.startswith(b"WARC/"):
        return None
    fields = _fields(head)
    length = fields.get("Content-Length", "")
    if not length.isdigit() or rest[int(length) :] != RECORD_END:
        return None
    _, found, body = rest[: int(length)].partition(b"\r\n\r\n")  # after the HTTP head
    digest = fields.get("WARC-Payload-Digest")
    if fields.get("WARC-Record-ID") != ref.record_id or not found or digest != sha1_digest(body):
        return None
    return digest


def _inflated(path: Path, offset: int, length: int) -> bytes | None:
    """The record in the gzip member of ``length`` bytes at ``offset``, or None when it is
    not there whole (zlib checks the member's CRC-32 and size at its end)."""
    try:
        with open_regular(path) as fh:
            fh.seek(offset)
            data = fh.read(length)
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        record = inflater.decompress(data)
    except (OSError, ValueError, zlib.error):
        return None
    whole = len(data) == length and inflater.eof and not inflater.unused_data
    return record if whole else None


def _fields(head: bytes) -> dict[str, str]:
    pairs = (line.partition(b":") for line in head.split(b"\r\n")[1:])
    return {
        name.decode("utf-8", "replace"): value.strip().decode("utf-8", "replace")
        for name, colon, value in pairs
        if colon
    }
