"""``archive scan``: turn targets (URLs, files, directories, stdin) into saved scans.

Reading and detection happen in worker processes for big directory scans (both cores; the
parent only writes SQLite), in threads for URLs (network-bound, through ``http.Http``),
inline otherwise. Targets are streamed: work is submitted a window ahead of the article
being saved, never all at once, so a list of any length is scanned in bounded memory. Each
article is saved all-or-nothing as soon as it is ready (local files in small committed
groups), so an interrupted scan keeps everything finished before the interruption.

The parts: ``scan_targets`` expands the arguments into targets, ``scan_one`` reads and
detects one target, ``scan_pool`` runs the worker processes; this module orders their
results and saves them.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .config import Config
from .db import save_scan, scan_writer
from .errors import ArchiverError, TargetError
from .evidence.pages import keep_page
from .evidence.warc import EvidenceError, WarcLog, evidence_log
from .interrupts import signals_deferred
from .models import ScanRecord
from .page_read import read_checked
from .scan_one import Result, TargetFailed, scan_file, scan_stdin, scan_url
from .scan_pool import (
    PARALLEL_MIN_FILES,
    Ready,
    awaited,
    close_pool,
    process_pool,
    scan_files,
    submitted,
    warc_in_workers,
)
from .scan_targets import Target
from .warc_input import WarcCounts

# Imported when used: a scan of files needs neither the network nor pools, and the process
# that saves a directory's scans no detection (its worker processes detect).
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

    from .http import Http, OnResponse

CHUNK_FILES = 32  # files per worker round trip
CHUNKS_AHEAD = 4  # chunks in flight per worker: enough to keep it busy, few enough to bound memory
URLS_AHEAD = 4  # URLs in flight per connection ([fetch] concurrency)
LOOKAHEAD = 1024  # targets read before choosing between worker processes and inline reading


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
    except ArchiverError as exc:  # worded as a group's failed save: the line names the page
        return ScanOutcome(target, result, error=f"cannot save {result.url}: {exc}")
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
        window: deque[tuple[list[Target], Future[list[Result]] | Ready]] = deque()
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
    window: deque[tuple[list[Target], Future[list[Result]] | Ready]],
    should_stop: Callable[[], bool],
    idle: Callable[[], None],
) -> Iterator[tuple[Target, Result]]:
    """The rest of the window in order."""
    while window:
        yield from _settle(*window.popleft(), should_stop, idle)


def _settle(
    chunk: list[Target],
    future: Future[list[Result]] | Ready,
    should_stop: Callable[[], bool],
    idle: Callable[[], None],
) -> Iterator[tuple[Target, Result]]:
    """A chunk's results once ready; after a stop, only if its work had already started.
    While they are awaited (a slow page, a pipe), ``idle`` runs every ``IDLE_SECONDS``."""
    if should_stop() and future.cancel():
        return  # never started: it stays due for the next run
    results = awaited(future, idle)
    if len(results) < len(chunk):
        return  # its thread saw the stop before fetching: it stays due too
    yield from zip(chunk, results, strict=True)


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
            records = warc_in_workers(target.value, include_links, counts, pool, idle)
        for record in records:
            if isinstance(record, DamagedRecord):
                yield Target("warc", target.value, record.uri), TargetFailed(record.error)
            else:
                yield Target("warc", target.value, record.url), record
    except TargetError as exc:
        yield target, TargetFailed(str(exc))
    except OSError as exc:
        yield target, TargetFailed(f"{target.label}: cannot read ({exc.strerror or exc})")


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

    def submit(self, chunk: list[Target]) -> Future[list[Result]] | Ready:
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
                    self.processes = process_pool(self.workers)
            paths = [t.value for t in chunk]
            real_paths = [t.real_path for t in chunk]
            return submitted(
                self.processes,
                scan_files,
                paths,
                real_paths,
                self.include_links,
                self.config.evidence,
            )
        return Ready([self._read_here(target) for target in chunk])

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
            data = self.stdin() if self.stdin else read_checked(_stdin(), "<stdin>")
            return scan_stdin(data, self.include_links)
        except TargetError as exc:
            return TargetFailed(str(exc))


def _stdin() -> BinaryIO:
    """Standard input's bytes; ``TargetError`` when the command was started without one
    (``archive scan - <&-``: Python then has no ``sys.stdin`` at all)."""
    if sys.stdin is None:
        raise TargetError("<stdin>: no standard input (it is closed)")
    return sys.stdin.buffer
