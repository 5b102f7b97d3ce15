"""The files of a crawl's output directory: one result file per input, and the manifest.

A result file is gzip-compressed JSON lines, one line per scanned page: the page's scan
(article fields, every embed) and its WARC record (where the bytes are). JSON lines rather
than Parquet: a page holds a variable list of embeds with nested media, which JSON carries
as it is and Parquet needs a nested schema for; the file is written and read as a stream
with the standard library (no pyarrow on every worker); DuckDB and pandas read it too.
It is written to a temporary name and renamed, so a result file is complete or absent.

``_manifest.jsonl`` has one line per finished input (the last line of an input wins). Only
the client of a crawl appends to it, one ``write`` of a whole line per input with
``O_APPEND``, then ``fsync``: workers never write it, so no two writers can interleave (on
NFS, ``O_APPEND`` from several hosts is not atomic). A line cut short by a kill is ignored.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from .jsontext import json_text
from .models import Embed, PageInfo, ScanRecord, WarcRecordRef

MANIFEST = "_manifest.jsonl"
_FIELD_NAMES = {kind: [f.name for f in fields(kind)] for kind in (PageInfo, WarcRecordRef)}
RESULT_SUFFIX = ".jsonl.gz"


def result_name(input_path: str) -> str:
    """A result file name unique per input path: the WARC name plus a hash of its path."""
    stem = re.sub(r"\.warc(\.gz)?$", "", os.path.basename(input_path), flags=re.IGNORECASE)
    digest = hashlib.sha256(input_path.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{stem}.{digest}{RESULT_SUFFIX}"


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def remove_temporaries(out_dir: str | Path, names: Iterable[str]) -> int:
    """Delete what killed tasks left of the result files ``names`` (their temporaries)."""
    prefixes = tuple(f".{name}." for name in names)
    removed = 0
    with os.scandir(out_dir) as entries:
        for entry in entries:
            if entry.name.endswith(".tmp") and entry.name.startswith(prefixes):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def write_results(records: Iterable[ScanRecord], path: str | Path) -> str:
    """Write the records as a result file (atomically); returns the file's SHA-256."""
    path = Path(path)
    temporary = _temporary(path)
    try:
        with open(temporary, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
                for record in records:
                    out.write(json_text(scan_to_json(record)).encode())
                    out.write(b"\n")
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return file_sha256(path)


def read_results(path: str | Path) -> Iterator[ScanRecord]:
    """The records of a result file, streamed. Raises ``OSError``/``ValueError`` on a
    damaged file."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield scan_from_json(json.loads(line))


def scan_to_json(record: ScanRecord) -> dict[str, Any]:
    return {
        "url": record.url,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "source": record.source,
        "final_url": record.final_url,
        "http_status": record.http_status,
        "content_sha256": record.content_sha256,
        "page": _fields(record.page),
        "embeds": [asdict(embed) for embed in record.embeds],
        "record": _fields(record.record) if record.record else None,
    }


def _fields(item: PageInfo | WarcRecordRef) -> dict[str, Any]:
    """A flat dataclass as a dict (``asdict`` recurses and copies: 5% of a crawl task)."""
    return {name: getattr(item, name) for name in _FIELD_NAMES[type(item)]}


def scan_from_json(data: dict[str, Any]) -> ScanRecord:
    embeds = [Embed(**{**embed, "media": tuple(embed["media"])}) for embed in data["embeds"]]
    return ScanRecord(
        url=data["url"],
        started_at=data["started_at"],
        finished_at=data["finished_at"],
        source=data["source"],
        final_url=data["final_url"],
        http_status=data["http_status"],
        content_sha256=data["content_sha256"],
        page=PageInfo(**data["page"]),
        embeds=embeds,
        record=WarcRecordRef(**data["record"]) if data["record"] else None,
    )


def append_manifest(out_dir: str | Path, entry: dict[str, Any]) -> None:
    """Append one manifest line: a single ``write`` with ``O_APPEND``, then ``fsync``."""
    line = (json_text(entry) + "\n").encode("utf-8")  # a path that is not UTF-8 included
    fd = os.open(Path(out_dir) / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(out_dir: str | Path) -> dict[str, dict[str, Any]]:
    """The latest manifest entry of each input, in the order inputs first appear.

    A line that does not parse (cut short by a kill) is skipped."""
    latest: dict[str, dict[str, Any]] = {}
    try:
        with open(Path(out_dir) / MANIFEST, "rb") as fh:
            for raw in fh:
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("input"), str):
                    latest[entry["input"]] = entry
    except FileNotFoundError:
        pass
    return latest
