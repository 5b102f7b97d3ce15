"""The header blocks of the WARC records the archive writes, and the HTTP message heads that
``request``, ``response`` and ``revisit`` records hold (no record is built by warcio).

A WARC/1.1 header block is a version line, one ``Name: value`` line per field and an empty
line, in UTF-8. Writing these few fixed fields here, rather than through warcio, keeps
warcio's import (about 50 ms: it imports fsspec and asyncio) out of every scan that keeps
only files and standard input, and its record building (about 0.1 ms per HTTP exchange) out
of every snapshot check; warcio and FastWARC read the records back in the tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

VERSION_LINE = b"WARC/1.1\r\n"


def new_record_id() -> str:
    """A WARC-Record-ID as warcio makes them: a random UUID URN in angle brackets."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def _lines(fields: Iterable[tuple[str, str]]) -> str:
    """``Name: value`` lines. A line break in a value would end the field early and forge
    the next one: refused (neither the archive's own values nor httpx's headers hold one)."""
    lines = []
    for name, value in fields:
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name}: a value cannot hold a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines)


def warc_fields(fields: Iterable[tuple[str, str]]) -> bytes:
    """WARC fields (also the body of a warcinfo record, ``application/warc-fields``)."""
    return _lines(fields).encode("utf-8")


def header_block(
    record_type: str,
    record_id: str,
    fields: Iterable[tuple[str, str]],
    content_type: str,
    length: int,
) -> bytes:
    """The record's headers up to and including the empty line before its block."""
    named = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), *fields]
    framing = [("Content-Type", content_type), ("Content-Length", str(length))]
    return VERSION_LINE + warc_fields([*named, *framing]) + b"\r\n"


def http_head(start_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    """An HTTP message's start line and headers, then the empty line, as warcio lays them
    out. Latin-1, so each header is the bytes received (httpx's raw headers, decoded as
    Latin-1); warcio would percent-encode a value holding a byte over 0x7F instead."""
    if "\r" in start_line or "\n" in start_line:
        raise ValueError("an HTTP start line cannot hold a line break")
    return f"{start_line}\r\n{_lines(headers)}\r\n".encode("latin-1")


def wire_head_without(head: bytes, dropped: set[str]) -> bytes | None:
    """A response's head as it came over the wire (status line, header lines, the empty
    line), without the fields named in ``dropped`` (lowercase; a folded field's lines go
    with it). None when warcio (``archive verify``) would end it elsewhere than its empty
    line (at a line of blanks, which h11 reads as a folded line): the record would hold
    another body than the one served."""
    from ..warc_http import verify_head_length

    lines = [line + b"\n" for line in head.split(b"\n")[:-1]]  # a head ends its last line
    kept, keeping = [lines[0]], True
    for line in lines[1:]:
        if line[:1] not in (b" ", b"\t"):  # a field's first line (or the empty line)
            name = line.split(b":", 1)[0].decode("latin-1").strip().lower()
            keeping = name not in dropped
        if keeping:
            kept.append(line)
    result = b"".join(kept)
    return result if verify_head_length(result) == len(result) else None
