"""``archive scan``: turn targets (URLs, files, directories, stdin) into saved scans.

Reading and detection happen in worker processes for big directory scans (both cores; the
parent only writes SQLite), in threads for URLs (network-bound), inline otherwise. Each
article is saved all-or-nothing as soon as it is ready (local files in small committed
groups), so an interrupted scan keeps everything finished before the interruption.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .clock import utcnow
from .config import Config
from .db import save_scan, scan_writer
from .detect import find_posts
from .errors import ArchiverError, FetchError, TargetError
from .models import ScanRecord
from .normalize import sha256_hex

FILE_SUFFIXES = frozenset({".html", ".htm", ".txt", ".md", ".xhtml", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
PARALLEL_MIN_FILES = 64
CHUNK_FILES = 32  # files per worker round trip
CHUNKS_AHEAD = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to scan: ``kind`` is url, file, stdin, or error (``value`` is the message)."""

    kind: str
    value: str
    label: str
    real_path: str | None = None  # files found in a directory walk: already resolved


@dataclass
class ScanOutcome:
    target: Target
    record: ScanRecord | None
    article_id: int | None = None
    error: str | None = None


@dataclass
class ScanTotals:
    """What a scan did, in counts: nothing is kept per article, so a scan of a whole crawl
    stays flat in memory. ``post_refs`` (status ID → handle) is what ``--snapshot`` needs."""

    articles: int = 0
    failed: int = 0
    embeds: int = 0
    articles_with_embeds: int = 0
    post_refs: dict[str, str | None] = field(default_factory=dict)

    def add(self, outcome: ScanOutcome) -> None:
        if outcome.error or outcome.record is None:
            self.failed += 1
            return
        self.articles += 1
        embeds = [e for e in outcome.record.embeds if e.method != "link"]
        self.embeds += len(embeds)
        self.articles_with_embeds += bool(embeds)
        for embed in outcome.record.embeds:
            if embed.status_id and self.post_refs.get(embed.status_id) is None:
                self.post_refs[embed.status_id] = embed.handle


def iter_targets(arguments: Iterable[str], urls_file: str | None = None) -> Iterator[Target]:
    """Expand the command-line targets in order; problems come out as ``error`` targets."""
    items = list(arguments)
    if urls_file:
        try:
            lines = Path(urls_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            yield Target("error", f"cannot read URL list ({exc.__class__.__name__})", urls_file)
            lines = []
        items += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for item in items:
        yield from _expand(item)


def _expand(item: str) -> Iterator[Target]:
    if item == "-":
        yield Target("stdin", "-", "<stdin>")
        return
    if "://" in item:
        scheme = item.split("://", 1)[0].lower()
        if scheme in ("http", "https"):
            yield Target("url", item, item)
        else:
            yield Target("error", f"unsupported URL scheme '{scheme}' (only http and https)", item)
        return
    path = Path(item)
    if path.is_dir():
        files = page_files(item)
        if not files:
            yield Target("error", "no .html, .htm, .txt or .md files in this directory", item)
        yield from (Target("file", name, name, real) for name, real in files)
    elif path.exists():
        yield Target("file", str(path), item)
    else:
        yield Target("error", "no such file or directory", item)


def page_files(directory: str) -> list[tuple[str, str]]:
    """(path, resolved path) of every page file below a directory, in path order.

    The directory is resolved once: symlinked directories are not followed, so only a
    symlinked file needs resolving of its own (``realpath`` per file costs an ``lstat`` per
    path component, as much as reading a small page).
    """
    found: list[tuple[str, str]] = []
    stack = [(directory, os.path.realpath(directory))]
    while stack:
        path, real = stack.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirs.append((entry.path, os.path.join(real, entry.name)))
            elif entry.is_symlink() and entry.is_dir():
                continue  # a symlinked directory: not followed, as os.walk does
            elif os.path.splitext(entry.name)[1].lower() in FILE_SUFFIXES:
                resolved = os.path.join(real, entry.name)
                if entry.is_symlink():
                    resolved = os.path.realpath(entry.path)
                found.append((entry.path, resolved))
        stack.extend(reversed(subdirs))
    return found


def read_page_file(path: str) -> bytes:
    """A local page's bytes; empty, unreadable and binary files are refused."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        raise TargetError(f"{path}: is a directory") from None
    except PermissionError:
        raise TargetError(f"{path}: permission denied") from None
    except OSError as exc:
        raise TargetError(f"{path}: cannot read ({exc.strerror or exc})") from None
    check_page_bytes(path, data)
    return data


def check_page_bytes(label: str, data: bytes) -> None:
    if not data or data.isspace():  # isspace stops at the first other byte; strip copies
        raise TargetError(f"{label}: empty file")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TargetError(f"{label}: binary file, not a web page or text")


def detect_record(
    url: str,
    data: bytes,
    *,
    started_at: str,
    include_links: bool,
    content_type: str | None = None,
    is_html: bool | None = None,
    final_url: str | None = None,
    http_status: int | None = None,
    source: str | None = None,
) -> ScanRecord:
    """Detection on a page's bytes, packed as a record for ``save_scan``."""
    detection = find_posts(
        data,
        content_type=content_type,
        include_links=include_links,
        html=is_html,
        url=final_url or url,
    )
    return ScanRecord(
        url=url,
        started_at=started_at,
        finished_at=utcnow(),
        source=source,
        final_url=final_url,
        http_status=http_status,
        content_sha256=sha256_hex(data),
        page=detection.page,
        embeds=detection.embeds,
    )


def scan_file(path: str, include_links: bool, real_path: str | None = None) -> ScanRecord | str:
    """Read and detect one local file (runs in worker processes). Errors come back as text."""
    started = utcnow()
    try:
        data = read_page_file(path)
    except TargetError as exc:
        return str(exc)
    is_html = False if os.path.splitext(path)[1].lower() in TEXT_SUFFIXES else None
    return detect_record(
        "file://" + quote(real_path or os.path.realpath(path)),  # as Path.resolve().as_uri()
        data,
        started_at=started,
        include_links=include_links,
        is_html=is_html,
        source="file",
    )


def scan_stdin(data: bytes, include_links: bool) -> ScanRecord:
    check_page_bytes("<stdin>", data)
    started = utcnow()
    return detect_record(
        f"stdin:{sha256_hex(data)[:16]}",
        data,
        started_at=started,
        include_links=include_links,
        source="stdin",
    )


def scan_url(
    client, url: str, config: Config, include_links: bool, throttle=None, source: str | None = "cli"
) -> ScanRecord:
    """Fetch and detect one article. A failed fetch gives a record carrying the error."""
    from .fetch import fetch_article

    started = utcnow()
    try:
        page = fetch_article(client, url, config.fetch, throttle)
        check_page_bytes(url, page.body)
    except (FetchError, TargetError) as exc:
        return ScanRecord(
            url=url,
            started_at=started,
            finished_at=utcnow(),
            source=source,
            http_status=getattr(exc, "status_code", None),
            error=str(exc),
        )
    return detect_record(
        url,
        page.body,
        started_at=started,
        include_links=include_links,
        content_type=page.content_type,
        final_url=page.final_url,
        http_status=page.status_code,
        source=source,
    )


def run_scan(
    db,
    targets: Iterable[Target],
    config: Config,
    *,
    include_links: bool = False,
    stdin: Callable[[], bytes] | None = None,
    on_outcome: Callable[[ScanOutcome], None] = lambda outcome: None,
) -> ScanTotals:
    """Scan every target and save it; ``on_outcome`` sees each outcome in target order.

    Local files are saved in small committed groups (``GroupWriter``: each article is
    all-or-nothing, a group is durable within half a second); URLs and stdin one transaction
    each. An outcome is reported once its article is committed; Ctrl-C commits the group in
    hand first.
    """
    totals = ScanTotals()
    writer = scan_writer(db)
    waiting: list[tuple[Target, ScanRecord | str]] = []

    def report(outcome: ScanOutcome) -> None:
        totals.add(outcome)
        on_outcome(outcome)

    def flush() -> None:
        saved = {id(record): (article_id, error) for record, article_id, error in writer.commit()}
        for target, result in waiting:
            if isinstance(result, str):
                report(ScanOutcome(target, None, error=result))
            else:
                article_id, error = saved[id(result)]
                report(ScanOutcome(target, result, article_id, error or result.error))
        waiting.clear()

    try:
        for target, result in _results(list(targets), config, include_links, stdin):
            if target.kind != "file":
                flush()
                report(_save(db, target, result))
                continue
            waiting.append((target, result))
            if isinstance(result, ScanRecord):
                writer.add(result)
            if writer.due():
                flush()
    finally:
        flush()
    return totals


def _save(db, target: Target, result: ScanRecord | str) -> ScanOutcome:
    if isinstance(result, str):
        return ScanOutcome(target, None, error=result)
    try:
        article_id = save_scan(db, result)
    except ArchiverError as exc:
        return ScanOutcome(target, result, error=str(exc))
    return ScanOutcome(target, result, article_id, result.error)


def _results(targets: list[Target], config: Config, include_links: bool, stdin):
    """(target, record or error text) in target order, computed as concurrently as fits."""
    files = [t for t in targets if t.kind == "file"]
    urls = [t for t in targets if t.kind == "url"]
    file_results = _file_results(files, include_links)
    url_results = _url_results(urls, config, include_links)
    for target in targets:
        if target.kind == "error":
            yield target, f"{target.label}: {target.value}"
        elif target.kind == "stdin":
            try:
                data = stdin() if stdin else sys.stdin.buffer.read()
                yield target, scan_stdin(data, include_links)
            except TargetError as exc:
                yield target, str(exc)
        elif target.kind == "file":
            yield target, next(file_results)
        else:
            yield target, next(url_results)


def _file_results(files: list[Target], include_links: bool) -> Iterator[ScanRecord | str]:
    paths = [t.value for t in files]
    real_paths = [t.real_path for t in files]
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        yield from (
            scan_file(p, include_links, real) for p, real in zip(paths, real_paths, strict=True)
        )
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Not pool.map: it submits every file at once, and when saving is slower than
        # detection (a slow disk under the archive) the finished results pile up in memory.
        ahead: deque[Future[list[ScanRecord | str]]] = deque()
        for start in range(0, len(paths), CHUNK_FILES):
            end = start + CHUNK_FILES
            chunk = (paths[start:end], real_paths[start:end], include_links)
            ahead.append(pool.submit(_scan_files, *chunk))
            if len(ahead) > CHUNKS_AHEAD * workers:
                yield from ahead.popleft().result()
        while ahead:
            yield from ahead.popleft().result()


def _scan_files(
    paths: list[str], real_paths: list[str | None], include_links: bool
) -> list[ScanRecord | str]:
    """Files in order (a chunk of them is one round trip to a worker process)."""
    return [scan_file(p, include_links, real) for p, real in zip(paths, real_paths, strict=True)]


def _url_results(urls: list[Target], config: Config, include_links: bool):
    if not urls:
        return
    from .fetch import HostThrottle, make_client

    throttle = HostThrottle(config.fetch.per_host_delay)
    with make_client(config.fetch) as client, ThreadPoolExecutor(config.fetch.concurrency) as pool:
        futures = [
            pool.submit(scan_url, client, t.value, config, include_links, throttle) for t in urls
        ]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
