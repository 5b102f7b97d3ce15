"""A WARC response record's HTTP message read as a browser reads it and as ``archive verify``
(warcio) reads it back: where its headers end, and its body with the transfer and content
codings undone. A page the two would read differently is refused (``page_body``'s reason):
stored, it would be another page than the site served, or fail verify for ever.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .http_decode import content_codings
from .small_files import declared_length

if TYPE_CHECKING:
    from fastwarc.warc import HeaderMap


class SkipRecord(Exception):
    """A record that is not scanned; ``args[0]`` names its ``WarcCounts`` field."""


class _Fields:
    """HTTP header fields as warcio (``archive verify``) parses them, read as FastWARC's are."""

    def __init__(self, head: bytes) -> None:
        from warcio.statusandheaders import StatusAndHeadersParser

        parser = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)
        self._parsed = parser.parse(io.BytesIO(head))
        code = self._parsed.get_statuscode()
        self.status_code = int(code) if code and code.isdigit() else 0

    def get(self, name: str) -> str | None:
        return self._parsed.get_header(name)


def http_head(block: bytes, fastwarc_end: int, http: HeaderMap) -> tuple[bytes, Any, str | None]:
    """A response's HTTP headers as a browser ends and reads them (RFC 9112: a line ends at
    LF, a CR before it dropped; the first empty line ends them), their fields, and why the
    page cannot be kept (None: it can). FastWARC ends lines and headers at CRLF alone: with
    a line ending in LF alone it read two fields as one (a ``Transfer-Encoding: chunked``
    unseen, the chunks stored as the page, failing verify for ever), or read on into the
    body; such headers are read with warcio, which verify reads with and which ends lines
    as a browser does. Where verify ends them elsewhere than a browser (at a line of spaces,
    which a browser reads as a folded line), the page is refused: stored, it would be
    another page than the site served, or fail verify."""
    browser, verify = _browser_head_length(block), verify_head_length(block)
    head = block[:browser]
    if browser != verify:
        refusal = (
            f"has HTTP headers that archive verify ends at byte {verify} of its block and a"
            f" browser at byte {browser} (a line of blanks among them)"
        )
        return head, _Fields(block[: min(browser, verify)]), refusal
    if browser == fastwarc_end and not _BARE_LF.search(head):
        return head, http, None  # FastWARC read the lines as a browser does
    return head, _Fields(head), None


_BARE_LF = re.compile(rb"(?<!\r)\n")


def _browser_head_length(block: bytes) -> int:
    """Where a browser ends the HTTP headers that start ``block``: after the first empty
    line, LF or CRLF (all of ``block`` when there is none)."""
    at = 0
    while at < len(block):
        end = block.find(b"\n", at) + 1 or len(block)
        line, at = block[at:end], end
        if line in (b"\n", b"\r\n"):
            break
    return at


def verify_head_length(head: bytes) -> int:
    """Where warcio (``archive verify``) ends the HTTP headers that start ``head``: at the
    first line (split at LF) blank once decoded (UTF-8, else Latin-1) and stripped of
    trailing whitespace. FastWARC ends them at the first CRLF line only: after a line of
    spaces, or an LF-only blank line, it reads on into the body, another payload."""
    at = 0
    while at < len(head):
        end = head.find(b"\n", at) + 1 or len(head)
        line, at = head[at:end], end
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("latin-1")
        if not text.rstrip():
            break
    return at


class _Refused(Exception):
    """A page that cannot be kept: ``args[0]`` says why (``checked``'s error)."""


def page_body(payload: bytes, http: Any, refusal: str | None) -> tuple[bytes, str | None]:
    """The page's body (``_decoded``), and why it cannot be kept: ``refusal`` (from its
    headers), else a chunked framing that breaks off part-way (None: it can)."""
    try:
        return _decoded(payload, http), refusal
    except _Refused as refused:
        return b"", refusal or refused.args[0]


def _decoded(payload: bytes, http) -> bytes:
    """The body with chunked transfer and gzip/deflate/br content encoding removed.

    A body that is not in the coding its headers name is the page as stored when it reads
    as one (``_as_stored``): tools that record a browser's decoded bodies keep the server's
    headers, and warcio (which ``archive verify`` reads with) and replay tools read such a
    body as it is too. Any other that does not decode is unreadable: not the page's bytes.
    ``_Refused`` for a chunked body verify reads otherwise than a browser (``_is_chunked``).
    """
    chunked = _is_chunked(payload, (http.get("Transfer-Encoding") or "").strip())
    body = _dechunked(payload) if chunked else payload
    encoding = (http.get("Content-Encoding") or "").strip().lower()
    if encoding in ("", "identity"):
        return body
    try:
        if len(content_codings(encoding)) > 1:  # verify undoes a stack (``stacked_undone``)
            from .evidence.read import undo_stack

            return undo_stack(body, encoding)
        return undone(body, encoding)
    except SkipRecord:
        if _as_stored(payload, body, chunked, encoding):
            return body
        raise


def _as_stored(payload: bytes, body: bytes, chunked: bool, coding: str) -> bool:
    """Whether a body (``payload`` de-chunked) that ``coding`` does not undo is the page as
    stored: when it starts as markup does (``<``, after blanks or a byte order mark) and
    warcio, which ``archive verify`` reads with, reads ``payload`` as exactly that body
    (``verify_reading``: a reader warcio feeds a first line alone, under a chunked header,
    may take it). Bytes in ``zstd``, a stack that does not undo or a gzip stream broken early
    do not start so, and are not the page."""
    from .evidence.read import verify_reading

    starts_as_markup = body.lstrip(b" \t\r\n\f\xef\xbb\xbf")[:1] == b"<"  # blanks, a UTF-8 BOM
    return starts_as_markup and verify_reading(payload, chunked, coding) == body


def undone(body: bytes, coding: str) -> bytes:
    """``body`` with one coding removed; ``SkipRecord`` when it is not in that coding, or in one
    this reader does not undo (``zstd``; a stack is undone a coding at a time by
    ``evidence.read.undo_stack``). Each is read as warcio
    (``archive verify``) reads it: FastWARC's readers read every gzip member, refused junk
    after the first, and read a br stream followed by junk, which warcio refuses."""
    import brotli

    readers: dict[str, Callable[[bytes], bytes]] = {
        "gzip": _gunzipped,
        "x-gzip": _gunzipped,
        "deflate": _inflated,
        "br": brotli.decompress,  # a stream cut, or with bytes after its end, is refused
    }
    if coding not in readers:
        raise SkipRecord("unreadable")
    try:
        return readers[coding](body)
    except (zlib.error, brotli.error):
        raise SkipRecord("unreadable") from None


def _gunzipped(body: bytes) -> bytes:
    """A gzip body's first member, as warcio reads it: what follows the member (another, or
    junk a server appended) is not read; a member cut short is read as far as it goes."""
    return zlib.decompressobj(zlib.MAX_WBITS + 16).decompress(body)


def _inflated(body: bytes) -> bytes:
    """A ``deflate`` body: zlib-wrapped, as the standard has it, else raw deflate, as some
    servers send it (warcio reads both)."""
    try:
        return zlib.decompress(body)
    except zlib.error:
        return zlib.decompress(body, -zlib.MAX_WBITS)


def _is_chunked(payload: bytes, framing: str) -> bool:
    """Whether the body is de-chunked: warcio (``archive verify``) does so under ``chunked``
    to the letter; a body de-chunked under any other value was stored, then failed verify
    for ever. ``_Refused`` under a value a browser de-chunks and warcio does not
    (``Chunked``, ``gzip, chunked``) when de-chunking changes the body: stored as warcio
    reads it, the page would keep its chunks' framing."""
    if framing == "chunked":
        return True
    codings = [coding.strip().lower() for coding in framing.split(",")]
    if "chunked" in codings and _dechunked(payload) != payload:
        raise _Refused(
            f"has a chunked body under 'Transfer-Encoding: {framing}', which a browser"
            " de-chunks and archive verify reads as stored"
        )
    return False


def _dechunked(payload: bytes) -> bytes:
    """``payload`` de-chunked by warcio's reader, which ``archive verify`` reads with:
    FastWARC's refused chunk extensions and dropped trailers, so such pages were lost, or
    stored and failed verify for ever. (warcio is loaded for the first chunked page.)
    ``_Refused`` when the framing breaks off after a first chunk (trailers, a size line
    that is not one, bytes where the last chunk should be): verify reads on as stored from
    there, and the page would be stored with bytes a browser never shows (or, cut there,
    fail verify for ever). Bytes after the last chunk are not read, by either."""
    from .evidence.read import dechunked

    body, broken = dechunked(payload)
    if broken and _chunk_walk(payload) != (body, True):  # not the chunks of a cut capture
        raise _Refused(
            "has a chunked body whose framing breaks off after its first chunk (archive"
            " verify would read the rest as stored, a browser stops there)"
        )
    return body


def crawled_page(status: int, payload: bytes, http: Any) -> bool:
    """Whether a crawl's HTTP answer (its status, its body as stored and its header fields,
    read with ``.get``) is a page kept cut short (``cut_short``); ``SkipRecord("not_ok")``
    when it is no page: not a 2xx, or a 206 holding a part of it (``is_part``). The one
    judgement of a WARC response and an ARC record."""
    if not 200 <= status < 300 or is_part(status, http):
        raise SkipRecord("not_ok")
    return cut_short(payload, http)


def stored_answer(block: bytes) -> tuple[Any, bytes]:
    """The header fields and the body as stored of an HTTP response ``block`` (an ARC
    record's content), its headers ended and read as warcio (``archive verify``) reads them."""
    end = verify_head_length(block)
    return _Fields(block[:end]), block[end:]


def is_part(status: int, http: Any) -> bool:
    """Whether a 206 answer holds only a part of the page: its ``Content-Range`` is not all
    of it (``bytes 0-702/703``). A crawler gets one when it asks for the rest of a download
    that broke off (wget does, keeping the part it had as a record of its own)."""
    if status != 206:
        return False
    whole = _WHOLE_RANGE.fullmatch((http.get("Content-Range") or "").strip())
    return not (whole and declared_length(whole[1]) + 1 == declared_length(whole[2]))


_WHOLE_RANGE = re.compile(r"bytes\s+0-(\d+)/(\d+)", re.IGNORECASE)


def cut_short(payload: bytes, http: Any) -> bool:
    """Whether the body as stored ends before its framing says it does: short of its
    ``Content-Length``, or, chunked, before its last chunk. A crawler that lost the
    connection keeps what came (wget does so, with no ``WARC-Truncated`` mark). A chunked
    one that ends in a later chunk's framing is refused all the same (``_dechunked``)."""
    if (http.get("Transfer-Encoding") or "").strip() == "chunked":  # as ``_is_chunked``
        return _chunk_walk(payload)[1]
    declared = (http.get("Content-Length") or "").strip()
    return declared.isascii() and declared.isdigit() and len(payload) < declared_length(declared)


_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]+")


def _chunk_walk(payload: bytes) -> tuple[bytes, bool]:
    """The data of a chunked ``payload``'s chunks, and whether it ends before its last
    chunk (the size 0): inside a size line or a chunk, or after a whole chunk. A framing
    that breaks off otherwise (a size line that is not one) is no cut: ``_dechunked``
    judges it; so is a body with no line break that does not start as a size line (a
    one-line page recorded de-chunked under ``chunked``, which verify reads as stored)."""
    data: list[bytes] = []
    at = 0
    while True:
        end = payload.find(b"\n", at)
        size = payload[at : len(payload) if end < 0 else end].split(b";")[0].strip()
        if end < 0:  # a cut inside a size line (or right before one), else no size line
            return b"".join(data), not size or _CHUNK_SIZE.fullmatch(size) is not None
        if not _CHUNK_SIZE.fullmatch(size):
            return b"".join(data), False
        start, at = end + 1, end + 1 + int(size, 16)
        data.append(payload[start:at])
        if size.strip(b"0") == b"":
            return b"".join(data), False
        at += 2  # the CRLF after the chunk
        if at > len(payload):
            return b"".join(data), True
