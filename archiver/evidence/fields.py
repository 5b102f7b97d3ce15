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
