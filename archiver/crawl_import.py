"""``archive import DIR``: merge a crawl's result files into the archive.

One transaction per input, in the order of their paths. A result file is checked against the SHA-256
its manifest line recorded before anything of it is saved. Each page is saved once per WARC
record, so importing twice (or importing what a local ``archive scan`` of the same files
already saved) adds nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .crawl_files import file_sha256, read_manifest, read_results
from .db import Archive, save_crawl_scans
from .errors import ArchiverError, TargetError


class ImportedInput(NamedTuple):
    """One crawl input's results as ``archive import`` took them in."""

    input: str
    status: str  # the crawl's status of the input: ok, partial or failed
    pages: int = 0
    new: int = 0
    error: str | None = None  # why this input's results were not imported
    crawl_error: str | None = None  # why the crawl stopped early in a ``partial`` input


def import_results(
    db: Archive,
    out_dir: str | Path,
    on_input: Callable[[ImportedInput], None] = lambda item: None,
) -> list[ImportedInput]:
    """Import every input of the crawl in ``out_dir`` that has a result file."""
    out = Path(out_dir)
    entries = read_manifest(out)
    if not entries:
        raise TargetError(f"{out}: no crawl manifest (_manifest.jsonl) with any input in it")
    done = []
    for path in sorted(entries):
        item = _import_one(db, out, entries[path])
        on_input(item)
        done.append(item)
    return done


def _import_one(db: Archive, out: Path, entry: dict) -> ImportedInput:
    path, status = entry["input"], entry.get("status", "failed")
    if not entry.get("result"):
        return ImportedInput(path, status, error=entry.get("error") or f"{path}: no result file")
    result = out / entry["result"]
    try:
        if file_sha256(result) != entry.get("sha256"):
            return ImportedInput(path, status, error=f"{result}: changed since the crawl wrote it")
        pages, new = save_crawl_scans(db, read_results(result))
    except OSError as exc:
        return ImportedInput(path, status, error=f"{result}: {exc.strerror or exc}")
    except (ValueError, KeyError, TypeError, EOFError, zlib.error) as exc:
        return ImportedInput(path, status, error=f"{result}: damaged result file ({exc})")
    except ArchiverError as exc:
        return ImportedInput(path, status, error=str(exc))
    return ImportedInput(path, status, pages, new, crawl_error=entry.get("error"))
