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

import functools
import gzip
import hashlib
import json
import os
import re
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import TargetError
from .jsontext import json_text
from .models import Embed, PageInfo, ScanRecord, WarcRecordRef
from .small_files import open_regular
from .urls import article_url, canonical_id, without_password

MANIFEST = "_manifest.jsonl"
# The form of a manifest line and its result file (``format``; a line without it is 1). An
# archiver refuses an input written in a newer format by name, not as a damaged file.
RESULT_FORMAT = 1
RESULT_SUFFIX = ".jsonl.gz"


def result_name(input_path: str) -> str:
    """A result file name unique per input path: the WARC name plus a hash of its path."""
    stem = re.sub(r"\.warc(\.gz)?$", "", os.path.basename(input_path), flags=re.IGNORECASE)
    digest = hashlib.sha256(input_path.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{stem}.{digest}{RESULT_SUFFIX}"


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as fh:  # a pipe or /dev/zero named as a result: refused
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
    with open_regular(path) as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
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
        "page": record.page._asdict(),
        "embeds": [embed._asdict() for embed in record.embeds],
        "record": record.record._asdict() if record.record else None,
        **({"cut": True} if record.cut else {}),  # absent from older files: not cut
    }


def scan_from_json(data: dict[str, Any]) -> ScanRecord:
    """A result line's scan; ``ValueError`` naming the field when a value is not of the
    type its field holds (an ID that is not a status ID, an offset past SQLite's integers):
    a file rewritten by hand, its SHA-256 put in the manifest, is still refused. The article
    is keyed as today's ``article_url`` keys it: a file an older version wrote (an IRI's
    ``/über``) joins the row a scan of the address makes now (``/%C3%BCber``); and its
    addresses lose a password, as a crawl leaves it out now (``without_password``)."""
    if not isinstance(data, dict):
        raise ValueError("a line that is not a JSON object")
    scan = _checked(ScanRecord, {name: data[name] for name in _SCAN_FIELDS})
    scan["url"] = article_url(scan["url"])
    scan["final_url"] = _shown(scan["final_url"])
    embeds = data["embeds"]
    if not isinstance(embeds, list):
        raise ValueError("embeds: not a list")
    record = data["record"]
    cut = data.get("cut", False)
    if type(cut) is not bool:
        raise ValueError(f"cut: {cut!r:.40} is not true or false")
    page = PageInfo(**_checked(PageInfo, data["page"]))
    ref = WarcRecordRef(**_checked(WarcRecordRef, record)) if record else None
    return ScanRecord(
        **scan,
        cut=cut,
        page=page._replace(canonical_url=_shown(page.canonical_url)),
        embeds=[_embed(embed) for embed in embeds],
        record=ref._replace(target_uri=without_password(ref.target_uri)) if ref else None,
    )


def _shown(address: str | None) -> str | None:
    return without_password(address) if address else address


_SCAN_FIELDS = (
    "url",
    "started_at",
    "finished_at",
    "source",
    "final_url",
    "http_status",
    "content_sha256",
)
_INTEGERS = range(-(2**63), 2**63)  # SQLite's
_NOT_NEGATIVE = {"warc_offset", "warc_length", "raw_start", "raw_end", "position"}


def _embed(data: Any) -> Embed:
    fields = _checked(Embed, data)
    status_id = fields["status_id"]
    if status_id is not None and canonical_id(status_id) != status_id:
        raise ValueError(f"status_id: {status_id!r:.40} is not a status ID")
    return Embed(**fields)


def _checked(kind: type, data: Any) -> dict[str, Any]:
    """``data``'s fields for ``kind``, each of its declared type (a list for a tuple)."""
    if not isinstance(data, dict):
        raise ValueError(f"{kind.__name__}: not a JSON object")
    hints = _hints(kind)
    checked = {}
    for name, value in data.items():
        hint = hints.get(name)
        if hint is None or not _fits(value, hint):
            raise ValueError(f"{name}: {value!r:.40} is not {hint or 'a field'}")
        if name in _NOT_NEGATIVE and value is not None and value < 0:
            raise ValueError(f"{name}: {value} is negative")
        checked[name] = tuple(value) if isinstance(value, list) else value
    return checked


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value is of a field's type: str, int, None, their unions, tuples."""
    if hint is str:
        return isinstance(value, str)
    if hint is int:
        return type(value) is int and value in _INTEGERS
    if hint is type(None):
        return value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if origin is tuple:
        return isinstance(value, list) and all(_fits(item, args[0]) for item in value)
    return False


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

    A line that does not parse (cut short by a kill) is skipped; one whose fields are not
    of their types is the input's ``failed`` entry, saying so. ``TargetError`` when the
    manifest cannot be read."""
    path = Path(out_dir) / MANIFEST
    latest: dict[str, dict[str, Any]] = {}
    try:
        with open_regular(path) as fh:  # a named pipe would hold crawl and import for ever
            for raw in fh:
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("input"), str):
                    latest[entry["input"]] = _checked_entry(entry)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise TargetError(
            f"{path}: cannot read the crawl manifest ({exc.strerror or exc})"
        ) from None
    return latest


_ENTRY_TEXTS = ("status", "result", "sha256", "error")


def _checked_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry, or a ``failed`` one saying what is wrong with it: a field that is not of
    its type, or a format newer than this archiver reads."""
    problem = _entry_problem(entry)
    if problem is None:
        return entry
    return {"input": entry["input"], "status": "failed", "result": None, "error": problem}


def _entry_problem(entry: dict[str, Any]) -> str | None:
    written = entry.get("format", 1)
    if type(written) is int and written > RESULT_FORMAT:
        return (
            f"{entry['input']}: written by a newer archiver (result format"
            f" {written!r:.20}; this one reads format {RESULT_FORMAT}): upgrade archiver to"
            " import it"
        )
    problem = None if type(written) is int and written >= 1 else f"format is {written!r:.40}"
    for name in _ENTRY_TEXTS:
        value = entry.get(name)
        if problem is None and value is not None and not isinstance(value, str):
            problem = f"{name} is {value!r:.40}"
    result = entry.get("result")  # text by now, unless a problem was found
    if problem is None and result and (result != os.path.basename(result) or result in (".", "..")):
        problem = f"result {result!r:.60} is not a file name in the directory"
    return None if problem is None else f"{entry['input']}: damaged manifest line ({problem})"
