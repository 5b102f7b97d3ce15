"""Check posts against the providers, concurrently, and save every check as it completes.

The process that calls ``check_posts`` owns the archive: its calling thread saves the
finished checks in small committed groups (``GroupWriter``: each check all-or-nothing, a group
durable within half a second) and reports each one once it is durable. The network runs
elsewhere (``checker.py``): for a small run on an event loop in a thread of this process,
for a large one in fetch processes (``pool.py``), so that the network's CPU work (mostly
httpx) and SQLite's do not share one core. Either way an interrupted run keeps every check
that reached the saver.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..config import Config
from ..db import GroupWriter, check_writer
from ..errors import DatabaseError
from ..models import CheckRecord, PostToCheck
from .checker import CheckLoop, drain, next_check

__all__ = ["PROCESS_MIN_POSTS", "SnapshotSummary", "check_posts", "next_check"]

# Runs with at least this many posts fetch in child processes; smaller ones (the worker's
# batches, a few posts from the command line) in a thread, without process start-up.
PROCESS_MIN_POSTS = 200
POLL_SECONDS = 0.25  # how often ``should_stop`` is asked while no check arrives
THREAD_JOIN_SECONDS = 10.0
DRAIN_SECONDS = 2.0  # on a stop, how long to wait for the checks already finished


@dataclass
class SnapshotSummary:
    checked: int = 0
    statuses: Counter = field(default_factory=Counter)
    snapshots: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (post id, new status)

    def line(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.statuses.most_common()) or "nothing"
        return (
            f"checked {self.checked} post(s): {counts}; {self.snapshots} new snapshot(s), "
            f"{len(self.changed)} status change(s)"
        )


class Fetcher(Protocol):
    """Where the finished checks come from (a thread here, or fetch processes)."""

    def receive(self, timeout: float | None) -> list[CheckRecord] | None:
        """The checks finished since the last call (empty after ``timeout`` seconds without
        any), or None once every post is checked."""

    def stop(self, timeout: float) -> list[CheckRecord]:
        """Stop checking (checks in flight are dropped); the checks finished before the stop
        and not yet received, waiting at most ``timeout`` seconds for them."""

    def close(self) -> None:
        """Release threads or processes."""


class ThreadFetcher:
    """Small runs: a ``CheckLoop`` in a thread of this process."""

    def __init__(self, posts: Sequence[PostToCheck], config: Config) -> None:
        self.inbox: queue.SimpleQueue[list[CheckRecord] | BaseException | None] = (
            queue.SimpleQueue()
        )
        self.loop = CheckLoop(posts, config, self.inbox.put)
        self.finished = False
        self.thread = threading.Thread(target=self._run, name="check-fetcher", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.loop.run()
        except BaseException as exc:  # a bug in a check: raised again in the saving thread
            self.inbox.put(exc)
        else:
            self.inbox.put(None)

    def receive(self, timeout: float | None) -> list[CheckRecord] | None:
        if self.finished:
            return None
        try:
            message = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return []
        if isinstance(message, BaseException):
            raise message
        self.finished = message is None
        return message

    def stop(self, timeout: float) -> list[CheckRecord]:
        self.loop.stop()
        return drain(self.receive, timeout)

    def close(self) -> None:
        self.loop.stop()
        self.thread.join(THREAD_JOIN_SECONDS)


def fetch_processes(posts: int, config: Config) -> int:
    """How many fetch processes a run of ``posts`` posts uses (0: a thread of this one).

    Two when there are two cores and no per-host delay (the CPU is the limit); one when a
    delay is the limit, so that one process keeps the spacing between requests exact. None
    where signals cannot be masked per thread (Windows): see ``pool._signals_blocked``.
    """
    if posts < PROCESS_MIN_POSTS or not hasattr(signal, "pthread_sigmask"):
        return 0
    if config.fetch.per_host_delay <= 0 and (os.cpu_count() or 1) >= 2:
        return 2
    return 1


def check_posts(
    db,
    posts: Sequence[PostToCheck],
    config: Config,
    on_check: Callable[[CheckRecord], None] = lambda record: None,
    should_stop: Callable[[], bool] = lambda: False,
    processes: int | None = None,
) -> SnapshotSummary:
    """Check posts now (blocking) and save each check; ``on_check`` sees each one once it is
    durable. Ctrl-C or ``should_stop`` ends the run early, a save error ends it with
    ``DatabaseError``, a fetch process that dies with ``FetchProcessError``: the checks
    received before are saved in every case. ``processes`` overrides ``fetch_processes``
    (fetch processes are started with "spawn": a script that calls this for a large run needs
    the ``if __name__ == "__main__":`` guard).
    """
    summary = SnapshotSummary()
    if not posts:
        return summary
    count = fetch_processes(len(posts), config) if processes is None else processes
    if count:
        from .pool import FetchPool

        fetcher: Fetcher = FetchPool(posts, config, count)
    else:
        fetcher = ThreadFetcher(posts, config)
    writer = check_writer(db)
    failed: str | None = None
    try:
        while not failed and not should_stop():
            left = writer.time_left()
            records = fetcher.receive(POLL_SECONDS if left is None else min(left, POLL_SECONDS))
            if records is None:
                break
            for record in records:
                writer.add(record)
            if writer.due():
                failed = _commit(writer, summary, on_check)
    finally:
        try:
            if not failed:  # a stop, Ctrl-C or the end: keep the checks already finished
                for record in fetcher.stop(DRAIN_SECONDS):
                    writer.add(record)
        finally:
            try:
                failed = _commit(writer, summary, on_check) or failed
            finally:
                fetcher.close()
    if failed:
        raise DatabaseError(failed)
    return summary


def _commit(
    writer: GroupWriter[CheckRecord, tuple[bool, bool]],
    summary: SnapshotSummary,
    on_check: Callable[[CheckRecord], None],
) -> str | None:
    """Make the open group durable, count and report its checks; the first error, if any.
    A Ctrl-C waits for the end of it: a durable check is always reported."""
    failed = None
    with _sigint_deferred():
        for record, result, error in writer.commit():
            if error or result is None:
                failed = failed or error
                continue
            wrote, changed = result
            summary.checked += 1
            summary.statuses[record.status] += 1
            summary.snapshots += wrote
            if changed:
                summary.changed.append((record.post_id, record.status))
            on_check(record)
    return failed


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """SIGINT is held back until the block ends, then handled as it would have been (only
    the main thread receives signals; elsewhere there is nothing to hold back)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and callable(previous):
            previous(signal.SIGINT, None)


def snapshot_new_posts(db, config: Config, post_refs: dict[str, str | None]) -> SnapshotSummary:
    """``archive scan --snapshot``: check the posts of this scan that were never checked."""
    from ..db import posts_to_check

    refs = list(post_refs.items())
    posts = [p for p in posts_to_check(db, refs) if p.status == "pending"] if refs else []
    return check_posts(db, posts, config)
