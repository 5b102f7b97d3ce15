"""``archive worker``: the daemon. It only schedules; the work is the library's.

Four kinds of job, each ``max_instances=1`` and coalesced: poll each source (its own
interval), scan the queued or due articles, check the due posts, and (when ``[timestamp]
tsa_url`` is set) timestamp the new evidence every ``[timestamp] interval``. All durable state (the
article queue, each post's next check, each source's ETag) lives in the archive, so a restart
continues where the last run stopped. Jobs work in small committed batches and look at the
stop flag between items: SIGTERM or SIGINT starts nothing new (article fetches in hand
finish, post checks in flight are cut and stay due), then exits. The scan and snapshot jobs
call the command line's entry points, ``run_scan`` and ``check_posts``.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clock import next_rescan
from .config import Config, Source
from .db import (
    SourceRow,
    beat_worker_run,
    due_articles,
    due_posts,
    forget_moved_source,
    load_sitemap_children,
    load_source_state,
    open_database,
    record_listing,
    save_source_state,
    start_worker_run,
)
from .errors import ArchiverError
from .listings import Listing, without_x_pages
from .models import CheckRecord
from .scan import ScanOutcome, run_scan
from .scan_targets import Target
from .urls import without_password

if TYPE_CHECKING:
    from .sources import SourceLimits

log = logging.getLogger("archiver.worker")
SCAN_BATCH = 16
CHECK_BATCH = 64
HEARTBEAT_SECONDS = 5.0
STOP_WAKE_SECONDS = 0.5  # how often the main thread wakes to run a signal's handler


@dataclass
class Counts:
    """What the worker did since it started, for its heartbeat row (``archive stats``)."""

    articles_scanned: int = 0
    posts_checked: int = 0
    errors: int = 0


class Worker:
    """The daemon's jobs over one archive file; thread-safe (one connection per job run)."""

    def __init__(self, db_path: str, config: Config) -> None:
        self.db_path = db_path
        self.config = config
        self.stop = threading.Event()
        self.counts = Counts()
        self._lock = threading.Lock()
        self.run_id: int | None = None
        self.damaged: str | None = None  # why the archive cannot be used: the worker stops

    def _db(self):
        return open_database(self.db_path)

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self.counts, name, getattr(self.counts, name) + value)

    # --- heartbeat ------------------------------------------------------------------------

    def start_run(self) -> None:
        if not self.config.sources:
            log.warning(no_sources(self.config.path))
        db = self._db()
        try:
            self.run_id = start_worker_run(db, os.getpid())
        finally:
            db.conn.close()

    def beat(self, state: str = "running") -> None:
        with self._lock:
            counts = (self.counts.articles_scanned, self.counts.posts_checked, self.counts.errors)
        db = self._db()
        try:
            beat_worker_run(db, self.run_id, state, counts)
        finally:
            db.conn.close()

    # --- jobs -----------------------------------------------------------------------------

    def poll_source(self, source: Source) -> None:
        """Read one source and queue the article URLs it lists that are new to us. Each
        document read (a child sitemap too) is stored as soon as it is read."""
        from .http import Http
        from .sources import Validators, describe_poll, http_fetch, poll_source, stop_requests_on

        db = self._db()
        try:
            location = without_password(source.url or source.path or "") or None  # as stored
            if forget_moved_source(db, source.name, source.type, location):
                log.info("source %s: moved to %s, read afresh", source.name, location)
            saved = load_source_state(db, source.name)
            validators, mtime = Validators(saved.etag, saved.last_modified), saved.mtime
            limits = self._source_limits()
            new, error, seen, on_x = 0, None, 0, 0

            def store(listing: Listing) -> None:
                nonlocal new, on_x
                articles, left_out = without_x_pages(listing)
                on_x += left_out
                new += record_listing(db, source.name, listing, queue=articles.urls)

            try:
                with Http(self.config.fetch) as http, stop_requests_on(http, self.stop.is_set):
                    limits = limits._replace(direct=http.direct, resolve=http.lookups)
                    result = poll_source(
                        http_fetch(http, limits.max_bytes, self.stop.is_set),
                        source,
                        validators,
                        known=load_sitemap_children(db, source.name),
                        limits=limits,
                        on_listing=store,
                        mtime=mtime,
                    )
                if result.root.outcome == "stopped":  # nothing read: its state stays as it was
                    log.info("source %s: stopped before it answered", source.name)
                    return
                # A document that failed keeps no validators: the next poll reads it whole.
                validators = Validators() if result.root.error else result.root.validators
                mtime = None if result.root.error else result.mtime
                error, seen = result.error, result.urls_seen
                log.info("source %s: %s", source.name, describe_poll(result, new, on_x))
            except ArchiverError as exc:
                error = str(exc)
            error = without_password(error) if error else error
            if error:
                self._count(errors=1)
                log.error("source %s: %s", source.name, error)
            row = SourceRow(validators.etag, validators.last_modified, mtime)
            save_source_state(db, source.name, source.type, location, row, error, seen)
        finally:
            db.conn.close()

    def _source_limits(self) -> SourceLimits:
        from .sources import SourceLimits

        return SourceLimits(
            max_bytes=self.config.worker.max_source_bytes,
            max_children=self.config.worker.sitemap_children_per_poll,
            should_stop=self.stop.is_set,
            allow_private=self.config.fetch.allow_private_redirects,
        )

    def scan_due(self) -> int:
        """Scan queued and due articles until none is due or we must stop (the same entry
        point as ``archive scan``: its threads, throttle and HTTP layer)."""
        db = self._db()
        try:
            totals = run_scan(
                db,
                self._due_targets(db),
                self.config,
                include_links=self.config.include_links,
                on_outcome=self._log_scan,
                should_stop=self.stop.is_set,
            )
        finally:
            db.conn.close()
        return totals.articles + totals.failed

    def _due_targets(self, db) -> Iterator[Target]:
        """The due articles as scan targets, read in small batches as the scan asks for more;
        each saved with its next scan on the rescan ladder."""
        seen: set[int] = set()  # one scan per article per run, whatever the ladder
        while not self.stop.is_set():
            batch = [a for a in due_articles(db, SCAN_BATCH + len(seen)) if a.id not in seen]
            if not batch:
                return
            for article in batch[:SCAN_BATCH]:
                seen.add(article.id)
                yield Target(
                    "url",
                    article.url,
                    article.url,
                    source=article.source,
                    reschedule=True,
                    next_scan_at=next_rescan(
                        article.first_seen_at, article.scan_count + 1, self.config.worker.rescan
                    ),
                )

    def _log_scan(self, outcome: ScanOutcome) -> None:
        if outcome.error or outcome.record is None:
            self._count(articles_scanned=1, errors=1)
            log.error("article failed: %s", outcome.error)
        else:
            embeds = sum(1 for e in outcome.record.embeds if e.method != "link")
            self._count(articles_scanned=1)
            log.info("article scanned: %s: %d embed(s)", outcome.record.url, embeds)

    def snapshot_due(self) -> int:
        """Check due posts in batches until none is due or we must stop."""
        from .snapshot.run import check_posts

        db = self._db()
        done = 0
        try:
            seen: set[str] = set()  # one check per post per run, whatever the ladder
            while not self.stop.is_set():
                posts = [p for p in due_posts(db, CHECK_BATCH + len(seen)) if p.id not in seen][
                    :CHECK_BATCH
                ]
                if not posts:
                    break
                seen.update(p.id for p in posts)
                summary = check_posts(
                    db, posts, self.config, on_check=self._log_check, should_stop=self.stop.is_set
                )
                done += summary.checked
                if summary.checked == 0:
                    break
        finally:
            db.conn.close()
        return done

    def timestamp_evidence(self) -> None:
        """Timestamp the evidence written since the last timestamp (``[timestamp]``)."""
        from .stamping import timestamp_archive

        db = self._db()
        try:
            stamped = timestamp_archive(db, self.config)
        finally:
            db.conn.close()
        if stamped is None:
            log.info("timestamp: no new evidence since the last one")
        else:
            digest, when = stamped.manifest_sha256[:16], stamped.gen_time
            log.info("timestamp %d: manifest %s… signed at %s", stamped.id, digest, when)

    def _log_check(self, record: CheckRecord) -> None:
        errors = "; ".join(a.error for a, _ in record.answers if a.error)
        self._count(posts_checked=1)
        log.info(
            "post checked: %s: %s%s",
            record.post_id,
            record.status,
            f" ({errors})" if errors else "",
        )

    # --- running --------------------------------------------------------------------------

    def guarded(self, job: Callable[[], object], name: str) -> Callable[[], None]:
        """A job that logs its errors instead of dying, and never runs after stop."""

        def run() -> None:
            if self.stop.is_set():
                return
            try:
                job()
            except ArchiverError as exc:  # expected failures (full disk...): one line
                self._count(errors=1)
                log.error("job %s failed: %s", name, exc)
            except sqlite3.DatabaseError as exc:  # one line; a damaged archive stops the daemon
                self._count(errors=1)
                self._archive_failed(name, exc)
            except Exception as exc:  # a failing job must not stop the daemon
                self._count(errors=1)
                log.exception("job %s failed: %s", name, exc)

        return run

    def _archive_failed(self, job: str, exc: sqlite3.DatabaseError) -> None:
        """A lock held too long, an I/O error or a constraint may pass: the next run tries
        again. A damaged archive (``database disk image is malformed``, ``file is not a
        database``: SQLite's plain ``DatabaseError``) will not: every job would fail the same
        way, so the worker stops, and the command exits 1 naming it."""
        if type(exc) is not sqlite3.DatabaseError:  # locked, I/O, a constraint: it may pass
            log.error("job %s failed: the archive could not be used (%s)", job, exc)
            return
        self.damaged = f"cannot use the archive, damaged or locked ({exc})"
        log.error("job %s failed: %s; stopping", job, self.damaged)
        self.stop.set()

    def run_once(self) -> None:
        """Every job once, in order (``--once``: for cron and tests)."""
        self.start_run()
        try:
            for source in self.config.sources:
                self.guarded(functools.partial(self.poll_source, source), f"poll {source.name}")()
            self.guarded(self.scan_due, "scan")()
            self.guarded(self.snapshot_due, "snapshot")()
            if self.config.timestamp.tsa_url:
                self.guarded(self.timestamp_evidence, "timestamp")()
        finally:
            self.beat("stopped")

    def run_forever(self) -> None:
        """Schedule the jobs with APScheduler until SIGTERM, SIGINT or SIGHUP."""
        from apscheduler.executors.pool import ThreadPoolExecutor as JobExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.start_run()
        scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": JobExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        worker = self.config.worker
        for source in self.config.sources:
            scheduler.add_job(
                self.guarded(functools.partial(self.poll_source, source), f"poll {source.name}"),
                "interval",
                seconds=source.poll_interval or worker.poll_interval,
                id=f"poll:{source.name}",
                next_run_time=_now(),
            )
        scheduler.add_job(
            self.guarded(self.scan_due, "scan"),
            "interval",
            seconds=worker.scan_interval,
            id="scan",
            next_run_time=_now(),
        )
        scheduler.add_job(
            self.guarded(self.snapshot_due, "snapshot"),
            "interval",
            seconds=worker.snapshot_interval,
            id="snapshot",
            next_run_time=_now(),
        )
        if self.config.timestamp.tsa_url:  # no authority named: no timestamps
            scheduler.add_job(
                self.guarded(self.timestamp_evidence, "timestamp"),
                "interval",
                seconds=self.config.timestamp.interval,
                id="timestamp",
                next_run_time=_now(),
            )
        scheduler.add_job(
            self.guarded(self.beat, "heartbeat"),
            "interval",
            seconds=HEARTBEAT_SECONDS,
            id="heartbeat",
        )
        self._install_signal_handlers()
        log.info("worker started (pid %d): %d source(s)", os.getpid(), len(self.config.sources))
        scheduler.start()
        wait_for_stop(self.stop)
        log.info("stopping: finishing the items in hand")
        scheduler.shutdown(wait=True)
        self.beat("stopped")
        log.info("worker stopped")

    def _install_signal_handlers(self) -> None:
        def handle(signum: int, _frame) -> None:
            log.info("received %s", signal.Signals(signum).name)
            self.stop.set()

        # SIGHUP too: the terminal a worker was started from closing (an ssh session ending)
        # otherwise killed it at once, unlogged, its run left saying it was running.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, handle)


def no_sources(config_path: str | None) -> str:
    """The warning of a worker with nothing to poll: started from another directory than
    its config.toml, or with a config whose sources are still commented out."""
    where = f"no [[sources]] in {config_path}" if config_path else "no config file"
    return (
        f"{where}: no feed, sitemap or URL list is polled (only articles already queued are"
        " scanned and due posts checked); give --config or list [[sources]] in it"
    )


def wait_for_stop(stop: threading.Event) -> None:
    """Until ``stop`` is set, waking now and then. Python runs a signal's handler (which
    sets ``stop``) in the main thread, but the kernel may hand a process's SIGINT or SIGTERM
    to any of its threads, and one handed to a job's thread does not wake a main thread
    blocked with no timeout: the worker slept through Ctrl-C and never stopped."""
    while not stop.wait(STOP_WAKE_SECONDS):
        pass


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
