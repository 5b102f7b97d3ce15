"""When an HTTP answer is kept as a ``revisit``: its payload and its body as served are
those of the last record this archive kept for the same URL.

The identical-payload-digest profile says a revisit's ``WARC-Payload-Digest`` is its
original's, and replay tools find the original by it. The ``records`` row holds the SHA-256
of the decoded payload, which a page served gzipped once and plain (or gzipped differently)
the next time shares; so the original's own digest, of its body as served, is read from
the start of its record (only the header block is inflated, without warcio) and compared
too. Then the original is read in full and its digests checked: a revisit stands for bytes
the archive holds whole. When either digest differs, or the original cannot be read whole
(a file moved away, a record cut short or changed), the answer is kept in full.
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
from .warc import HttpCapture, Original, WarcLog, served_digest

HEAD_PIECE = 16384  # stored bytes read for the header block (ours take well under 2 KB)
HEAD_MAX = 65536  # the most inflated from them


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
    path = warc_dir / previous.warc_file
    fields = stored_fields(path, previous.warc_offset)
    if fields is None or fields.get("WARC-Payload-Digest") != served_digest(capture):
        return None
    return previous if _whole(path, previous) else None


def _whole(path: Path, ref: WarcRecordRef) -> bool:
    """The original read in full is the record its row names, its digests holding: else its
    bytes are not there to stand for the answer's (a cut or changed record). Imported here:
    ``read`` brings warcio, which a scan of local files never needs."""
    from .read import RecordError, read_record

    try:
        stored = read_record(path, ref.warc_offset, ref.warc_length)
    except RecordError:
        return False
    return stored.record_id == ref.record_id and stored.payload_sha256 == ref.payload_sha256


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


def stored_fields(path: Path, offset: int) -> dict[str, str] | None:
    """The WARC header fields of the record at ``offset`` of ``path`` (a gzip member of
    this archive's writer); None when they cannot be read."""
    try:
        with open_regular(path) as fh:
            fh.seek(offset)
            start = fh.read(HEAD_PIECE)
        text = zlib.decompressobj(zlib.MAX_WBITS + 16).decompress(start, HEAD_MAX)
    except (OSError, ValueError, zlib.error):
        return None
    head, found, _ = text.partition(b"\r\n\r\n")
    if not found or not head.startswith(b"WARC/"):
        return None
    pairs = (line.partition(b":") for line in head.split(b"\r\n")[1:])
    return {
        name.decode("utf-8", "replace"): value.strip().decode("utf-8", "replace")
        for name, colon, value in pairs
        if colon
    }
