"""The header block of the WARC records the archive builds itself: ``resource``, ``metadata``
and ``warcinfo`` (HTTP records are built by warcio).

A WARC/1.1 header block is a version line, one ``Name: value`` line per field and an empty
line, in UTF-8. Writing these few fixed fields here, rather than through warcio, keeps
warcio's import (about 50 ms: it imports fsspec and asyncio) out of every scan that keeps
only files and standard input; warcio and FastWARC read the records back in the tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

VERSION_LINE = b"WARC/1.1\r\n"


def new_record_id() -> str:
    """A WARC-Record-ID as warcio makes them: a random UUID URN in angle brackets."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_fields(fields: Iterable[tuple[str, str]]) -> bytes:
    """``Name: value`` lines (also the body of a warcinfo record, ``application/warc-fields``).
    A line break in a value would end the field early and forge the next one: refused (the
    archive's own URIs, types and dates never hold one)."""
    lines = []
    for name, value in fields:
        if "\r" in value or "\n" in value:
            raise ValueError(f"WARC field {name}: a value cannot hold a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("utf-8")


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
