"""The network side of a snapshot run: ask the providers about posts and build the checks.

Requests go through the one HTTP layer (``archiver.http.Http``: bounded read, retries with
backoff and ``Retry-After``, per-host delay, the response hook). ``CheckThreads`` runs the
checks in ``[fetch] concurrency`` threads of this process and hands each finished check to
the saving thread at once; nothing here touches the archive (saving is ``run.py``'s job).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Sequence

from ..clock import later, utcnow
from ..config import Config
from ..errors import FetchError, StoppedError
from ..evidence.capture import capture_of, served_on_the_way
from ..http import UNDECODED, Http, reason
from ..models import CheckRecord, PostToCheck
from ..urls import canonical_url
from .answers import failure
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
from .result import GONE, LIVE, NOT_JSON, ProviderResult, content_sha256

RARELY = 3  # gone posts, past the end of the ladder, are checked this many times less often
JOIN_SECONDS = 10.0  # a stopped thread ends at once (its request is cut); past this, left behind


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


class Checker:
    """Runs the providers for posts; one instance per run (shares the ``Http`` and its limits)."""

    def __init__(self, config: Config, http: Http) -> None:
        self.config = config
        self.http = http

    def ask(self, provider: str, post: PostToCheck) -> tuple[ProviderResult, str]:
        """One provider's answer (``Http`` retries 429, 5xx and connection errors) and the URL
        it was asked at. A reply that cannot be fetched or read is an inconclusive answer."""
        snap = self.config.snapshot
        if provider == SYNDICATION:
            url, params = syndication_request(snap.syndication_url, post.id)
            parse = parse_syndication
        else:
            url, params = oembed_request(snap.oembed_url, canonical_url(post.id, post.handle))
            parse = parse_oembed
        full_url = request_url(url, params)
        try:
            exchange = self.http.get(full_url, keep_undecoded=True)
        except StoppedError:
            raise  # not an answer: the check is dropped and the post stays due
        except FetchError as exc:  # a refused redirect's answer is kept, as a page fetch's is
            failed = network_failure(provider, reason(exc), exc.status_code)
            failed.capture = served_on_the_way(exc)
            return failed, full_url
        status = exchange.status_code
        undecoded = exchange.notes.get(UNDECODED)
        try:
            if undecoded and status == 200:  # kept as served (the evidence), nothing to read
                error = f"HTTP {status} with a body that does not decode: {undecoded}"
                result = failure(provider, status, NOT_JSON, error, exchange.body)
            else:  # any other status says what it says (a 404 is a 404), its body unread
                result = parse(status, exchange.content_type, b"" if undecoded else exchange.body)
        except Exception as exc:  # a hostile reply that breaks a parser: recorded, not raised
            error = f"HTTP {status} with an unreadable reply ({type(exc).__name__})"
            result = network_failure(provider, error)
        if result.post_id is not None and result.post_id != post.id:  # not this post's
            error = f"HTTP {status} with a reply about another post ({result.post_id})"
            result = network_failure(provider, error)
        result.capture = capture_of(exchange)  # kept as evidence before the check is saved
        return result, full_url

    def check(self, post: PostToCheck) -> CheckRecord:
        """Ask the providers in order until one answer is conclusive."""
        asked: list[tuple[ProviderResult, str]] = []
        for provider in self.config.snapshot.providers:
            asked.append(self.ask(provider, post))
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


class CheckThreads:
    """Checks ``posts`` in ``[fetch] concurrency`` daemon threads sharing one ``Http``; each
    finished check is put on ``finished`` at once, then None when every post is done (or the
    exception of a check that failed: a bug, raised again by the reader). ``ended`` is set
    with that last message, so a reader can sleep on it and take the checks in bulk instead
    of waking for each one.

    ``stop`` cuts the requests in flight and ends the threads; the checks finished before it
    are all on ``finished`` when it returns.
    """

    def __init__(self, posts: Iterable[PostToCheck], config: Config, http: Http) -> None:
        self.finished: queue.SimpleQueue[CheckRecord | BaseException | None] = queue.SimpleQueue()
        self.http = http
        self.checker = Checker(config, http)
        self._posts = iter(posts)
        self.ended = threading.Event()
        self._lock = threading.Lock()
        self._stopping = False
        self._running = count = max(1, config.fetch.concurrency)
        self.threads = [
            threading.Thread(target=self._work, name=f"check-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def _next_post(self) -> PostToCheck | None:
        with self._lock:
            return None if self._stopping else next(self._posts, None)

    def _work(self) -> None:
        try:
            while (post := self._next_post()) is not None:
                self.finished.put(self.checker.check(post))
        except StoppedError:
            pass  # the check in hand was cut short: not a check, the post stays due
        except BaseException as exc:
            self.finished.put(exc)
            self.stop_asking()
            self.ended.set()
        finally:
            with self._lock:
                self._running -= 1
                last = self._running == 0
            if last:
                self.finished.put(None)
                self.ended.set()

    def stop_asking(self) -> None:
        with self._lock:
            self._stopping = True

    def stop(self) -> None:
        """No new checks; the requests in flight are cut (those posts stay due)."""
        self.stop_asking()
        self.http.stop()
        for thread in self.threads:
            thread.join(JOIN_SECONDS)
