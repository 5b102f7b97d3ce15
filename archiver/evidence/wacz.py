"""``archive export --wacz``: the evidence of some posts or articles as one WACZ file.

A WACZ (webrecorder/specs, WACZ 1.1.1) is a ZIP, stored uncompressed so replay tools can
read byte ranges of it, holding

* ``archive/data.warc.gz``: the chosen records, each gzip member copied byte for byte from
  the archive's WARC files (a revisit brings the record it refers to);
* ``indexes/index.cdx``: their CDXJ index (``cdxj-indexer``, the indexer py-wacz uses);
* ``pages/pages.jsonl``: the articles and the posts' provider replies, each at the time of
  its capture, so ReplayWeb.page lists them;
* ``datapackage.json`` with the SHA-256 and size of each file, and
  ``datapackage-digest.json`` with the hash of that.

The JSON files are written here rather than by py-wacz's ``wacz create``: they are a few
lines each, and py-wacz would bring frictionless and its ~40 dependencies into every install.
The test suite checks the result with ``wacz validate``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..clock import as_timestamp
from ..db import evidence as rows
from ..errors import ArchiverError
from ..urls import without_password
from .read import RecordError, check_record, read_bytes, read_record, resolve

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"


class Selection(NamedTuple):
    """Which evidence to export: nothing chosen means everything."""

    posts: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    since: str | None = None  # ISO date or date-time: records captured from then on


class ExportSummary(NamedTuple):
    """What ``archive export`` wrote."""

    records: int
    pages: int
    bytes: int

    def line(self, out: Path) -> str:
        return f"wrote {out}: {self.records} record(s), {self.pages} page(s), {self.bytes:,} bytes"


def export_wacz(
    conn: sqlite3.Connection, warc_dir: Path, out: Path, selection: Selection
) -> ExportSummary:
    """Write the WACZ of ``selection`` to ``out`` (atomically). Raises ``ArchiverError``.

    The file is replaced by a rename, so a symlink is followed to the file it names, and a
    pipe or a device (``/dev/stdout``) is refused: the rename would replace it, not write
    into it."""
    out = _destination(out)
    # A post or article not held is named (the others' evidence would be written alone).
    if missing := rows.unknown_posts(conn, selection.posts):
        raise ArchiverError(f"{missing[0]}: no such post in the archive")
    if missing := rows.unknown_articles(conn, selection.articles):
        raise ArchiverError(f"{without_password(missing[0])}: no such article in the archive")
    pointers = rows.records_for_export(conn, selection.posts, selection.articles, selection.since)
    pointers = _with_originals(conn, warc_dir, pointers)
    if not pointers:
        raise ArchiverError("nothing to export: no kept record matches the selection")
    with tempfile.TemporaryDirectory() as scratch:
        warc = Path(scratch) / WARC_NAME
        _copy_records(warc_dir, pointers, warc)
        index = _cdxj(warc)
        pages = _pages(conn, [p.id for p in pointers])
        files = {
            f"archive/{WARC_NAME}": warc.read_bytes(),
            "indexes/index.cdx": index,
            "pages/pages.jsonl": pages,
        }
        _write_zip(out, files)
    return ExportSummary(len(pointers), pages.count(b"\n") - 1, out.stat().st_size)


def _destination(out: Path) -> Path:
    """``out`` through its symlinks: nothing yet, or a regular file (``ArchiverError``)."""
    try:
        if out.exists() and not out.is_file():
            raise ArchiverError(f"{out}: not a regular file, so no WACZ is written there")
        resolved = out.resolve()
        # Told here, by the name given: the file is first written beside it as NAME.partial.
        if not resolved.parent.is_dir():
            raise ArchiverError(f"{out}: cannot write (no such directory {resolved.parent})")
        if not os.access(resolved.parent, os.W_OK):
            raise ArchiverError(
                f"{out}: cannot write (the directory {resolved.parent} is not writable)"
            )
        return resolved
    except RuntimeError:  # Python 3.11's resolve() on a symlink loop
        raise ArchiverError(f"{out}: a symlink loop, so no WACZ is written there") from None
    except OSError as exc:
        raise ArchiverError(f"{out}: cannot write ({exc.strerror or exc})") from None


def _with_originals(
    conn: sqlite3.Connection, warc_dir: Path, pointers: list[rows.StoredPointer]
) -> list[rows.StoredPointer]:
    """Add the record each revisit refers to (a revisit alone replays nothing)."""
    have = {p.id for p in pointers}
    extra: list[rows.StoredPointer] = []
    for pointer in pointers:
        if pointer.record.record_type != "revisit":
            continue
        record = pointer.record
        try:
            stored = read_record(resolve(warc_dir, record.warc_file), *_span(record))
        except RecordError as exc:
            raise ArchiverError(f"cannot export: {exc}") from None
        original = rows.record_by_warc_id(conn, stored.refers_to or "")
        if original is not None and original.id not in have:
            have.add(original.id)
            extra.append(original)
    return sorted(pointers + extra, key=lambda p: p.id)


def _span(record) -> tuple[int, int]:
    return record.warc_offset, record.warc_length


def _copy_records(warc_dir: Path, pointers: list[rows.StoredPointer], out: Path) -> None:
    """Each record's bytes, checked as ``archive verify`` checks them (a damaged record is
    never handed over), as a gzip member (a record of an uncompressed WARC is gzipped)."""
    with open(out, "wb") as fh:
        for pointer in pointers:
            data = _checked_bytes(warc_dir, pointer)
            fh.write(data if data.startswith(b"\x1f\x8b") else gzip.compress(data, mtime=0))


def _checked_bytes(warc_dir: Path, pointer: rows.StoredPointer) -> bytes:
    record = pointer.record
    try:
        path = resolve(warc_dir, record.warc_file)
        ours = not Path(record.warc_file).is_absolute()
        data = read_bytes(path, *_span(record))
        stored = check_record(data, f"record {pointer.id}", ours)
    except RecordError as exc:
        raise ArchiverError(f"cannot export: {exc}") from None
    if stored.record_id != record.record_id:
        raise ArchiverError(f"cannot export: record {pointer.id} is not the one its row names")
    if stored.arc:
        raise ArchiverError(
            f"cannot export: record {pointer.id} is an ARC record ({record.warc_file}), and a"
            " WACZ holds WARC records only; choose posts or articles kept from WARC files"
        )
    if stored.date is not None and not _indexable(stored.date):
        raise ArchiverError(
            f"cannot export: record {pointer.id} ({record.warc_file}) is dated"
            f" {stored.date}, not a time in UTC as a WACZ's index (cdxj-indexer) reads one;"
            " choose posts or articles kept from other records"
        )
    return data


def _indexable(warc_date: str) -> bool:
    """Whether cdxj-indexer (warcio's ``iso_date_to_timestamp``) reads a WARC-Date: a date
    in UTC (``Z``) to any precision; one with an offset (``+01:00``), which some crawlers
    write, stopped the export in a traceback, and so did an ARC header's 14 digits
    (``20190815010203``, an OverflowError)."""
    from warcio.timeutils import iso_date_to_timestamp

    try:
        iso_date_to_timestamp(warc_date)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _cdxj(warc: Path) -> bytes:
    from cdxj_indexer.main import CDXJIndexer

    text = io.StringIO()
    text.close = lambda: None  # type: ignore[method-assign]  # the indexer closes its output
    CDXJIndexer(text, [str(warc)], sort=True, filename=WARC_NAME).process_all()
    return text.getvalue().encode("utf-8")


def _pages(conn: sqlite3.Connection, record_ids: list[int]) -> bytes:
    """``pages.jsonl``: a header, then one line per article capture and per post reply."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": "archiver evidence"}
    lines = [json.dumps(header)]
    for page in rows.export_pages(conn, record_ids):
        entry = {"id": f"record-{page.record_id}", "url": page.url}
        if page.date is not None:  # a damaged row's date is unknown: no ts (it is optional)
            entry["ts"] = _rfc3339(page.date)
        entry |= {k: v for k, v in (("title", page.title), ("post_url", page.post_url)) if v}
        lines.append(json.dumps(entry, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _rfc3339(warc_date: str) -> str:
    """WARC dates are already RFC 3339 (UTC, 'Z'); keep whole seconds for replay tools. A
    crawl's record dated by its day alone is at that day's start."""
    return as_timestamp(warc_date).split(".")[0].rstrip("Z") + "Z"


def _write_zip(out: Path, files: dict[str, bytes]) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": "archiver evidence",
        "software": f"archiver {__version__}",
        "created": now,
        "modified": now,
        "resources": [
            {
                "name": os.path.basename(path),
                "path": path,
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            for path, data in files.items()
        ],
    }
    datapackage = json.dumps(package, indent=2).encode("utf-8")
    digest = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest(),
    }
    partial = out.with_name(out.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for path, data in files.items():
                archive.writestr(path, data)
            archive.writestr("datapackage.json", datapackage)
            archive.writestr("datapackage-digest.json", json.dumps(digest).encode("utf-8"))
        os.replace(partial, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # what is in the way (a directory) stays
            partial.unlink(missing_ok=True)
        raise ArchiverError(
            f"{exc.filename or out}: cannot write ({exc.strerror or exc})"
        ) from None
