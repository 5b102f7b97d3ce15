"""The worker processes of a scan: started early for scans of many files or big WARC files
(so they load detection while the command opens the archive), handed chunks of pages, and
ended at once on an interruption. Only reading and detection run in them; the command's
process alone writes the archive.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .errors import ScanWorkerDiedError, TargetError
from .interrupts import signals_deferred
from .models import ScanRecord
from .scan_one import Result, scan_file
from .scan_targets import iter_page_files
from .warc_input import RawPage, WarcCounts, is_warc_path

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .warc_input import DamagedRecord


PARALLEL_MIN_FILES = 64


# WARC files this big in all hold some 50 pages or more: worth starting worker processes.
PARALLEL_MIN_WARC_BYTES = 8_000_000


MANAGER_SECONDS = 10.0  # how long an interrupted scan waits for its pool's manager thread


IDLE_SECONDS = 0.25  # while a result is awaited, the group in hand is committed when due


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
                pool = process_pool(count)
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
    the scans whose pages ``scan.run_scan`` detects in worker processes. Missing paths, URLs and
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


def process_pool(count: int) -> ProcessPoolExecutor:
    """``count`` worker processes, started now (each loads detection first)."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=count, initializer=_load_detection, initargs=(os.getpid(),)
    )
    for _ in range(count):  # a pool starts its processes on demand
        pool.submit(int)
    return pool


def _load_detection(command: int) -> None:
    """A worker's start: Ctrl-C reaches the whole process group, and the command alone
    answers it (``close_pool`` ends the workers), so workers ignore it; SIGTERM ends a
    worker silently (not as the command's ``sys.exit``, which the fork copied: a traceback
    of its own), and so does the end of the command's process (``_end_with``); then the
    detection modules are imported before the first chunk comes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with(command)
    from . import detect  # noqa: F401


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _end_with(command: int) -> None:
    """SIGTERM when the command's process ends, on Linux. A command killed outright (the
    OOM killer, ``kill -9``) left its workers waiting for the next chunk for ever: each
    holds the write end of the queue it reads, so it never sees the queue close."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: no such call
        return
    if os.getppid() != command:  # it ended before the call
        os._exit(1)


def scan_files(
    paths: list[str], real_paths: list[str | None], include_links: bool, evidence: bool
) -> list[Result]:
    """Files in order (a chunk of them is one round trip to a worker process)."""
    pairs = zip(paths, real_paths, strict=True)
    return [scan_file(path, include_links, real, evidence) for path, real in pairs]


class Ready:
    """A chunk read in this process: its results at once, as a ``Future`` would give them
    (``concurrent.futures`` is not imported for it: with ``logging``, 5 ms of start-up)."""

    def __init__(self, results: list[Result]) -> None:
        self.results = results

    def cancel(self) -> bool:
        return False  # already done

    def result(self, timeout: float | None = None) -> list[Result]:
        return self.results


def awaited(future: Future[Any] | Ready, idle: Callable[[], None]) -> list[Any]:
    """A future's results once ready, ``idle`` called every ``IDLE_SECONDS`` meanwhile.
    ``ScanWorkerDiedError`` when its worker process ended first (a pool is then broken:
    every chunk in flight is lost, so the scan stops, with what was saved kept)."""
    if isinstance(future, Ready):
        return future.results  # read here: ``concurrent.futures`` is not even loaded
    from concurrent.futures.process import BrokenProcessPool

    while True:
        try:
            return future.result(timeout=IDLE_SECONDS)
        except TimeoutError:  # concurrent.futures' own since Python 3.11
            idle()
        except BrokenProcessPool:
            raise ScanWorkerDiedError(WORKER_DIED) from None


def submitted(pool: ProcessPoolExecutor, work: Callable[..., Any], *args: Any) -> Future[Any]:
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


# Pages of a WARC file per worker round trip, and round trips in flight per worker: more kept
# the workers no busier (the reading bounds them) and held 30 MB more pages in memory.
WARC_CHUNK_PAGES = 8


WARC_CHUNKS_AHEAD = 2


def warc_in_workers(
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

    window: deque[tuple[Future[list[ScanRecord | DamagedRecord]], list[bool]]] = deque()
    ahead = WARC_CHUNKS_AHEAD * (os.cpu_count() or 1)  # the pool's size (``file_workers``)
    chunk: list[RawPage | DamagedRecord] = []
    stopped: Exception | None = None
    try:
        for raw in iter_raw_pages(path, counts):
            chunk.append(raw)
            if len(chunk) == WARC_CHUNK_PAGES:
                window.append(_submitted_chunk(pool, chunk, include_links))
                chunk = []
            while len(window) > ahead:
                yield from _counted(*window.popleft(), counts, idle)
    except (TargetError, OSError) as exc:  # the pages before it are still to come
        stopped = exc
    if chunk:
        window.append(_submitted_chunk(pool, chunk, include_links))
    while window:
        yield from _counted(*window.popleft(), counts, idle)
    if stopped is not None:
        raise stopped


def _submitted_chunk(
    pool: ProcessPoolExecutor, chunk: list[RawPage | DamagedRecord], include_links: bool
) -> tuple[Future[list[ScanRecord | DamagedRecord]], list[bool]]:
    """The chunk's scan in ``pool``, and which of its pages the crawler truncated."""
    from .warc_scan import scan_warc_items

    cut = [isinstance(raw, RawPage) and raw.truncated for raw in chunk]
    return submitted(pool, scan_warc_items, chunk, include_links), cut


def _counted(
    future: Future[list[ScanRecord | DamagedRecord]],
    cut: list[bool],
    counts: WarcCounts,
    idle: Callable[[], None],
) -> list[ScanRecord | DamagedRecord]:
    """The chunk's records once scanned, each scanned page counted (``iter_raw_pages``
    leaves them to count); ``cut``: which of them the crawler truncated, in order."""
    records = awaited(future, idle)
    for record, truncated in zip(records, cut, strict=True):
        if isinstance(record, ScanRecord) and record.record is not None:
            counts.scanned(record.record, truncated)
    return records
