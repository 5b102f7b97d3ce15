"""Which scanned pages are kept, and how: called just before a scan is saved.

A page is kept when it shows an embed, or when its article ever showed one (so the re-scan
in which an embed vanished, or in which the article answered with an HTTP error, is evidence
too); a page that never had an embed keeps only its hash and scan row. An HTTP page becomes
a ``response`` record (with its ``request``), or a ``revisit`` when it is served again
exactly as last kept; a local file or standard input a ``resource`` record holding its
exact bytes (a file scanned again unchanged too: a revisit of a ``resource`` is no HTTP
capture, and replay tools do not pair one with its original).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from ..db.evidence import article_had_embeds, located_embeds
from ..models import FrameFile, ScanRecord, WarcRecordRef
from ..normalize import sha256_hex
from ..page_read import PageFile, page_file, page_suffix
from ..small_files import NotReadable
from ..urls import file_url_path
from .gzip_member import Deflated
from .revisits import keep_answer
from .warc import HttpCapture, WarcLog, deflate_resource


class PreparedPage(NamedTuple):
    """A local file's record made ready in the scan's worker process that read the file: its
    bytes (the very bytes the scan hashed) deflated with the record's end, and their content
    type. The parent only adds the WARC headers: it neither reads the file again nor hashes
    or compresses its bytes. A gzip file's record holds the file as it is, its page's type
    and hash in the row (``block_sha256``: the file's own hash, ``WarcLog.write_resource``)."""

    content_type: str
    payload: Deflated
    block_sha256: str | None = None


def prepare_page(record: ScanRecord, read: PageFile) -> PreparedPage | None:
    """For a page that will be kept whatever the archive holds (it shows an embed); a page
    kept only because its article had embeds is read again by ``keep_page``."""
    if record.error is not None or not shows_embed(record):
        return None
    return prepared(record.url, read)


def prepared(uri: str, read: PageFile) -> PreparedPage:
    """The record of the file ``read`` made ready: typed by its page."""
    kind = _content_type(uri, read.page)
    if read.gzipped:
        return PreparedPage(kind, deflate_resource(read.data), sha256_hex(read.data))
    return PreparedPage(kind, deflate_resource(read.data))


def prepare_frames(record: ScanRecord) -> list[FrameFile]:
    """The record's frame files, each one's bytes (as read) made ready as the page's are;
    none when the page itself will not be kept so (their records go with it)."""
    if not isinstance(record.capture, PreparedPage):
        return []
    return [
        frame._replace(
            capture=PreparedPage(by_bytes(frame.capture), deflate_resource(frame.capture))
        )
        for frame in record.frames
        if isinstance(frame.capture, bytes)
    ]


def shows_embed(record: ScanRecord) -> bool:
    return any(embed.method != "link" for embed in record.embeds)


def should_keep(conn: sqlite3.Connection, record: ScanRecord) -> bool:
    """A page with an embed; any answer (an HTTP error page too) for an article that had one."""
    if record.error is not None and not isinstance(record.capture, HttpCapture):
        return False
    return shows_embed(record) or article_had_embeds(conn, record.url)


def keep_page(
    conn: sqlite3.Connection,
    log: WarcLog,
    record: ScanRecord,
    capture: HttpCapture | PreparedPage | bytes | None,
    durable: bool = True,
) -> WarcRecordRef | None:
    """Write the page's record when it is to be kept; returns its pointer (or None). An
    HTTP page served again as it was is a ``revisit``: its original, which holds the bytes
    the embeds are located in, is left in ``record.payload_record``.

    ``capture`` is the HTTP exchange, the bytes of standard input, or a local file's
    ``PreparedPage``; when it is None the file is read again, kept only if its bytes still
    hash to what was scanned. With ``durable=False`` the caller's ``log.sync()`` fsyncs the
    record before its commit.
    """
    if not log.enabled or not should_keep(conn, record):
        return None
    if isinstance(capture, HttpCapture):  # the scan hashed its payload (an error page: not)
        kept = keep_answer(conn, log, capture, record.content_sha256, durable)
        if kept.payload is not kept.written:  # a revisit: the page's bytes are its original's
            record.payload_record = kept.payload
        return kept.written
    if capture is None:  # a file is read again
        capture = _unchanged_file(record)
        if capture is None:
            return None  # the file changed since it was scanned: its scan is not evidence
    if isinstance(capture, PreparedPage):
        page = log.write_resource(
            record.url,
            capture.payload,
            capture.content_type,
            durable=durable,
            payload_sha256=record.content_sha256,
            block_sha256=capture.block_sha256,
        )
        record.frames = _kept_frames(conn, log, record, durable)
        return page
    # Standard input's bytes are the very bytes the scan hashed.
    return log.write_resource(
        record.url,
        capture,
        _content_type(record.url, capture),
        durable=durable,
        payload_sha256=record.content_sha256,
    )


def _kept_frames(
    conn: sqlite3.Connection, log: WarcLog, record: ScanRecord, durable: bool
) -> list[FrameFile]:
    """The record's frame files, each written when an embed read from it will point at its
    record (one seen for the first time, or one without a pointer yet), as an embed points
    at the page's record of its first located sighting: a frame file scanned again, changed
    or not, whose embeds all point at earlier records is not written again."""
    if not record.frames:
        return []
    located = located_embeds(conn, record.url)
    keys = record.sightings()
    kept = []
    for frame in record.frames:
        if all(keys[index] in located for index in frame.embeds):
            kept.append(frame._replace(capture=None))
        else:
            kept.append(_kept_frame(log, frame, durable))
    return kept


def _kept_frame(log: WarcLog, frame: FrameFile, durable: bool) -> FrameFile:
    """A frame file's ``resource`` record, written after its page's, as the page's is."""
    capture = frame.capture
    if not isinstance(capture, PreparedPage):
        return frame
    record = log.write_resource(
        frame.url,
        capture.payload,
        capture.content_type,
        durable=durable,
        payload_sha256=frame.content_sha256,
    )
    return frame._replace(capture=None, record=record)


def _unchanged_file(record: ScanRecord) -> PreparedPage | None:
    """The scanned file's record, read again, if its page still hashes to what was scanned."""
    path = file_url_path(record.url)
    if not path:
        return None
    try:
        read = page_file(Path(path).read_bytes())
    except (OSError, NotReadable):
        return None
    if hashlib.sha256(read.page).hexdigest() != record.content_sha256:
        return None
    return prepared(record.url, read)


# The types of the files a scan reads, by suffix: what Python's own table gives, without
# ``mimetypes`` reading the machine's mime.types files on first use (5 ms of a one-file
# scan, and a record's Content-Type then depended on the machine).
SUFFIX_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}  # a page saved as one file (MHTML, e-mail, web archive) is typed by its bytes


def _content_type(uri: str, data: bytes) -> str:
    """A page saved as one file by its bytes (whatever its name: an MHTML saved as
    ``.html`` is no HTML page), else by the file's suffix; standard input is sniffed as HTML
    or text."""
    saved = _saved_type(data)
    if saved is not None:
        return saved
    if uri.startswith("file:"):
        suffix = page_suffix(unquote(urlsplit(uri).path))
        if suffix in SUFFIX_TYPES:
            return SUFFIX_TYPES[suffix]
    return _sniffed(data)


def by_bytes(data: bytes) -> str:
    """A file's type by its bytes alone (a frame file, whose name a browser made up)."""
    return _saved_type(data) or _sniffed(data)


def _saved_type(data: bytes) -> str | None:
    """The type of a page saved as one file (MHTML, e-mail, web archive), else None."""
    from ..saved_pages import WEBARCHIVE_MAGIC, is_mime_message, message_type

    if is_mime_message(data):
        return message_type(data)
    return "application/x-webarchive" if data.startswith(WEBARCHIVE_MAGIC) else None


def _sniffed(data: bytes) -> str:
    from ..detect import looks_like_html

    return "text/html" if looks_like_html(data) else "text/plain"
