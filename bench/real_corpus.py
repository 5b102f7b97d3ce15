"""The two real-page mixes of the scan benchmark, laid out as page files.

Both come from ``../shared/corpus`` beside the repository (not shipped with it); each
function returns None when it is absent, and the benchmark skips that mix with a message.

* crawl: the HTML response bodies of ``crawl/news-1000.warc.gz`` (1,000 real article
  pages, about 7% with any X marker), read with FastWARC and written one file per record;
* embed-heavy: the hand-checked pages of ``real/`` (most embed posts), copied 25 times.

The files are written once into a cache directory under the system temp dir (named after
the source's size and mtime, so a changed corpus is laid out again) and reused.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CRAWL_WARC = CORPUS / "crawl" / "news-1000.warc.gz"
REAL_PAGES = CORPUS / "real"
PAGE_SUFFIXES = (".html", ".txt")


def _cache_dir(name: str, *sources: Path) -> Path:
    stamp = "".join(f"{s}:{s.stat().st_size}:{s.stat().st_mtime_ns}" for s in sources)
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"archiver-bench-{name}-{digest}"


def _publish(staging: Path, final: Path) -> Path:
    """Move a finished staging directory into place (a half-written cache is never used)."""
    try:
        staging.rename(final)
    except OSError:  # another run finished first
        shutil.rmtree(staging, ignore_errors=True)
    return final


def crawl_pages() -> Path | None:
    """The crawl's HTML pages as files ``NNNN.html`` (record order), or None without it."""
    if not CRAWL_WARC.exists():
        return None
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    final = _cache_dir("crawl", CRAWL_WARC)
    if final.exists():
        return final
    staging = Path(tempfile.mkdtemp(prefix=final.name + "-tmp-"))
    with CRAWL_WARC.open("rb") as stream:
        records = ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True)
        for number, record in enumerate(records):
            if "html" in (record.http_content_type or ""):
                (staging / f"{number:04d}.html").write_bytes(record.reader.read())
    return _publish(staging, final)


def embed_heavy_pages(copies: int = 25) -> Path | None:
    """The real-page corpus copied ``copies`` times (``copy-NN/``), or None without it."""
    if not REAL_PAGES.is_dir():
        return None
    pages = sorted(p for p in REAL_PAGES.iterdir() if p.suffix in PAGE_SUFFIXES)
    final = _cache_dir(f"real{copies}", REAL_PAGES, *pages)
    if final.exists():
        return final
    staging = Path(tempfile.mkdtemp(prefix=final.name + "-tmp-"))
    for copy in range(copies):
        target = staging / f"copy-{copy:02d}"
        target.mkdir()
        for page in pages:
            shutil.copyfile(page, target / page.name)
    return _publish(staging, final)


def page_files(directory: Path) -> list[Path]:
    """The files ``archive scan DIR`` reads, for the bare loop over the same files."""
    return sorted(p for p in directory.rglob("*") if p.suffix in PAGE_SUFFIXES)
