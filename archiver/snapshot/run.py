"""Check posts against the providers, concurrently, and save every check as it completes.

One ``httpx.AsyncClient`` (keep-alive) serves a whole run; a semaphore bounds the requests in
flight (``[fetch] concurrency``), a per-host delay keeps us polite, and 429/5xx/connection
errors are retried with exponential backoff and jitter, honouring ``Retry-After``. Each
check is committed on its own, so an interrupted run keeps every finished check.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from ..config import Config
from ..errors import DatabaseError
from ..fetch import ACCEPT_ENCODING, BoundedDecoder, backoff_delay, deadline_seconds, describe_error
from ..store import CheckRecord, PostToCheck, check_writer, later, utcnow
from ..urls import canonical_url
from .classify import decide_status, is_absent_check
from .providers import (
    SYNDICATION,
    network_failure,
    oembed_request,
    parse_oembed,
    parse_syndication,
    request_url,
    syndication_request,
)
from .result import DELETED, LIVE, PROTECTED, SUSPENDED, ProviderResult, content_sha256

GONE = (DELETED, SUSPENDED, PROTECTED)
RARELY = 3  # gone posts, past the end of the ladder, are checked this many times less often


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


def next_check(
    status: str, checks_done: int, conclusive: bool, ladder: Sequence[float], now: str
) -> str:
    """When to check again: the ladder step for this check count (the last step repeats),
    soon after an inconclusive check, rarely for gone posts past the ladder."""
    if not conclusive:
        return later(ladder[0], now)
    step = min(checks_done, len(ladder)) - 1
    factor = RARELY if status in GONE and checks_done > len(ladder) else 1
    return later(ladder[max(step, 0)] * factor, now)


class _Throttle:
    """At least ``delay`` seconds between two requests to one host (asyncio version)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.next_at: dict[str, float] = {}

    async def wait(self, url: str) -> None:
        if self.delay <= 0:
            return
        host = urlsplit(url).netloc
        now = time.monotonic()
        start = max(now, self.next_at.get(host, 0.0))
        self.next_at[host] = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)


class Checker:
    """Runs the providers for posts; one instance per run (shares client and limits)."""

    def __init__(self, config: Config, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client
        self.limit = asyncio.Semaphore(config.fetch.concurrency)
        self.throttle = _Throttle(config.fetch.per_host_delay)

    async def ask(self, provider: str, post: PostToCheck) -> tuple[ProviderResult, str]:
        """One provider's answer (after retries) and the URL it was asked at."""
        snap = self.config.snapshot
        if provider == SYNDICATION:
            url, params = syndication_request(snap.syndication_url, post.id)
            parse = parse_syndication
        else:
            url, params = oembed_request(snap.oembed_url, canonical_url(post.id, post.handle))
            parse = parse_oembed
        full_url = request_url(url, params)
        attempt = 0
        while True:
            attempt += 1
            result, retry_after = await self._get(provider, full_url, parse)
            if not result.retryable or attempt > self.config.fetch.retries:
                return result, full_url
            await asyncio.sleep(backoff_delay(attempt, retry_after, cap=60.0))

    async def _get(self, provider: str, url: str, parse) -> tuple[ProviderResult, str | None]:
        """One request: an overall deadline (a dripping server never trips httpx's per-read
        timeout), the body decoded in bounded steps and refused past ``max_bytes``, and a
        parser failure on a hostile reply recorded as an inconclusive answer."""
        max_bytes = self.config.fetch.max_bytes
        deadline = deadline_seconds(self.config.fetch)
        async with self.limit:
            await self.throttle.wait(url)
            try:
                async with asyncio.timeout(deadline), self.client.stream("GET", url) as response:
                    try:
                        decoder = BoundedDecoder.for_encoding(
                            response.headers.get("content-encoding")
                        )
                        chunks = response.aiter_raw() if decoder else response.aiter_bytes()
                    except ValueError:  # not asked for: httpx decodes it
                        decoder, chunks = None, response.aiter_bytes()
                    body = bytearray()
                    async for chunk in chunks:
                        for part in decoder.feed(chunk) if decoder else (chunk,):
                            body += part
                            if len(body) > max_bytes:
                                return network_failure(
                                    provider, f"reply larger than {max_bytes:,} bytes"
                                ), None
                    status = response.status_code
                    content_type = response.headers.get("content-type")
                    retry_after = response.headers.get("retry-after")
            except TimeoutError:
                return network_failure(
                    provider, f"timed out (no complete reply within {deadline:g}s)"
                ), None
            except ValueError as exc:  # a gzip/deflate body that does not decode
                return network_failure(provider, str(exc)), None
            except httpx.InvalidURL as exc:  # e.g. redirected to a malformed Location
                return network_failure(provider, f"invalid URL or redirect ({exc})"), None
            except httpx.HTTPError as exc:
                message = (
                    "timed out" if isinstance(exc, httpx.TimeoutException) else describe_error(exc)
                )
                return network_failure(provider, message), None
        try:
            return parse(status, content_type, bytes(body)), retry_after
        except Exception as exc:
            return network_failure(
                provider, f"HTTP {status} with an unreadable reply ({type(exc).__name__})"
            ), None

    async def check(self, post: PostToCheck) -> CheckRecord:
        """Ask the providers in order until one answer is conclusive."""
        asked: list[tuple[ProviderResult, str]] = []
        for provider in self.config.snapshot.providers:
            asked.append(await self.ask(provider, post))
            if asked[-1][0].conclusive:
                break
        answers = [answer for answer, _ in asked]
        status, conclusive = decide_status(post.status, answers, post.not_found_checks)
        now = utcnow()
        content = next(
            (a for a in answers if a.conclusive and a.status == LIVE and a.has_content), None
        )
        return CheckRecord(
            post_id=post.id,
            checked_at=now,
            status=status,
            conclusive=conclusive,
            absent=is_absent_check(answers),
            next_check_at=next_check(
                status, post.checks + 1, conclusive, self.config.snapshot.recheck, now
            ),
            answers=asked,
            content=content,
            content_sha256=content_sha256(content) if content else None,
        )


class _CheckSaver:
    """Saves finished checks from a thread of its own, in small committed groups (each check
    all-or-nothing), so SQLite's work overlaps the event loop's network work. Checks are
    counted and reported once durable; a save error stops the run with one line."""

    def __init__(self, db, summary: SnapshotSummary, on_check: Callable[[CheckRecord], None]):
        self.writer = check_writer(db)
        self.summary = summary
        self.on_check = on_check
        self.queue: queue.SimpleQueue[CheckRecord | None] = queue.SimpleQueue()
        self.failed: str | None = None
        self.thread = threading.Thread(target=self._run, name="check-saver", daemon=True)
        self.thread.start()

    def put(self, record: CheckRecord) -> None:
        self.queue.put(record)

    def close(self) -> None:
        """Save everything queued, then raise the save error if there was one."""
        self.queue.put(None)
        self.thread.join()
        if self.failed:
            raise DatabaseError(self.failed)

    def _run(self) -> None:
        while True:
            try:  # wake up to commit an open group on time, even if no check arrives
                record = self.queue.get(timeout=self.writer.time_left())
            except queue.Empty:
                self._commit()
                continue
            if record is None:
                break
            if not self.failed:
                self.writer.add(record)
            if self.writer.due():
                self._commit()
        self._commit()

    def _commit(self) -> None:
        for record, result, error in self.writer.commit():
            if error or result is None:
                self.failed = self.failed or error
                continue
            wrote, changed = result
            self.summary.checked += 1
            self.summary.statuses[record.status] += 1
            self.summary.snapshots += wrote
            if changed:
                self.summary.changed.append((record.post_id, record.status))
            self.on_check(record)


def make_async_client(config: Config) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={
            "User-Agent": config.fetch.user_agent,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        timeout=httpx.Timeout(config.fetch.timeout, connect=min(config.fetch.timeout, 10.0)),
        follow_redirects=True,
        max_redirects=config.fetch.max_redirects,
        limits=httpx.Limits(
            max_connections=config.fetch.concurrency * 2,
            max_keepalive_connections=config.fetch.concurrency,
        ),
    )


async def check_posts_async(
    db,
    posts: Sequence[PostToCheck],
    config: Config,
    on_check: Callable[[CheckRecord], None] = lambda record: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SnapshotSummary:
    summary = SnapshotSummary()
    saver = _CheckSaver(db, summary, on_check)
    async with make_async_client(config) as client:
        checker = Checker(config, client)
        tasks = [asyncio.ensure_future(checker.check(post)) for post in posts]
        try:
            # as_completed, not a loop of asyncio.wait(pending): that re-arms a callback on
            # every pending task per completion, quadratic in the number of posts.
            for next_done in asyncio.as_completed(tasks):
                saver.put(await next_done)
                if should_stop() or saver.failed:
                    break
        finally:
            pending = [task for task in tasks if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            saver.close()
    return summary


def check_posts(db, posts: Sequence[PostToCheck], config: Config, **kwargs) -> SnapshotSummary:
    """Check posts now (blocking). Ctrl-C stops the run; finished checks are already saved."""
    return asyncio.run(check_posts_async(db, posts, config, **kwargs))


def snapshot_new_posts(db, config: Config, outcomes) -> SnapshotSummary:
    """``archive scan --snapshot``: check the posts of this scan that were never checked."""
    from ..store import posts_to_check

    refs = [
        (embed.status_id, embed.handle)
        for outcome in outcomes
        if outcome.record and not outcome.error
        for embed in outcome.record.embeds
        if embed.status_id
    ]
    posts = [p for p in posts_to_check(db, refs) if p.status == "pending"] if refs else []
    return check_posts(db, posts, config)
