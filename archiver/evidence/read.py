"""Reading WARC records back: one record by its pointer, or every gzip member of a file.

``read_record`` opens a file at a row's offset, reads exactly the row's length and parses
that one record with warcio (checking its block and payload digests). ``walk_members``
checks a whole ``.warc.gz`` file we wrote, byte by byte: every gzip member must decompress
with a good CRC-32 and length, carry the exact member header our writer emits (the gzip
header is the one part no CRC covers), and hold a WARC record whose digests match.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import mmap
import os
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.digestverifyingreader import DigestChecker, DigestVerifyingReader
from warcio.exceptions import ArchiveLoadFailed

from ..errors import ArchiverError
from ..small_files import declared_length, open_regular
from .gzip_member import GZIP_HEADER

INFLATE_PIECE = 1 << 20


class _BrotliStream:
    """Google's brotli decompressor (the one ``httpx[brotli]`` installs) as warcio's reader
    calls it. warcio's own sets an ``unused_data`` attribute on the decompressor it makes,
    which only the old brotlipy package allowed (warcio issue #73): reading back any
    ``Content-Encoding: br`` page (a crawl's, or a server's that sent br unasked) raised
    AttributeError, and ``archive verify`` and ``archive export`` stopped in a traceback."""

    unused_data = None  # a br body is one stream: nothing is read past its end

    def __init__(self) -> None:
        import brotli

        self._stream = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return self._stream.process(data)


BufferedReader.DECOMPRESSORS["br"] = _BrotliStream
# ``x-gzip`` is gzip (RFC 9110, 8.4.1.3), and the scan reads it so: warcio left such a body
# compressed, and the page's payload digest and embed byte ranges failed verify for ever.
BufferedReader.DECOMPRESSORS["x-gzip"] = BufferedReader.DECOMPRESSORS["gzip"]


def dechunked(payload: bytes) -> tuple[bytes, bool]:
    """An HTTP ``payload`` under ``Transfer-Encoding: chunked`` de-chunked as ``archive
    verify`` reads it: by warcio's ``ChunkedDataReader``, which reads on as stored from a
    line that is not a chunk size (a body recorded de-chunked, trailers, a bad framing);
    and whether it did so after a first chunk (a framing that breaks off part-way: the
    chunks before it, then the rest as stored, bytes a browser never shows as the page)."""
    reader = ChunkedDataReader(io.BytesIO(payload))
    body = reader.read()
    return body, reader.not_chunked and body != payload


def verify_reading(payload: bytes, chunked: bool, coding: str) -> bytes:
    """The body ``parse_record`` (so ``archive verify``) reads from an HTTP ``payload`` as
    stored, under ``Transfer-Encoding: chunked`` or not and ``Content-Encoding: coding``:
    warcio's reader built as its ``content_stream`` builds it. A coding's reader that fails
    on its first block is dropped (a body recorded decoded under the server's header is read
    as stored); one that fails later writes to stderr, which is silenced here."""
    coding = coding.lower()
    decoder = coding if coding in BufferedReader.get_supported_decompressors() else None
    stream = io.BytesIO(payload)
    if chunked:
        reader: BufferedReader = ChunkedDataReader(stream, decomp_type=decoder)
    else:
        reader = BufferedReader(stream, decomp_type=decoder)
    with contextlib.redirect_stderr(io.StringIO()):
        return reader.read()


class RecordError(ArchiverError):
    """A record that is missing, truncated, or not what its row says."""


class StoredRecord(NamedTuple):
    """One WARC record as read back (headers parsed, payload decoded): one the archive
    wrote, or one of a crawl's own WARC files."""

    record_id: str
    record_type: str
    target_uri: str | None
    date: str | None
    http_status: int | None
    content_type: str | None
    refers_to: str | None  # a revisit's original record ID
    payload: bytes  # the HTTP body with Content-Encoding removed, or a resource's bytes
    arc: bool = False  # an ARC record (``arc_record_id``), not a WARC record

    @property
    def payload_sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


def resolve(warc_dir: Path, warc_file: str) -> Path:
    """A row's ``warc_file``: relative to ``warc_dir``, or absolute (a crawl's own WARC).
    A damaged row may hold a blob, a number or a name with a NUL: a ``RecordError``."""
    if not isinstance(warc_file, str) or not warc_file or "\0" in warc_file:
        raise RecordError(f"{warc_file!r}: not a WARC file name")
    path = Path(warc_file)
    return path if path.is_absolute() else warc_dir / path


def read_bytes(path: Path, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset`` (a row's pointer: a damaged row may hold anything)."""
    if not all(isinstance(n, int) and n >= 0 for n in (offset, length)):
        raise RecordError(f"{path}: no record at offset {offset!r}, length {length!r}")
    try:
        with open_regular(path) as fh:
            fh.seek(offset)
            data = fh.read(min(length, os.fstat(fh.fileno()).st_size + 1))  # never a huge buffer
    except FileNotFoundError:
        raise RecordError(f"{path}: missing WARC file") from None
    except OSError as exc:
        raise RecordError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) < length:
        raise RecordError(f"{path}@{offset}: truncated record ({len(data)} of {length} bytes)")
    return data


def read_record(path: Path, offset: int, length: int, ours: bool = True) -> StoredRecord:
    """The record at ``offset``; raises ``RecordError`` if it cannot be read in full or its
    digests do not match its bytes. A gzip member must end exactly at ``length`` with a
    good CRC; one from our own writer must also carry its exact gzip header."""
    return check_record(read_bytes(path, offset, length), f"{path}@{offset}", ours)


def check_record(data: bytes, where: str, ours: bool = True) -> StoredRecord:
    """The record in ``data`` (one record's bytes, as stored), checked as ``read_record``
    does; ``where`` names it in the error."""
    try:
        if data.startswith(b"\x1f\x8b"):
            data = inflate_member(data, ours)
        return parse_record(data)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        raise RecordError(f"{where}: unreadable record ({_short(str(exc))})") from None


REASON_CHARS = 300  # warcio quotes the line it could not read, whatever its length


def _short(reason: str) -> str:
    return reason if len(reason) <= REASON_CHARS else f"{reason[:REASON_CHARS]}…"


def inflate_member(data: bytes, ours: bool) -> bytes:
    """One whole gzip member, checked: header (ours), CRC-32 and length, nothing after it."""
    if ours and not _starts_member(data[: len(GZIP_HEADER)]):
        raise ValueError("not a gzip member of this archive's writer")
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    record = inflater.decompress(data)
    if not inflater.eof:
        raise ValueError("incomplete gzip member")
    if inflater.unused_data:
        raise ValueError("bytes after the gzip member")
    return record


def parse_record(data: bytes) -> StoredRecord:
    iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
    record = next(iter(iterator), None)
    if record is None:
        raise ValueError("no WARC record")
    payload = record.content_stream().read()
    problems = _digest_problems(data, record)
    if problems:
        raise ValueError("; ".join(problems))
    if record.format == "arc":
        return _arc_record(data, record, payload)
    headers = record.rec_headers
    http = record.http_headers if record.rec_type in ("response", "revisit") else None
    if http is not None and record.rec_type == "response":
        payload = stacked_undone(payload, http.get_header("Content-Encoding"))
    if record.rec_type == "resource":
        payload = _gzip_file_page(payload, headers.get_header("Content-Type"))
    status = http.get_statuscode() if http is not None else None
    content_type = (
        http.get_header("Content-Type") if http is not None else headers.get_header("Content-Type")
    )
    return StoredRecord(
        record_id=headers.get_header("WARC-Record-ID"),
        record_type=record.rec_type,
        target_uri=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        http_status=int(status) if status and str(status).isdigit() else None,
        content_type=content_type,
        refers_to=headers.get_header("WARC-Refers-To"),
        payload=payload,
    )


def _gzip_file_page(block: bytes, content_type: str | None) -> bytes:
    """A ``resource`` record's payload: the page a gzip file holds when the record is typed
    as one (a page file scanned as ``story.html.gz``, kept as it is: ``WarcLog.write_resource``),
    as a response's payload is its body with the Content-Encoding undone (its row's hash
    and its embeds' byte ranges are the page's); any other resource's block as it is.
    ``ValueError`` for gzip bytes that do not decompress within ``MAX_PAGE_BYTES``."""
    from ..small_files import GZIP_MAGIC, gunzipped

    kind = (content_type or "").split(";")[0].strip().lower()
    if kind not in GZIP_TYPES or not block.startswith(GZIP_MAGIC):
        return block
    return gunzipped(block)


GZIP_TYPES = ("application/gzip", "application/x-gzip")


def _digest_problems(data: bytes, record: Any) -> list[str]:
    """warcio's digest problems with the record (``data``, read), less a payload digest
    of its entity-body (``entity_body``), which warcio checks over the body as stored."""
    problems = _declared_digest_problems(record)
    http = record.http_headers
    if not problems or http is None or http.get_header("Transfer-Encoding") != "chunked":
        return problems
    from ..warc_http import verify_head_length
    from ..warc_input import declared_digest

    stored = next(iter(ArchiveIterator(io.BytesIO(data), no_record_parse=True)))
    block = stored.raw_stream.read()
    head = block[: verify_head_length(block)]
    headers = record.rec_headers
    again = digest_problem(
        head,
        block[len(head) :],
        declared_digest(headers.get_header("WARC-Payload-Digest")),
        declared_digest(headers.get_header("WARC-Block-Digest")),
        headers.get_header("WARC-Segment-Number"),
    )
    return problems if again else []


def _declared_digest_problems(record: Any) -> list[str]:
    """What warcio found wrong with the record's digests, but for a field that declares no
    digest (``warc_input.declared_digest``: no ``algorithm:`` label, as wget leaves them),
    which warcio takes for a digest of an unknown algorithm: the scan does not check it."""
    from ..warc_input import declared_digest

    headers = record.rec_headers
    undeclared = {
        f"unknown hash algorithm name in {kind} digest"
        for kind in ("block", "payload")
        if declared_digest(headers.get_header(f"WARC-{kind.title()}-Digest")) is None
    }
    return [str(problem) for problem in record.digest_checker.problems if problem not in undeclared]


def stacked_undone(payload: bytes, header: str | None) -> bytes:
    """A body in stacked codings (``gzip, gzip``), which warcio reads as stored, with each
    undone (``undo_stack``), a stream cut short read up to the cut, as warcio reads a single
    coding (the archive keeps such a body with what decoded of it as its payload); as
    stored when one does not undo (a body a crawler recorded decoded under the server's
    header)."""
    from ..warc_http import SkipRecord

    try:
        return undo_stack(payload, header, _undone_to_the_cut)
    except SkipRecord:
        return payload


def undo_stack(
    payload: bytes, header: str | None, undo: Callable[[bytes, str], bytes] | None = None
) -> bytes:
    """``payload`` with each of two or more stacked codings undone by ``undo`` (by default
    ``warc_http.undone``), the last applied first (as is, for fewer); ``SkipRecord`` when
    one does not undo."""
    from ..http_decode import content_codings
    from ..warc_http import undone

    codings = content_codings(header)
    if len(codings) < 2:
        return payload
    for coding in reversed(codings):
        payload = (undo or undone)(payload, coding)
    return payload


def _undone_to_the_cut(body: bytes, coding: str) -> bytes:
    """One coding undone, a ``br`` or ``deflate`` stream cut short read up to the cut
    (``undone`` refuses it; a ``gzip`` one it reads so already)."""
    import brotli

    from ..warc_http import SkipRecord, undone

    if coding == "br":
        try:
            return brotli.Decompressor().process(body)
        except brotli.error:
            raise SkipRecord("unreadable") from None
    if coding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # zlib-wrapped, else raw
            with contextlib.suppress(zlib.error):
                return zlib.decompressobj(wbits).decompress(body)
        raise SkipRecord("unreadable")
    return undone(body, coding)


def _arc_record(data: bytes, record: Any, payload: bytes) -> StoredRecord:
    """An ARC record (the Internet Archive's format before WARC) as read back. It has no
    record ID and no digest: its ID is ``arc_record_id`` of its bytes, so that a changed
    byte fails it as a digest would; its date is its 14-digit archive date in WARC form."""
    headers, http = record.rec_headers, record.http_headers
    status = http.get_statuscode() if http is not None else None
    uri, date, declared = arc_line(data) or (
        headers.get_header("uri"),
        headers.get_header("archive-date") or "",
        headers.get_header("content-type"),
    )
    return StoredRecord(
        record_id=arc_record_id(data),
        record_type=record.rec_type,  # response; arc_header for the file's version block
        target_uri=uri,
        date=arc_date(date),
        http_status=int(status) if status and str(status).isdigit() else None,
        content_type=http.get_header("Content-Type") if http is not None else declared,
        refers_to=None,
        payload=payload,
        arc=True,
    )


ARC_V2_FIELDS = 10  # URL IP-address Archive-date Content-type Result-code Checksum Location
# Offset Filename Archive-length: the header line of the ARC spec's version 2 (Alexa's)


def arc_line(record: bytes) -> tuple[str, str, str] | None:
    """The URI, archive date and content type of an ARC version 2 record's header line, or
    None for any other line (version 1's five fields warcio reads itself). warcio knows
    version 1 alone: it takes a version 2 line's last four fields for version 1's last four,
    and the six before them, joined, for the URI."""
    fields = record[: record.find(b"\n")].decode("latin-1").split(" ")
    if len(fields) != ARC_V2_FIELDS or not _is_arc_date(fields[2]):
        return None
    return fields[0], fields[2], fields[3]


def _is_arc_date(value: str) -> bool:
    return value.isdigit() and len(value) == 14


def arc_record_id(record: bytes) -> str:
    """The ID an ARC record's row keeps: ``<urn:sha1:…>``, the base32 SHA-1 of its header
    line and the content that line declares, as stored (uncompressed). ``ValueError`` when
    the line ends in no length or the record holds less content than it declares."""
    end = arc_record_end(record)
    if end is None:
        raise ValueError("no ARC header line ending in the record's length")
    if len(record) < end:
        raise ValueError(f"ARC record cut short ({len(record):,} of its {end:,} bytes)")
    return f"<urn:sha1:{base64.b32encode(hashlib.sha1(record[:end]).digest()).decode()}>"


def arc_record_end(record: bytes) -> int | None:
    """Where the ARC record that starts ``record`` ends: after its header line and the
    content that line declares (the newline after it is no part of it, as for warcio);
    None when the line ends in no length."""
    line_end = record.find(b"\n") + 1
    fields = record[:line_end].split()
    if not line_end or not fields or not fields[-1].isdigit():
        return None
    return line_end + declared_length(fields[-1])


def arc_date(value: str) -> str | None:
    """An ARC archive date (``20240302102030``, UTC) in WARC form, or None when it is not
    one."""
    try:
        date = datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return date.strftime("%Y-%m-%dT%H:%M:%SZ") if len(value) == 14 else None


def digest_problem(
    head: bytes,
    payload: bytes,
    payload_digest: str | None,
    block_digest: str | None,
    segment: str | None = None,
) -> str | None:
    """What ``parse_record`` (so ``archive verify``) finds wrong with a response's
    ``WARC-Payload-Digest`` and ``WARC-Block-Digest`` for its block (``head``, the HTTP
    headers as stored, then ``payload``, the body as stored), or None. The check is warcio's,
    the reader ``parse_record`` runs: any algorithm hashlib knows that has a fixed length,
    in base32, base16 or base64; a name it does not know is a problem, no digest (or a
    record's segment, whose payload digest is the whole payload's) nothing to check."""
    problems = (
        _one_digest_problem(head, payload, "payload", payload_digest, segment),
        _one_digest_problem(head, payload, "block", block_digest, segment),
    )
    return _short("; ".join(problem for problem in problems if problem)) or None


def _one_digest_problem(
    head: bytes, payload: bytes, kind: str, declared: str | None, segment: str | None
) -> str | None:
    """``digest_problem`` of the payload or the block digest alone. A payload digest that
    fails over the body as stored passes over the entity-body (``entity_body``)."""
    problem = _digest_check(head, payload, kind, declared, segment)
    if problem and kind == "payload":
        entity = entity_body(head, payload)
        if entity is not None and not _digest_check(head, entity, kind, declared, segment):
            return None
    return problem


def entity_body(head: bytes, payload: bytes) -> bytes | None:
    """The entity-body of an HTTP message (its headers ``head``, its body ``payload`` as
    stored) when it differs from the body: WARC 1.0 and 1.1 (5.9) define the payload of an
    ``application/http`` block as its entity-body (RFC 2616, 4.3), the body with its
    transfer coding removed. Some crawlers digest that (warcprox, wget-lua, Heritrix 3's
    fix), others the body as sent (warcio, wget): both forms are in real crawls. None when
    the body has no ``Transfer-Encoding: chunked`` (as warcio reads the field: to the
    letter, the only coding the scan and verify remove), or when de-chunking leaves it as
    it is."""
    from warcio.statusandheaders import StatusAndHeadersParser

    parser = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)
    try:
        headers = parser.parse(io.BytesIO(head))
    except (ValueError, EOFError):
        return None
    if headers.get_header("Transfer-Encoding") != "chunked":
        return None
    body, _ = dechunked(payload)
    return body if body != payload else None


def _digest_check(
    head: bytes, payload: bytes, kind: str, declared: str | None, segment: str | None
) -> str | None:
    """warcio's check of one digest over ``head`` then ``payload``, or its problem."""
    checker = DigestChecker()
    reader = DigestVerifyingReader(
        io.BytesIO(head + payload),
        len(head) + len(payload),
        checker,
        segment_number=segment,
        **{f"{kind}_digest": declared},
    )
    try:
        reader.read(len(head))
        reader.begin_payload()
        reader.read()
    # A value in none of those encodings (binascii.Error); a hash of no fixed length
    # (``shake_128``: its ``digest()`` needs one, a TypeError).
    except (ValueError, TypeError) as exc:
        return f"unreadable {kind} digest {declared} ({exc})"
    return "; ".join(checker.problems) or None


class Member(NamedTuple):
    """One gzip member of a ``.warc.gz`` file, where it lies and what is wrong with it."""

    offset: int
    length: int
    problem: str | None = None  # None for a sound record
    truncated_tail: bool = False  # an incomplete last member (a crash while writing)


def walk_members(path: Path) -> Iterator[Member]:
    """Every gzip member of a ``.warc.gz`` file we wrote, checked (see the module doc).

    The file is mapped, not read, and each member is inflated from a view in pieces: a
    whole-remainder slice per member (and zlib's copy of the unused input) made checking a
    file of n records cost n times its size."""
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            view = memoryview(mapped)
            try:
                yield from _members(view)
            finally:
                view.release()


def _members(data: memoryview) -> Iterator[Member]:
    offset = 0
    while offset < len(data):
        left = len(data) - offset
        if not _starts_member(bytes(data[offset : offset + len(GZIP_HEADER)])):
            yield Member(offset, left, "not a gzip member of this archive's writer")
            return
        try:
            record, length, complete = _inflate_at(data, offset)
        except zlib.error as exc:
            yield Member(offset, left, f"corrupt gzip member ({exc})")
            return
        if not complete:
            yield Member(offset, left, "incomplete record at the end", truncated_tail=True)
            return
        problem = None
        try:
            parse_record(record)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
            problem = f"bad record ({_short(str(exc))})"
        yield Member(offset, length, problem)
        offset += length


def _starts_member(head: bytes) -> bool:
    """Our member header (any OS byte: zlib writes 3 on Unix, 19 on macOS, 10 on Windows),
    or the start of one at the end of a file cut short."""
    if len(head) < len(GZIP_HEADER):
        return GZIP_HEADER.startswith(head)
    return head[:-1] == GZIP_HEADER[:-1]


def _inflate_at(data: memoryview, offset: int) -> tuple[bytes, int, bool]:
    """Inflate the gzip member at ``offset``: (its bytes, its length in the file, whether it
    ended). Fed in pieces, so what zlib keeps as unused input is at most one piece."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    parts = []
    position = offset
    while not inflater.eof and position < len(data):
        piece = data[position : position + INFLATE_PIECE]
        parts.append(inflater.decompress(piece))
        position += len(piece)
    length = position - offset - len(inflater.unused_data)
    return b"".join(parts), length, inflater.eof
