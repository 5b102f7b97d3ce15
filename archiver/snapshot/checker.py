"""The network side of a snapshot run: ask the providers about posts and build the checks.

One ``httpx.AsyncClient`` (keep-alive) serves a whole run; a semaphore bounds the requests in
flight (``[fetch] concurrency``), a per-host delay keeps us polite, and 429/5xx/connection
errors are retried with exponential backoff and jitter, honouring ``Retry-After``.

``CheckLoop`` runs the checks on an event loop of its own and hands the finished ones on in
batches; it runs in a thread of the archive's process (small runs) or in a fetch process
(``pool.py``). Nothing here touches the archive: saving is the parent's job (``run.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import httpx

from ..clock import later, utcnow
from ..config import Config
from ..fetch import ACCEPT_ENCODING, BoundedDecoder, backoff_delay, deadline_seconds, describe_error
from ..models import CheckRecord, PostToCheck
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
from .result import GONE, LIVE, ProviderResult, content_sha256

RARELY = 3  # gone posts, past the end of the ladder, are checked this many times less often
# Finished checks are handed on in batches of at most this many, or this old: pickling and
# cross-thread wake-ups are paid per batch, and a slow run still hands each check on quickly.
BATCH_SIZE = 32
BATCH_SECONDS = 0.05


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


class _Batches:
    """Collects finished checks; hands them to ``deliver`` ``BATCH_SIZE`` at a time, or
    ``BATCH_SECONDS`` after the first one of a batch arrived."""

    def __init__(self, deliver: Callable[[list[CheckRecord]], None]) -> None:
        self.deliver = deliver
        self.records: list[CheckRecord] = []
        self.timer: asyncio.TimerHandle | None = None

    def add(self, record: CheckRecord) -> None:
        self.records.append(record)
        if len(self.records) >= BATCH_SIZE:
            self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(BATCH_SECONDS, self.flush)

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.records:
            records, self.records = self.records, []
            self.deliver(records)


class CheckLoop:
    """Checks posts on an event loop of its own, in the thread that calls ``run``, and hands
    the finished checks to ``deliver`` in batches. ``stop`` may be called from any thread:
    the checks in flight are dropped, the finished ones still delivered.

    A finished check's task is forgotten at once, so a long run holds only the checks not
    yet done, never every result.
    """

    def __init__(
        self,
        posts: Sequence[PostToCheck],
        config: Config,
        deliver: Callable[[list[CheckRecord]], None],
    ) -> None:
        self.posts = posts
        self.config = config
        self.deliver = deliver
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None

    def run(self) -> None:
        """Check every post (blocking); returns early once ``stop`` was called."""
        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(self._main())

    def stop(self) -> None:
        self._stopping = True  # before reading loop and task: see ``_main``
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(task.cancel)

    async def _main(self) -> None:
        # Loop and task are published before ``_stopping`` is read, and ``stop`` sets it
        # before reading them: whichever runs first, a stop is never missed.
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        if self._stopping:
            return
        batches = _Batches(self.deliver)
        try:
            await self._check_all(batches)
        finally:  # stopped or done: what is finished is handed on either way
            batches.flush()

    async def _check_all(self, batches: _Batches) -> None:
        async with make_async_client(self.config) as client:
            checker = Checker(self.config, client)
            pending: set[asyncio.Task[CheckRecord]] = set()
            all_done = asyncio.get_running_loop().create_future()

            def done(task: asyncio.Task[CheckRecord]) -> None:
                pending.discard(task)
                if task.cancelled() or all_done.done():
                    return
                if task.exception() is not None:  # a bug: end the run with it
                    all_done.set_exception(task.exception())  # type: ignore[arg-type]
                    return
                batches.add(task.result())
                if not pending:
                    all_done.set_result(None)

            for post in self.posts:
                task = asyncio.create_task(checker.check(post))
                task.add_done_callback(done)
                pending.add(task)
            if not pending:
                all_done.set_result(None)
            try:
                await all_done
            finally:
                left = list(pending)
                for task in left:
                    task.cancel()
                if left:
                    await asyncio.gather(*left, return_exceptions=True)


def drain(
    receive: Callable[[float], list[CheckRecord] | None], timeout: float
) -> list[CheckRecord]:
    """Everything ``receive`` hands over until it says it is done, for at most ``timeout``."""
    ends_at = time.monotonic() + timeout
    records: list[CheckRecord] = []
    while (left := ends_at - time.monotonic()) > 0:
        try:
            more = receive(left)
        except Exception:  # a failure at the end: keep what arrived before it
            break
        if more is None:
            break
        records += more
    return records
