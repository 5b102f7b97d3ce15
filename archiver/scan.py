"""``archive scan``: turn targets (URLs, files, directories, stdin) into saved scans.

Reading and detection happen in worker processes for big directory scans (both cores; the
parent only writes SQLite), in threads for URLs (network-bound, through ``http.Http``),
inline otherwise. Targets are streamed: work is submitted a window ahead of the article
being saved, never all at once, so a list of any length is scanned in bounded memory. Each
article is saved all-or-nothing as soon as it is ready (local files in small committed
groups), so an interrupted scan keeps everything finished before the interruption.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import stat
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple
from urllib.parse import quote

from .clock import utcnow
from .config import Config
from .db import save_scan, scan_writer
from .errors import ArchiverError, ContentTypeError, FetchError, ScanWorkerDiedError, TargetError
from .evidence.capture import capture_of
from .evidence.pages import keep_page, prepare_page
from .evidence.warc import EvidenceError, WarcLog, evidence_log
from .interrupts import signals_deferred
from .models import ScanRecord
from .normalize import sha256_hex
from .small_files import MAX_PAGE_BYTES
from .urls import absolute_url, article_url, url_problem
from .warc_input import WarcCounts, is_warc_path

# Imported when used: a scan of files needs neither the network nor pools, and the process
# that saves a directory's scans no detection (its worker processes detect).
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

    from .http import Exchange, Http, OnResponse
    from .warc_input import DamagedRecord, RawPage

FILE_SUFFIXES = frozenset({".html", ".htm", ".txt", ".md", ".xhtml", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
PARALLEL_MIN_FILES = 64
# WARC files this big in all hold some 50 pages or more: worth starting worker processes.
PARALLEL_MIN_WARC_BYTES = 8_000_000
CHUNK_FILES = 32  # files per worker round trip
MANAGER_SECONDS = 10.0  # how long an interrupted scan waits for its pool's manager thread
IDLE_SECONDS = 0.25  # while a result is awaited, the group in hand is committed when due
CHUNKS_AHEAD = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory
URLS_AHEAD = 4  # URLs in flight per connection ([fetch] concurrency)
LOOKAHEAD = 1024  # targets read before choosing between worker processes and inline reading
PAGE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)


class Target(NamedTuple):
    """One thing to scan: ``kind`` is url, file, warc, stdin, or error (``value`` is the
    message). A warc target stands for its file, then for each page read from it."""

    kind: str
    value: str
    label: str
    real_path: str | None = None  # files found in a directory walk: already resolved
    source: str | None = "cli"  # URLs: where the URL came from (``articles.source``)
    # Set by the worker for an article due in its queue: save it with its next scan time.
    reschedule: bool = False
    next_scan_at: str | None = None


class TargetFailed(NamedTuple):
    """A target that gave no page to save (unreadable file, bad URL scheme, WARC error...)."""

    error: str


Result = ScanRecord | TargetFailed  # what reading one target gives


class ScanOutcome(NamedTuple):
    """One target's result: its record when scanned, else why not."""

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
    warc: WarcCounts = field(default_factory=WarcCounts)  # records read from WARC files

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
    """Expand the command-line targets in order, then the URL list's lines (read lazily, a
    line at a time); problems come out as ``error`` targets."""
    for item in arguments:
        yield from _expand(item)
    if urls_file:
        yield from _url_list(urls_file)


def _url_list(path: str) -> Iterator[Target]:
    """One target per line of a URL list (UTF-8, a byte-order mark allowed; lines end in LF,
    CRLF or CR alone); blank lines and ``#`` comments are skipped. A line that is not UTF-8
    is a failed target of its own: the others are scanned."""
    try:
        with open(path, "rb") as handle:
            lines = (part for raw in handle for part in _line_end(raw).split(b"\r"))
            for number, raw in enumerate(lines, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                except UnicodeDecodeError as exc:
                    byte = f"byte {raw[exc.start]:#04x}"
                    yield Target("error", f"line {number} is not UTF-8 text ({byte})", path)
                    continue
                if line and not line.startswith("#"):
                    yield from _expand(line)
    except OSError as exc:
        yield Target("error", f"cannot read URL list ({(exc.strerror or str(exc)).lower()})", path)


def _line_end(raw: bytes) -> bytes:
    """A line without its LF, CRLF or final CR."""
    raw = raw[:-1] if raw.endswith(b"\n") else raw
    return raw[:-1] if raw.endswith(b"\r") else raw


def _expand(item: str) -> Iterator[Target]:
    if item == "-":
        yield Target("stdin", "-", "<stdin>")
        return
    if not item.strip():  # an unset shell variable; Path("") would be the current directory
        yield Target("error", "empty target (no file, directory or URL)", item)
        return
    if "://" in item:
        scheme = item.split("://", 1)[0].lower()
        if scheme in ("http", "https"):
            problem = url_problem(item)
            yield Target("error", problem, item) if problem else Target("url", item, item)
        else:
            yield Target("error", f"unsupported URL scheme '{scheme}' (only http and https)", item)
        return
    path = Path(item)
    if path.is_dir():
        unreadable: list[tuple[str, OSError]] = []
        files = page_files(item, unreadable)
        for directory, exc in unreadable:
            yield Target("error", f"cannot read directory ({exc.strerror or exc})", directory)
        if not files and not unreadable:
            yield Target("error", "no page or WARC files in this directory", item)
        for name, real in files:
            yield (
                Target("warc", name, name)
                if is_warc_path(name)
                else Target("file", name, name, real)
            )
    elif path.exists():
        yield Target("warc" if is_warc_path(item) else "file", str(path), item)
    else:
        yield Target("error", "no such file or directory" + _scheme_hint(item), item)


# A host name (with a dot) or IPv4 address, then a port or a path: ``www.bbc.co.uk``,
# ``example.com/news/a``, ``127.0.0.1:8000/a``, ``localhost:8000/a``. A file name alone
# (``story.html``) is not one.
# A host before a path: a name whose last label is a top-level domain's (letters, or an
# IDN's ``xn--``; a directory such as ``backup.2024/`` is none), or an IPv4 address.
LOOKS_LIKE_HOST = re.compile(
    r"(?:www\.[^/\s]+"
    r"|(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)(?::[0-9]+)?/.*"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]+)?/.*"
    r"|[\w.-]+:[0-9]+(?:/.*)?)"
)


def _scheme_hint(item: str) -> str:
    """For a missing path that reads as an address without its scheme, what it lacks."""
    return " (a URL needs http:// or https://)" if LOOKS_LIKE_HOST.fullmatch(item) else ""


def page_files(
    directory: str, unreadable: list[tuple[str, OSError]] | None = None
) -> list[tuple[str, str]]:
    """(path, resolved path) of every page or WARC file below a directory, in path order;
    each directory that cannot be listed is added to ``unreadable``, with its error.

    The directory is resolved once: symlinked directories are not followed, so only a
    symlinked file needs resolving of its own (``realpath`` per file costs an ``lstat`` per
    path component, as much as reading a small page).
    """
    return list(iter_page_files(directory, unreadable))


def iter_page_files(
    directory: str, unreadable: list[tuple[str, OSError]] | None = None
) -> Iterator[tuple[str, str]]:
    """``page_files``, one at a time."""
    stack = [(directory, os.path.realpath(directory))]
    while stack:
        path, real = stack.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError as exc:
            if unreadable is not None:
                unreadable.append((path, exc))
            continue
        subdirs = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirs.append((entry.path, os.path.join(real, entry.name)))
            elif entry.is_symlink() and entry.is_dir():
                continue  # a symlinked directory: not followed, as os.walk does
            elif (
                os.path.splitext(entry.name)[1].lower() in FILE_SUFFIXES or is_warc_path(entry.name)
            ) and entry.is_file():  # not a named pipe or device: reading one may never end
                resolved = os.path.join(real, entry.name)
                if entry.is_symlink():
                    resolved = os.path.realpath(entry.path)
                yield entry.path, resolved
        stack.extend(reversed(subdirs))


SNIFF_BYTES = 8192  # the head that tells a binary file (a NUL byte, no UTF-16 mark)
READ_PIECE = 1 << 20


def read_page_file(path: str) -> bytes:
    """A local page's bytes; empty, unreadable and binary files are refused."""
    try:
        with open(path, "rb") as fh:
            data = read_checked(fh, path)
    except IsADirectoryError:
        raise TargetError(f"{path}: is a directory") from None
    except PermissionError:
        raise TargetError(f"{path}: permission denied") from None
    except OSError as exc:
        raise TargetError(f"{path}: cannot read ({exc.strerror or exc})") from None
    check_page_bytes(path, data)
    return data


def read_checked(stream: BinaryIO, label: str) -> bytes:
    """All of ``stream``, refused as binary on its head and past ``MAX_PAGE_BYTES``. A
    regular file is refused by its size before it is read, else read in one call (its size
    and one byte more, to see whether it grew): the page is not copied again to join
    pieces. A pipe or a device (``yes | archive scan -``, ``/dev/zero``, a film named
    ``.html`` would fill the memory) is refused as binary on its head before the rest is
    read, and once past the limit."""
    known = _file_size(stream)
    if known is not None and known > MAX_PAGE_BYTES:
        raise _too_big(label)
    first = stream.read(SNIFF_BYTES if known is None else known + 1)
    _refuse_binary(label, first[:SNIFF_BYTES])
    if known is not None and len(first) <= known:
        return first  # its end
    parts, size = [first], len(first)
    while size <= MAX_PAGE_BYTES and (piece := stream.read(READ_PIECE)):
        parts.append(piece)
        size += len(piece)
    if size > MAX_PAGE_BYTES:
        raise _too_big(label)
    return b"".join(parts)


def _too_big(label: str) -> TargetError:
    return TargetError(f"{label}: larger than {MAX_PAGE_BYTES:,} bytes, not an article page")


def _file_size(stream: BinaryIO) -> int | None:
    """The size of a regular file, or None for a pipe, a device, or a stream that is no
    file."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size == 0:
        return None  # /proc files say 0 and still hold bytes
    return status.st_size


def check_page_bytes(label: str, data: bytes) -> None:
    if not data or data.isspace():  # isspace stops at the first other byte; strip copies
        raise TargetError(f"{label}: empty file")
    _refuse_binary(label, data[:SNIFF_BYTES])


def _refuse_binary(label: str, head: bytes) -> None:
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
    """Detection on a page's bytes, packed as a record for ``save_scan``. The embeds'
    fingerprints are computed here: in the worker process, not in the one that saves.
    A page that breaks a detector gets a record carrying the error: the scan goes on."""
    from .detect import detect_or_fail

    detection, error = detect_or_fail(
        data,
        url,
        content_type=content_type,
        include_links=include_links,
        html=is_html,
        url=final_url or url,
    )
    page = detection.page
    if final_url and page.canonical_url:  # <link rel=canonical href="/a"> as an address
        canonical = absolute_url(page.canonical_url, final_url) or page.canonical_url
        page = page._replace(canonical_url=canonical)
    return ScanRecord(
        url=url,
        started_at=started_at,
        finished_at=utcnow(),
        source=source,
        final_url=final_url,
        http_status=http_status,
        content_sha256=sha256_hex(data),
        page=page,
        embeds=detection.embeds,
        fingerprints=[embed.fingerprint for embed in detection.embeds],
        error=error,
    )


def scan_file(
    path: str, include_links: bool, real_path: str | None = None, evidence: bool = False
) -> Result:
    """Read and detect one local file (runs in worker processes; errors come back as values).
    With ``evidence``, a page to be kept has its WARC record's payload made ready here."""
    started = utcnow()
    try:
        data = read_page_file(path)
    except TargetError as exc:
        return TargetFailed(str(exc))
    is_html = False if os.path.splitext(path)[1].lower() in TEXT_SUFFIXES else None
    record = detect_record(
        # As Path.resolve().as_uri(): from the name's bytes (a name may not be UTF-8).
        "file://" + quote(os.fsencode(real_path or os.path.realpath(path))),
        data,
        started_at=started,
        include_links=include_links,
        is_html=is_html,
        source="file",
    )
    if evidence:
        record.capture = prepare_page(record, data)
    return record


def scan_stdin(data: bytes, include_links: bool) -> ScanRecord:
    check_page_bytes("<stdin>", data)
    started = utcnow()
    record = detect_record(
        f"stdin:{sha256_hex(data)[:16]}",
        data,
        started_at=started,
        include_links=include_links,
        source="stdin",
    )
    record.capture = data
    return record


REDIRECTS = frozenset({301, 302, 303, 307, 308})


class ArticleStatusError(FetchError):
    """An article answered with an HTTP error; ``exchange`` is the answer (evidence when the
    article had embeds: a page that now says 404 is part of its story)."""

    def __init__(self, message: str, *, url: str, exchange: Exchange) -> None:
        super().__init__(message, url=url, status_code=exchange.status_code)
        self.exchange = exchange


def fetch_article(http: Http, url: str) -> Exchange:
    """GET an article page (retried and throttled by ``http``). What is not a page is refused
    before its body is read; an HTTP error is raised once its body was read (and recorded).

    Raises ``FetchError`` (with ``status_code`` for HTTP errors) or ``ContentTypeError``.
    """

    def accept(response) -> None:
        status = response.status_code
        media_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
        if status < 400 and media_type and media_type not in PAGE_TYPES:
            raise ContentTypeError(
                f"{url}: not a web page (Content-Type {media_type})", url=url, status_code=status
            )

    exchange = http.get(url, accept=accept)
    status = exchange.status_code
    if status >= 300:  # a 3xx here was not followed: it had no Location (or is a 304)
        phrase = exchange.response.reason_phrase
        why = (
            " (a redirect with no Location to follow)"
            if status in REDIRECTS
            else " (to a request without validators)"
            if status == 304  # an article is always asked for whole
            else ""
        )
        raise ArticleStatusError(
            f"{url}: HTTP {status} {phrase}".rstrip() + why, url=url, exchange=exchange
        )
    return exchange


def scan_url(http: Http, target: Target, include_links: bool) -> ScanRecord:
    """Fetch and detect one article. A failed fetch gives a record carrying the error."""
    url = target.value
    # The article's identity (tracking parameters and fragment removed); the address as
    # fetched is kept as final_url. A queued article keeps the URL of its row.
    identity = url if target.reschedule else article_url(url)
    started = utcnow()
    try:
        page = fetch_article(http, url)
        check_page_bytes(url, page.body)
    except (FetchError, TargetError) as exc:
        record = ScanRecord(
            url=identity,
            started_at=started,
            finished_at=utcnow(),
            source=target.source,
            http_status=getattr(exc, "status_code", None),
            error=str(exc),
        )
        if isinstance(exc, ArticleStatusError):
            record.capture = capture_of(exc.exchange)
    else:
        record = detect_record(
            identity,
            page.body,
            started_at=started,
            include_links=include_links,
            content_type=page.content_type,
            final_url=page.final_url,
            http_status=page.status_code,
            source=target.source,
        )
        record.capture = capture_of(page)
    record.reschedule, record.next_scan_at = target.reschedule, target.next_scan_at
    return record


def run_scan(
    db,
    targets: Iterable[Target],
    config: Config,
    *,
    include_links: bool = False,
    stdin: Callable[[], bytes] | None = None,
    on_outcome: Callable[[ScanOutcome], None] = lambda outcome: None,
    should_stop: Callable[[], bool] = lambda: False,
    on_response: Sequence[OnResponse] = (),
    workers: ProcessPoolExecutor | None = None,
) -> ScanTotals:
    """Scan every target and save it; ``on_outcome`` sees each outcome in target order.

    ``targets`` may be a stream of any length: it is read a window ahead of the saving.
    Local files are saved in small committed groups (``GroupWriter``: each article is
    all-or-nothing, a group is durable within half a second); URLs and stdin one transaction
    each. An outcome is reported once its article is committed; Ctrl-C commits the group in
    hand first. Once ``should_stop`` says so, no new target is started; the ones in hand are
    finished and saved (the worker's shutdown). ``on_response`` sees every article response
    (see ``archiver.http.Exchange``). ``workers``: the pool of ``file_workers``, when one was
    started (the files are then read there if there are enough of them).
    """
    totals = ScanTotals()
    saves = _Saves(db, config, totals, on_outcome)
    results = _results(
        targets,
        config,
        include_links,
        stdin,
        should_stop,
        totals.warc,
        on_response,
        workers,
        idle=saves.flush_if_due,
    )
    try:
        for target, found in results:
            saves.take(target, found)
    finally:
        try:
            results.close()  # stops the network and the worker processes
        finally:
            saves.close()
    return totals


class _Saves:
    """The saving side of ``run_scan``: evidence first, then rows; files and WARC pages in
    committed groups, the rest one transaction each; each outcome reported once durable."""

    def __init__(
        self, db, config: Config, totals: ScanTotals, on_outcome: Callable[[ScanOutcome], None]
    ) -> None:
        self.db, self.totals, self.on_outcome = db, totals, on_outcome
        self.writer = scan_writer(db)
        self.waiting: list[tuple[Target, Result]] = []
        self.log = evidence_log(db, config)

    def report(self, outcome: ScanOutcome) -> None:
        self.totals.add(outcome)
        self.on_outcome(outcome)

    def take(self, target: Target, found: Result) -> None:
        result = found
        if isinstance(found, ScanRecord) and found.record is None:
            # Files are committed in groups: their records are fsynced once, before it.
            result = keep_evidence(self.db, self.log, found, durable=target.kind != "file")
        if target.kind not in ("file", "warc"):
            self.flush()
            self.report(_save(self.db, target, result))
            return
        self.waiting.append((target, result))
        if isinstance(result, ScanRecord):
            self.writer.add(result)
        if self.writer.due():
            self.flush()

    def flush_if_due(self) -> None:
        """Commit the group in hand once it is due, and report failed targets waiting with no
        group (called while a slow page is awaited: the pages before it are durable within
        half a second all the same)."""
        if self.writer.due() or (self.waiting and self.writer.time_left() is None):
            self.flush()

    def flush(self) -> None:
        """Commit the group in hand and report its outcomes. A Ctrl-C waits for the end of
        it (SIGTERM too): a group is never half written, and a committed article is always
        reported."""
        with signals_deferred():
            try:  # the group's WARC records are on disk before the rows naming them
                self.log.sync()
            except EvidenceError as exc:  # a full disk: the group fails, unwritten
                committed = self.writer.drop(exc)
            else:
                committed = self.writer.commit()
            saved = {id(record): (article_id, error) for record, article_id, error in committed}
            waiting, self.waiting = self.waiting, []
            for target, result in waiting:
                if isinstance(result, TargetFailed):
                    self.report(ScanOutcome(target, None, error=result.error))
                elif id(result) in saved:  # not when an interruption came between take's steps
                    article_id, error = saved[id(result)]
                    self.report(ScanOutcome(target, result, article_id, error or result.error))

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.log.close()


def keep_evidence(db, log: WarcLog, record: ScanRecord, durable: bool = True) -> Result:
    """Write the page's WARC record (when it is kept) before any row points at it; the
    record comes back with its pointer, or a failure when it could not be written."""
    try:
        record.record = keep_page(db.conn, log, record, record.capture, durable)
    except EvidenceError as exc:
        return TargetFailed(f"{record.url}: {exc}")
    finally:
        record.capture = None
    return record


def _save(db, target: Target, result: Result) -> ScanOutcome:
    if isinstance(result, TargetFailed):
        return ScanOutcome(target, None, error=result.error)
    try:
        article_id = save_scan(db, result)
    except ArchiverError as exc:
        return ScanOutcome(target, result, error=str(exc))
    return ScanOutcome(target, result, article_id, result.error)


def _results(
    targets: Iterable[Target],
    config: Config,
    include_links: bool,
    stdin: Callable[[], bytes] | None,
    should_stop: Callable[[], bool],
    warc_counts: WarcCounts,
    on_response: Sequence[OnResponse],
    workers: ProcessPoolExecutor | None = None,
    idle: Callable[[], None] = lambda: None,
) -> Generator[tuple[Target, Result]]:
    """(target, record or error text) in target order, computed concurrently up to a window
    ahead (a chunk of files per worker process round trip, a URL per thread). A WARC file
    is read here, page by page, once the targets before it are done. ``idle`` is called
    every ``IDLE_SECONDS`` while a result is awaited (to commit what is done meanwhile)."""
    stream = iter(targets)
    head = list(itertools.islice(stream, LOOKAHEAD))
    many_files = sum(t.kind == "file" for t in head) >= PARALLEL_MIN_FILES
    processes = many_files or len(head) == LOOKAHEAD
    runner = _Runner(config, include_links, stdin, processes, on_response, should_stop, workers)
    with runner:
        window: deque[tuple[list[Target], Future[list[Result]] | _Ready]] = deque()
        ahead = 0
        for chunk in _chunks(itertools.chain(head, stream)):
            if should_stop():
                break
            if chunk[0].kind == "warc":
                yield from _finish(window, should_stop, idle)
                ahead = 0
                pool = runner.processes
                yield from _warc_results(chunk[0], include_links, warc_counts, pool, idle)
                continue
            window.append((chunk, runner.submit(chunk)))
            ahead += len(chunk)
            while ahead > runner.window:
                done, future = window.popleft()
                ahead -= len(done)
                yield from _settle(done, future, should_stop, idle)
        yield from _finish(window, should_stop, idle)


def _chunks(targets: Iterable[Target]) -> Iterator[list[Target]]:
    """Consecutive files in chunks of ``CHUNK_FILES``; every other target alone."""
    files: list[Target] = []
    for target in targets:
        if target.kind == "file":
            files.append(target)
            if len(files) == CHUNK_FILES:
                yield files
                files = []
            continue
        if files:
            yield files
            files = []
        yield [target]
    if files:
        yield files


def _finish(
    window: deque[tuple[list[Target], Future[list[Result]] | _Ready]],
    should_stop: Callable[[], bool],
    idle: Callable[[], None],
) -> Iterator[tuple[Target, Result]]:
    """The rest of the window in order."""
    while window:
        yield from _settle(*window.popleft(), should_stop, idle)


def _settle(
    chunk: list[Target],
    future: Future[list[Result]] | _Ready,
    should_stop: Callable[[], bool],
    idle: Callable[[], None],
) -> Iterator[tuple[Target, Result]]:
    """A chunk's results once ready; after a stop, only if its work had already started.
    While they are awaited (a slow page, a pipe), ``idle`` runs every ``IDLE_SECONDS``."""
    if should_stop() and future.cancel():
        return  # never started: it stays due for the next run
    results = _awaited(future, idle)
    if len(results) < len(chunk):
        return  # its thread saw the stop before fetching: it stays due too
    yield from zip(chunk, results, strict=True)


def _awaited(future: Future[Any] | _Ready, idle: Callable[[], None]) -> list[Any]:
    """A future's results once ready, ``idle`` called every ``IDLE_SECONDS`` meanwhile.
    ``ScanWorkerDiedError`` when its worker process ended first (a pool is then broken:
    every chunk in flight is lost, so the scan stops, with what was saved kept)."""
    if isinstance(future, _Ready):
        return future.results  # read here: ``concurrent.futures`` is not even loaded
    from concurrent.futures.process import BrokenProcessPool

    while True:
        try:
            return future.result(timeout=IDLE_SECONDS)
        except TimeoutError:  # concurrent.futures' own since Python 3.11
            idle()
        except BrokenProcessPool:
            raise ScanWorkerDiedError(WORKER_DIED) from None


def _submitted(pool: ProcessPoolExecutor, work: Callable[..., Any], *args: Any) -> Future[Any]:
    """``pool.submit(work, *args)``; ``ScanWorkerDiedError`` when a worker process already
    ended (the pool is broken: submitting raised ``BrokenProcessPool``, a traceback)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(work, *args)
    except BrokenProcessPool:
        raise ScanWorkerDiedError(WORKER_DIED) from None


WORKER_DIED = (
    "a worker process of the scan ended before handing its pages back (killed, or out of"
    " memory); the articles stored before it are kept: scan again to do the rest"
)


def _warc_results(
    target: Target,
    include_links: bool,
    counts: WarcCounts,
    pool: ProcessPoolExecutor | None = None,
    idle: Callable[[], None] = lambda: None,
) -> Iterator[tuple[Target, Result]]:
    """Each HTML page of a WARC file (a page failing its digest: its error), then the error
    that stopped the file, if any. With ``pool``, the pages are scanned in its processes."""
    from .warc_input import DamagedRecord
    from .warc_scan import scan_warc_file

    try:
        if pool is None:
            records = scan_warc_file(target.value, include_links, counts)
        else:
            records = _warc_in_workers(target.value, include_links, counts, pool, idle)
        for record in records:
            if isinstance(record, DamagedRecord):
                yield Target("warc", target.value, record.uri), TargetFailed(record.error)
            else:
                yield Target("warc", target.value, record.url), record
    except TargetError as exc:
        yield target, TargetFailed(str(exc))
    except OSError as exc:
        yield target, TargetFailed(f"{target.label}: cannot read ({exc.strerror or exc})")


# Pages of a WARC file per worker round trip, and round trips in flight per worker: more kept
# the workers no busier (the reading bounds them) and held 30 MB more pages in memory.
WARC_CHUNK_PAGES = 8
WARC_CHUNKS_AHEAD = 2


def _warc_in_workers(
    path: str,
    include_links: bool,
    counts: WarcCounts,
    pool: ProcessPoolExecutor,
    idle: Callable[[], None],
) -> Iterator[ScanRecord | DamagedRecord]:
    """``scan_warc_file``'s records, in order, the pages detected in ``pool``'s processes:
    this one reads the file (decompression, the HTTP headers) while they check digests,
    hash and detect, ``WARC_CHUNKS_AHEAD`` chunks ahead per worker. Raises what the reader
    raises, after the records before the problem."""
    from .warc_input import iter_raw_pages
    from .warc_scan import scan_warc_items

    window: deque[Future[list[ScanRecord | DamagedRecord]]] = deque()
    ahead = WARC_CHUNKS_AHEAD * (os.cpu_count() or 1)  # the pool's size (``file_workers``)
    chunk: list[RawPage] = []
    stopped: Exception | None = None
    try:
        for raw in iter_raw_pages(path, counts):
            chunk.append(raw)
            if len(chunk) == WARC_CHUNK_PAGES:
                window.append(_submitted(pool, scan_warc_items, chunk, include_links))
                chunk = []
            while len(window) > ahead:
                yield from _counted(_awaited(window.popleft(), idle), counts)
    except (TargetError, OSError) as exc:  # the pages before it are still to come
        stopped = exc
    if chunk:
        window.append(_submitted(pool, scan_warc_items, chunk, include_links))
    while window:
        yield from _counted(_awaited(window.popleft(), idle), counts)
    if stopped is not None:
        raise stopped


def _counted(
    records: list[ScanRecord | DamagedRecord], counts: WarcCounts
) -> list[ScanRecord | DamagedRecord]:
    """``records``, each scanned page counted (``iter_raw_pages`` leaves them to count)."""
    counts.pages += sum(isinstance(record, ScanRecord) for record in records)
    return records


class _Runner:
    """Where targets are read: files in worker processes (chunks) or inline, URLs in threads
    over one ``Http``, stdin and error targets at once. Each ``submit`` gives a future of the
    chunk's results in order. Closing stops the network first, so it never waits on it."""

    def __init__(
        self,
        config: Config,
        include_links: bool,
        stdin: Callable[[], bytes] | None,
        processes: bool,
        on_response: Sequence[OnResponse],
        should_stop: Callable[[], bool],
        pool: ProcessPoolExecutor | None = None,
    ) -> None:
        self.config, self.include_links, self.stdin = config, include_links, stdin
        self.stdin_read = False
        self.on_response, self.should_stop = on_response, should_stop
        self.workers = os.cpu_count() or 1
        self.use_processes = processes and self.workers >= 2
        self.window = max(
            CHUNK_FILES * CHUNKS_AHEAD * self.workers, URLS_AHEAD * config.fetch.concurrency
        )
        # Shut down on closing, used or not, and whoever started it: the runner is a pool's
        # last user (``file_workers`` shuts its pool down again, for a scan that never ran).
        self.processes: ProcessPoolExecutor | None = pool
        self.threads: ThreadPoolExecutor | None = None
        self.http: Http | None = None

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc_info: object) -> None:
        if self.http is not None:
            self.http.stop()
        try:
            if self.threads is not None:
                self.threads.shutdown(wait=True, cancel_futures=True)
            if self.processes is not None:
                close_pool(self.processes, interrupted=kind is not None)
        finally:
            if self.http is not None:
                self.http.close()

    def submit(self, chunk: list[Target]) -> Future[list[Result]] | _Ready:
        kind = chunk[0].kind
        if kind == "url":
            if self.threads is None or self.http is None:
                from concurrent.futures import ThreadPoolExecutor

                from .http import Http

                self.http = Http(self.config.fetch, self.on_response)
                self.threads = ThreadPoolExecutor(self.config.fetch.concurrency, "scan-url")
            return self.threads.submit(self._scan_url, self.http, chunk[0])
        if kind == "file" and self.use_processes:
            if self.processes is None:
                with signals_deferred():  # set before a Ctrl-C can come: ``__exit__`` ends it
                    self.processes = _process_pool(self.workers)
            paths = [t.value for t in chunk]
            real_paths = [t.real_path for t in chunk]
            return _submitted(
                self.processes,
                _scan_files,
                paths,
                real_paths,
                self.include_links,
                self.config.evidence,
            )
        return _Ready([self._read_here(target) for target in chunk])

    def _scan_url(self, http: Http, target: Target) -> list[Result]:
        """In a thread; nothing (an empty chunk) when the run was stopped before it began."""
        if self.should_stop():
            return []
        return [scan_url(http, target, self.include_links)]

    def _read_here(self, target: Target) -> Result:
        if target.kind == "file":
            return scan_file(
                target.value, self.include_links, target.real_path, self.config.evidence
            )
        if target.kind == "error":
            return TargetFailed(f"{target.label}: {target.value}")
        if self.stdin_read:  # a second "-" would read an empty stream
            return TargetFailed(f"{target.label}: named again (standard input is read once)")
        self.stdin_read = True
        try:
            data = self.stdin() if self.stdin else read_checked(sys.stdin.buffer, "<stdin>")
            return scan_stdin(data, self.include_links)
        except TargetError as exc:
            return TargetFailed(str(exc))


@contextmanager
def file_workers(arguments: Sequence[str]) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes started at once for a scan of many files (those of directories
    included) or of big WARC files, else None (on one core too); shut down on leaving. The
    command starts them before it opens the archive and lists the files, so that they load
    detection on the other core meanwhile (a pool started at the first chunk leaves that
    core idle through the start-up)."""
    count = os.cpu_count() or 1
    pool, interrupted = None, True
    try:
        if count >= 2 and _wants_workers(arguments):  # counted with Ctrl-C answered at once
            with signals_deferred():  # a Ctrl-C while workers are forked comes once it is set
                pool = _process_pool(count)
        yield pool
        interrupted = False
    finally:
        if pool is not None:
            close_pool(pool, interrupted)


def close_pool(pool: ProcessPoolExecutor, interrupted: bool) -> None:
    """Shut a pool of file workers down. After a Ctrl-C, SIGTERM or error, what the workers
    have in hand would be thrown away: they are ended at once (they only read and detect,
    so nothing of theirs is half-written), rather than waited for, which never ended when a
    worker was opening a named pipe that nobody writes."""
    if not interrupted:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    workers = list((getattr(pool, "_processes", None) or {}).values())  # this pool's only
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    with signals_deferred():  # a second Ctrl-C must not leave them behind
        for process in workers:
            process.kill()  # not SIGTERM: a worker still starting has the command's handler
        for process in workers:
            process.join()
        if manager is not None:  # done before the exit hook, which races with it otherwise
            manager.join(MANAGER_SECONDS)


def _wants_workers(arguments: Sequence[str]) -> bool:
    """At least ``PARALLEL_MIN_FILES`` page files among the arguments and in their
    directories, or WARC files of ``PARALLEL_MIN_WARC_BYTES`` in all, counted only that far:
    the scans whose pages ``_results`` detects in worker processes. Missing paths, URLs and
    stdin do not count."""
    pages = warc_bytes = 0
    for path in (path for argument in arguments for path in _local_paths(argument)):
        if is_warc_path(path):
            warc_bytes += _size_or_zero(path)
        else:
            pages += 1
        if pages >= PARALLEL_MIN_FILES or warc_bytes >= PARALLEL_MIN_WARC_BYTES:
            return True
    return False


def _size_or_zero(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _local_paths(argument: str) -> Iterator[str]:
    """The files a scan argument names: a directory's page and WARC files, lazily."""
    if "://" in argument or argument == "-":
        return
    if os.path.isdir(argument):
        yield from (path for path, _ in iter_page_files(argument))
    elif os.path.exists(argument):
        yield argument


def _process_pool(count: int) -> ProcessPoolExecutor:
    """``count`` worker processes, started now (each loads detection first)."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=count, initializer=_load_detection)
    for _ in range(count):  # a pool starts its processes on demand
        pool.submit(int)
    return pool


def _load_detection() -> None:
    """A worker's start: Ctrl-C reaches the whole process group, and the command alone
    answers it (``close_pool`` ends the workers), so workers ignore it; SIGTERM ends a
    worker silently (not as the command's ``sys.exit``, which the fork copied: a traceback
    of its own); then the detection modules are imported before the first chunk comes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from . import detect  # noqa: F401


class _Ready:
    """A chunk read in this process: its results at once, as a ``Future`` would give them
    (``concurrent.futures`` is not imported for it: with ``logging``, 5 ms of start-up)."""

    def __init__(self, results: list[Result]) -> None:
        self.results = results

    def cancel(self) -> bool:
        return False  # already done

    def result(self, timeout: float | None = None) -> list[Result]:
        return self.results


def _scan_files(
    paths: list[str], real_paths: list[str | None], include_links: bool, evidence: bool
) -> list[Result]:
    """Files in order (a chunk of them is one round trip to a worker process)."""
    pairs = zip(paths, real_paths, strict=True)
    return [scan_file(path, include_links, real, evidence) for path, real in pairs]
