"""Writing WARC records: the bytes the archive's rows point at.

``WarcLog`` appends gzip-per-record WARC/1.1 records (their header blocks written by
``fields``, not warcio) to a file of its own in ``warc_dir``: one file per process and log,
named by time, process ID and a random tag, opened only for the first record and never
reopened, so a worker and a one-off scan never share one and a run after a crash starts a
new file. A file is rolled once it passes ``max_bytes``.

Each record (or request/response pair) is built and compressed in memory (a scanned
file's bytes arrive deflated from the worker process that read them: ``deflate_resource``;
``join_member`` puts the headers before them), then written with one ``write``, flushed and
fsynced before its pointer (``WarcRecordRef``) is returned: a row that names a record is
only ever committed after the record is on disk, and a crash leaves at most one truncated
record at the end of a file, which no row names.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__
from ..errors import ArchiverError
from ..models import WarcRecordRef
from ..normalize import sha256_hex
from .fields import header_block, http_head, new_record_id, warc_fields, wire_head_without
from .gzip_member import Deflated, deflate, gzip_member, join_member

DEFAULT_MAX_BYTES = 1_000_000_000  # the customary 1 GB WARC file
SUFFIX = ".warc.gz"
SEAL_SUFFIX = ".sha256"  # beside each WARC file: the SHA-256 and length of its sealed part
RECORD_END = b"\r\n\r\n"  # after each record's block
# Hop-by-hop framing that no longer describes the body as recorded (already de-chunked).
DROPPED_HEADERS = frozenset({"transfer-encoding"})
HTTP_REQUEST = "application/http; msgtype=request"
HTTP_RESPONSE = "application/http; msgtype=response"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
GZIP_TYPE = "application/gzip"  # a page file kept as its gzip file (RFC 6713)

#: Makes a record's gzip member once its file's warcinfo ID is known: (record ID, member).
Builder = Callable[[str], tuple[str, bytes]]


class EvidenceError(ArchiverError):
    """A WARC record could not be written (disk full, no permission...)."""


class HttpCapture(NamedTuple):
    """One HTTP request and its response, as sent and served.

    ``served`` is the body as it came over the wire (still content-encoded); ``payload`` is
    that body with the Content-Encoding removed. When only the decoded body is known
    (``served`` is None), the record holds the payload and drops the Content-Encoding.
    """

    url: str  # the URL that answered (after redirects)
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    served: bytes | None
    payload: bytes
    request_method: str = "GET"
    request_target: str = "/"
    request_headers: tuple[tuple[str, str], ...] = ()
    fetched_at: datetime | None = None
    # the answers that led here, in order: 3xx redirects, and pages with a meta refresh
    redirects: tuple[HttpCapture, ...] = ()
    # the status line and headers as they came over the wire, when known (``wire_heads``)
    head: bytes | None = None

    @property
    def content_type(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "content-type"), None)


class Original(NamedTuple):
    """The record an unchanged reply refers to (for a ``revisit``)."""

    record_id: str
    target_uri: str
    date: str
    payload_sha256: str


def warc_date(moment: datetime | None = None) -> str:
    """WARC/1.1 date (UTC, microseconds)."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_warc_dir(db_path: str | os.PathLike[str]) -> Path:
    """``archive.db`` -> ``archive-warc/`` beside it."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}-warc")


def warc_dir_for(configured: str | None, db_path: str | os.PathLike[str]) -> Path:
    """``[archive] warc_dir`` when set, else the default beside the archive."""
    return Path(configured) if configured else default_warc_dir(db_path)


_PROCESS_LOGS: dict[tuple[str, int, bool], SharedWarcLog] = {}
_PROCESS_LOGS_LOCK = threading.Lock()


def evidence_log(db: Any, config: Any) -> WarcLog:
    """This process's WARC log for the archive's ``warc_dir`` (``db`` is the open archive,
    ``config`` the ``Config``): one per process, so the worker's jobs append to one file
    instead of starting a file each; the file is created at the first record."""
    from ..db import archive_path

    # Not ``Path.resolve()``: Python 3.11's raises RuntimeError on a symlink loop, where
    # writing there is one line per page as for any directory that cannot be written.
    directory = Path(os.path.realpath(warc_dir_for(config.warc_dir, archive_path(db))))
    key = (str(directory), config.warc_max_bytes, config.evidence)
    with _PROCESS_LOGS_LOCK:
        if key not in _PROCESS_LOGS:
            _PROCESS_LOGS[key] = SharedWarcLog(directory, key[1], enabled=key[2])
        return _PROCESS_LOGS[key]


class WarcLog:
    """Appends records to this process's own WARC file in ``directory`` (thread-safe)."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        max_bytes: int = DEFAULT_MAX_BYTES,
        enabled: bool = True,
    ) -> None:
        """``enabled=False`` (``[archive] evidence = false``): callers keep nothing."""
        self.enabled = enabled
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._file: io.BufferedWriter | None = None
        self._hash = hashlib.sha256()  # of the current file, as written
        self._sealed = 0  # the length of the current file its seal vouches for
        # The current file's length as written: counted, since each ``tell`` of a buffered
        # file asks the system (a syscall, two per record kept).
        self._size = 0
        self._name = ""
        self._warcinfo_id = ""
        self._serial = 0
        self._tag = f"{os.getpid()}-{secrets.token_hex(3)}"

    def __enter__(self) -> WarcLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    # -- what callers write -------------------------------------------------------------

    def write_http(
        self, capture: HttpCapture, payload_sha256: str | None = None, durable: bool = True
    ) -> WarcRecordRef:
        """A ``response`` record (and its ``request``, and any redirects before it);
        ``payload_sha256``: the hex SHA-256 of ``capture.payload`` when the caller has it;
        ``durable=False``: the caller calls ``sync`` before committing a row that names it."""
        date = warc_date(capture.fetched_at)
        records: list[Builder] = []
        for hop in (*capture.redirects, capture):
            records += _exchange(hop, date)
        pointers = self._append(records, durable)
        digest = payload_sha256 or sha256_hex(capture.payload)
        return self._pointer(pointers[-1], capture.url, date, capture, "response", digest)

    def write_revisit(
        self, capture: HttpCapture, original: Original, durable: bool = True
    ) -> WarcRecordRef:
        """A ``revisit`` (identical-payload-digest profile: the HTTP headers only, pointing at
        the record that holds the same payload), after its ``request`` and any redirects
        before it, as ``write_http`` writes them (``durable`` as there)."""
        date = warc_date(capture.fetched_at)
        records: list[Builder] = []
        for hop in capture.redirects:
            records += _exchange(hop, date)
        records += _exchange(capture, date, original)
        pointers = self._append(records, durable)
        return self._pointer(
            pointers[-1], capture.url, date, capture, "revisit", original.payload_sha256
        )

    def write_resource(
        self,
        uri: str,
        data: bytes | Deflated,
        content_type: str | None,
        when: datetime | None = None,
        durable: bool = True,
        record_type: str = "resource",
        payload_sha256: str | None = None,
        block_sha256: str | None = None,
    ) -> WarcRecordRef:
        """A ``resource`` record holding ``data`` exactly (a local file, stdin); with
        ``durable=False`` the caller calls ``sync`` before committing a row that names it.
        ``record_type="metadata"`` for what the archive itself made (a timestamp manifest).

        ``payload_sha256`` is the hex SHA-256 of the bytes when the caller already has it.
        ``data`` may be the bytes deflated ahead with the record's end (``deflate_resource``,
        in the scan's worker process that read them), then with their ``payload_sha256``.

        ``block_sha256``: ``data`` is a gzip file holding the page (``story.html.gz``), and
        this is its own SHA-256. The record holds the file as it is, typed ``GZIP_TYPE``, its
        digests the file's; the pointer keeps the page's ``content_type`` and
        ``payload_sha256`` (then required), as a response's keeps those of its body with the
        Content-Encoding undone, and ``archive verify`` reads it so (``evidence.read``)."""
        date = warc_date(when)
        if isinstance(data, Deflated) or block_sha256 is not None:
            if payload_sha256 is None:
                raise ValueError("bytes deflated ahead or compressed need their page's SHA-256")
            digest = payload_sha256
            tail = data if isinstance(data, Deflated) else deflate_resource(data)
        else:
            tail, digest = deflate_resource(data), payload_sha256 or sha256_hex(data)
        block = block_digests(block_sha256 or digest)
        fields = [("WARC-Target-URI", uri), ("WARC-Date", date), *block.items()]
        kind = GZIP_TYPE if block_sha256 else content_type or "application/octet-stream"
        (pointer,) = self._append(
            [_record(record_type, new_record_id(), fields, kind, tail)], durable
        )
        return WarcRecordRef(
            *pointer,
            record_type=record_type,
            target_uri=uri,
            date=date,
            http_status=None,
            content_type=content_type,
            payload_sha256=digest,
        )

    # -- pointers -----------------------------------------------------------------------

    def _pointer(
        self,
        where: tuple[str, int, int, str],
        uri: str,
        date: str,
        capture: HttpCapture,
        record_type: str,
        payload_sha256: str,
    ) -> WarcRecordRef:
        """A response's pointer; a revisit's has its original's payload hash."""
        return WarcRecordRef(
            *where,
            record_type=record_type,
            target_uri=uri,
            date=date,
            http_status=capture.status,
            content_type=capture.content_type,
            payload_sha256=payload_sha256,
        )

    # -- the file -----------------------------------------------------------------------

    def _append(
        self, records: list[Builder], durable: bool = True
    ) -> list[tuple[str, int, int, str]]:
        """Write records back to back, fsynced unless ``durable`` is False (then ``sync``
        before any row names them); (file, offset, length, record ID) of each."""
        with self._lock:
            fh = self._current_file()
            members = [record(self._warcinfo_id) for record in records]
            offset = self._size
            found = []
            for record_id, blob in members:
                found.append((self._name, offset, len(blob), record_id))
                offset += len(blob)
            try:
                data = b"".join(blob for _, blob in members)
                fh.write(data)
                self._hash.update(data)
                self._size += len(data)
            except OSError as exc:
                self._file = None  # never append after a failed write: the next starts anew
                raise EvidenceError(f"{self._name}: cannot write WARC record ({exc})") from None
            if durable:
                self._make_durable()
            return found

    def sync(self) -> None:
        """Make every record written so far durable (after ``durable=False`` writes)."""
        with self._lock:
            self._make_durable()

    def _make_durable(self) -> None:
        """fsync the file, then seal what it holds: ``NAME.sha256`` says the SHA-256 and length
        of the file so far, so ``verify`` tells a changed byte from a write cut by a crash
        (which can only follow the sealed part). Called with the lock held. Nothing new
        since the last seal writes nothing (the end of a run on a full disk then succeeds)."""
        if self._file is None or self._size == self._sealed:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            seal = self.directory / (self._name + SEAL_SUFFIX)
            partial = seal.with_name(seal.name + ".partial")
            partial.write_text(f"{self._hash.hexdigest()} {self._size}\n")
            os.replace(partial, seal)
            self._sealed = self._size
        except OSError as exc:
            self._file = None
            raise EvidenceError(f"{self._name}: cannot write WARC file ({exc})") from None

    def _current_file(self) -> io.BufferedWriter:
        if self._file is not None and self._size < self.max_bytes:
            return self._file
        if self._file is not None:
            self._file.close()
        self._serial += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._name = f"archive-{stamp}-{self._tag}-{self._serial:05d}{SUFFIX}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = open(self.directory / self._name, "xb")  # noqa: SIM115
        except OSError as exc:
            raise EvidenceError(f"{self.directory}: cannot create a WARC file ({exc})") from None
        self._warcinfo_id = new_record_id()
        data = gzip_member(warcinfo_record(self._warcinfo_id, self._name))
        self._file.write(data)
        self._hash = hashlib.sha256(data)
        self._size, self._sealed = len(data), 0
        return self._file


class SharedWarcLog(WarcLog):
    """A process-wide log: closing it at the end of a run only makes its records durable;
    the file stays open for the next run of the same process (it is closed at exit)."""

    def close(self) -> None:
        self.sync()


def response_head(capture: HttpCapture) -> bytes:
    """The response's status line and headers as served (as they came over the wire, when
    known); when the body is recorded decoded, the Content-Encoding and Content-Length that
    described the encoded body are dropped."""
    dropped = set(DROPPED_HEADERS)
    if capture.served is None:
        dropped |= {"content-encoding", "content-length"}
    if capture.head is not None:
        head = wire_head_without(capture.head, dropped)
        if head is not None:
            return head
    headers = [(k, v) for k, v in capture.headers if k.lower() not in dropped]
    status_line = f"{capture.http_version} {capture.status} {capture.reason}".rstrip()
    return http_head(status_line, headers)


def _served(capture: HttpCapture) -> bytes:
    """The body a response record holds: as served, or decoded when only that is known."""
    return capture.served if capture.served is not None else capture.payload


def served_digest(capture: HttpCapture) -> str:
    """The ``WARC-Payload-Digest`` of the answer's record: of its body as served."""
    return sha1_digest(_served(capture))


def _exchange(capture: HttpCapture, date: str, original: Original | None = None) -> list[Builder]:
    """A ``request`` record and the ``response`` it got (a ``revisit`` of ``original`` when
    given), joined by WARC-Concurrent-To. The request goes first: a file then always ends
    with a record some row names, so ``verify`` reads every byte of a file's last record
    through its pointer."""
    answer_id = new_record_id()
    where = [("WARC-Target-URI", capture.url), ("WARC-Date", date)]
    line = f"{capture.request_method} {capture.request_target} {capture.http_version}"
    request_head = http_head(line, capture.request_headers)
    request = [
        *where,
        ("WARC-Concurrent-To", answer_id),
        ("WARC-Payload-Digest", EMPTY_SHA1),  # no request body is kept (as with warcio)
        ("WARC-Block-Digest", sha1_digest(request_head)),
    ]
    return [
        _record("request", new_record_id(), request, HTTP_REQUEST, request_head),
        _answer(capture, answer_id, where, original),
    ]


def _answer(
    capture: HttpCapture, record_id: str, where: list[tuple[str, str]], original: Original | None
) -> Builder:
    """The ``response`` record, or the ``revisit`` whose block is the HTTP head alone."""
    head, body = response_head(capture), _served(capture)
    if original is None:
        fields = [
            *where,
            ("WARC-Payload-Digest", served_digest(capture)),
            ("WARC-Block-Digest", sha1_digest(head, body)),
        ]
        return _record("response", record_id, fields, HTTP_RESPONSE, head + body)
    fields = [
        *where,
        ("WARC-Refers-To", original.record_id),
        ("WARC-Profile", REVISIT_PROFILE),
        ("WARC-Refers-To-Target-URI", original.target_uri),
        ("WARC-Refers-To-Date", original.date),
        ("WARC-Payload-Digest", served_digest(capture)),
        ("WARC-Block-Digest", sha1_digest(head)),
    ]
    return _record("revisit", record_id, fields, HTTP_RESPONSE, head)


def _record(
    record_type: str,
    record_id: str,
    fields: list[tuple[str, str]],
    content_type: str,
    block: bytes | Deflated,
) -> Builder:
    """A record's builder: the header block (with the file's warcinfo ID) and ``block``, in
    one gzip member. A ``Deflated`` block is a resource's bytes and the record's end,
    deflated ahead (``deflate_resource``): the deflated header block is joined to it."""

    def build(warcinfo_id: str) -> tuple[str, bytes]:
        named = [*fields, ("WARC-Warcinfo-ID", warcinfo_id)]
        if isinstance(block, Deflated):
            size = block.size - len(RECORD_END)
            return record_id, join_member(
                header_block(record_type, record_id, named, content_type, size), block
            )
        head = header_block(record_type, record_id, named, content_type, len(block))
        return record_id, gzip_member(head + block + RECORD_END)

    return build


def warcinfo_record(record_id: str, filename: str) -> bytes:
    """The ``warcinfo`` record that opens each file: who wrote it, in which format."""
    software = {"software": f"archiver/{__version__}", "format": "WARC File Format 1.1"}
    body = warc_fields(software.items())
    fields = [
        ("WARC-Filename", filename),
        ("WARC-Date", warc_date()),
        ("WARC-Block-Digest", f"sha256:{sha256_hex(body)}"),
    ]
    return header_block("warcinfo", record_id, fields, "application/warc-fields", len(body)) + (
        body + RECORD_END
    )


def deflate_resource(data: bytes) -> Deflated:
    """A resource record's block (``data``) and the record's end, deflated: what a scan's
    worker process makes of a page it read, so the parent only adds the headers."""
    return deflate(data, RECORD_END)


def block_digests(payload_sha256: str) -> dict[str, str]:
    """The digest headers of a record whose block is its payload (``resource``, ``metadata``):
    ``sha256:`` and the hex SHA-256 the archive already computed, so nothing is hashed again.
    Hex rather than base32: a padded base32 SHA-256 ends in ``=``, which the WARC grammar's
    ``token`` does not allow; warcio and FastWARC check a hex digest as they do base32."""
    digest = f"sha256:{payload_sha256}"
    return {"WARC-Payload-Digest": digest, "WARC-Block-Digest": digest}


def sha1_digest(*parts: bytes) -> str:
    """``sha1:BASE32`` of the bytes of ``parts`` joined: the form of the HTTP records' digests
    since the first version (warcio's), which CDX indexes carry and a revisit's payload digest
    must share with its original."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


EMPTY_SHA1 = sha1_digest()


def request_headers(pairs: Iterable[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """httpx's raw header pairs as text (latin-1, as HTTP/1.1 sends them)."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)
