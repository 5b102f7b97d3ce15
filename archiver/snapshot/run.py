"""Check posts against the providers, concurrently, and save every check as it completes.

One process: ``CheckThreads`` (``checker.py``) asks the providers in ``[fetch] concurrency``
threads over one ``Http``, and the thread that calls ``check_posts`` saves the finished
checks in small committed groups (``GroupWriter``: each check all-or-nothing, a group durable
within half a second) and reports each one once it is durable. The CPU is not the limit of a
real run: with the default ``per_host_delay`` of 1 s, X's endpoints see about one request a
second. An interrupted run keeps every check that finished before the interruption.
"""

from __future__ import annotations

import queue
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..config import Config
from ..db import GroupWriter, check_writer
from ..errors import DatabaseError
from ..evidence.media import MediaSummary, keep_media
from ..evidence.replies import keep_check_replies
from ..evidence.warc import WarcLog, evidence_log
from ..http import Http, OnResponse
from ..interrupts import signals_deferred
from ..models import CheckRecord, PostToCheck
from .checker import CheckThreads, next_check
from .earlier import WaybackSummary, keep_in, look_up_posts

__all__ = ["SnapshotSummary", "check_posts", "next_check"]

POLL_SECONDS = 0.25  # how often ``should_stop`` is asked while no check arrives


@dataclass
class SnapshotSummary:
    """What a snapshot run did, for its closing line."""

    checked: int = 0
    statuses: Counter = field(default_factory=Counter)
    snapshots: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (post id, new status)
    wayback: WaybackSummary = field(default_factory=WaybackSummary)
    media: MediaSummary = field(default_factory=MediaSummary)

    def line(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.statuses.most_common()) or "nothing"
        fetched = self.media.kept + self.media.failed
        media = f", {self.media.kept} media kept ({self.media.failed} failed)" if fetched else ""
        line = (
            f"checked {self.checked} post(s): {counts}; {self.snapshots} new snapshot(s), "
            f"{len(self.changed)} status change(s){media}"
        )
        return f"{line}; {self.wayback.line()}" if self.wayback.looked_up else line


def check_posts(
    db,
    posts: Sequence[PostToCheck],
    config: Config,
    on_check: Callable[[CheckRecord], None] = lambda record: None,
    should_stop: Callable[[], bool] = lambda: False,
    on_response: Sequence[OnResponse] = (),
) -> SnapshotSummary:
    """Check posts now (blocking) and save each check; ``on_check`` sees each one once it is
    durable, ``on_response`` every provider response (see ``archiver.http.Exchange``). Then
    the checked posts that qualify get a Wayback lookup (``snapshot.earlier``).

    Ctrl-C or ``should_stop`` ends the run early (requests in flight are cut: those posts
    stay due), a save error ends it with ``DatabaseError``: the checks finished before are
    saved in every case.
    """
    summary = SnapshotSummary()
    if not posts:
        return summary
    writer = check_writer(db)
    failed: str | None = None
    with evidence_log(db, config) as log:
        keep = lambda check: keep_check_replies(db.conn, log, check)  # noqa: E731
        with Http(config.fetch, on_response) as http:
            threads = CheckThreads(posts, config, http)
            commit = lambda: _commit(writer, log, summary, on_check)  # noqa: E731
            failed = _check_all(threads, writer, keep, commit, should_stop)
        if not failed and not should_stop():
            with Http(config.fetch, on_response) as http:  # the checks' one is stopped by now
                _after_checks(
                    db, config, http, log, [post.id for post in posts], summary, should_stop
                )
    if failed:
        raise DatabaseError(failed)
    return summary


def _check_all(
    threads: CheckThreads,
    writer: GroupWriter[CheckRecord, tuple[bool, bool]],
    keep: Callable[[CheckRecord], None],
    commit: Callable[[], str | None],
    should_stop: Callable[[], bool],
) -> str | None:
    """Save the checks as the threads finish them; the first save error, if any."""
    failed: str | None = None
    try:
        done = False
        while not (failed or done or should_stop()):
            left = writer.time_left()
            wait = POLL_SECONDS if left is None else min(left, POLL_SECONDS)
            done = _receive(threads, writer, keep, wait)
            if writer.due():
                failed = commit()
    finally:
        try:
            threads.stop()  # then every check finished before the stop is in the queue
            _receive(threads, writer, keep, 0)
        finally:
            failed = commit() or failed
    return failed


def _after_checks(
    db,
    config: Config,
    http: Http,
    log: WarcLog,
    post_ids: list[str],
    summary: SnapshotSummary,
    should_stop: Callable[[], bool],
) -> None:
    """Once the checks are durable: the media of the posts found live (a media failure never
    costs a check), then Wayback lookups for the posts that qualify."""
    summary.media = keep_media(db, http, log, config, post_ids)
    if config.snapshot.wayback != "never" and not should_stop():
        keep = keep_in(log)
        summary.wayback = look_up_posts(db, config, http.get, post_ids, should_stop, keep)


def _receive(
    threads: CheckThreads,
    writer: GroupWriter[CheckRecord, tuple[bool, bool]],
    keep: Callable[[CheckRecord], None],
    wait: float,
) -> bool:
    """Hand every finished check to ``writer``, after sleeping up to ``wait`` seconds (less
    if the run ends). Sleeping through a batch of checks, not waking for each, is what keeps
    the saving thread's CPU per check small. True once every post is checked."""
    if wait > 0:
        threads.ended.wait(wait)
    while True:
        try:
            item = threads.finished.get_nowait()
        except queue.Empty:
            return False
        if isinstance(item, BaseException):  # a bug in a check: raised here, saved before
            raise item
        if item is None:
            return True
        keep(item)
        writer.add(item)


def _commit(
    writer: GroupWriter[CheckRecord, tuple[bool, bool]],
    log: WarcLog,
    summary: SnapshotSummary,
    on_check: Callable[[CheckRecord], None],
) -> str | None:
    """Make the open group durable (its WARC records first, with one fsync, then its rows),
    count and report its checks; the first error, if any. A Ctrl-C waits for the end of
    it: a durable check is always reported."""
    failed = None
    with signals_deferred():
        if writer.group:
            log.sync()
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


def never_checked(db, post_refs: dict[str, str | None]) -> list[PostToCheck]:
    """``archive scan --snapshot``: the posts of this scan that were never checked."""
    from ..db import posts_to_check

    refs = list(post_refs.items())
    return [p for p in posts_to_check(db, refs) if p.status == "pending"] if refs else []
