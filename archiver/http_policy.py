"""The HTTP layer's politeness and patience: which failures are asked again and after how
long (exponential backoff with full jitter, or what ``Retry-After`` asks for), and the
per-host throttle that keeps at least ``per_host_delay`` between two requests to one host.
"""

from __future__ import annotations

import contextlib
import math
import random
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar
from urllib.parse import urlsplit

import httpx

from .errors import FetchError

BACKOFF_CAP = 60.0  # the longest wait before a retry, whatever Retry-After says


FORGET_HOSTS_OVER = 10_000  # the throttle drops hosts whose turn has passed beyond this many


def retryable(error: FetchError) -> bool:
    """Connection errors and per-read timeouts are worth another try; a passed deadline, a
    refused body, a bad redirect or an unsupported scheme are not (they would fail alike)."""
    cause = error.__cause__
    return isinstance(cause, httpx.TransportError) and not isinstance(
        cause, httpx.UnsupportedProtocol
    )


def backoff_delay(attempt: int, retry_after: str | None = None, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): ``Retry-After`` (seconds or an
    HTTP date) when the server gave one, else exponential backoff with full jitter."""
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        return min(asked, cap)
    return random.uniform(0, min(cap, 0.5 * 2**attempt))


def past_deadline(seconds: float, ends_at: float) -> bool:
    """A wait of ``seconds`` (a backoff, or what ``Retry-After`` asked for, uncapped: asking
    again before the time the server named would be refused alike) would end past
    ``ends_at``: the answer or error in hand is then the last one."""
    return time.monotonic() + seconds > ends_at


def asked_wait(headers: httpx.Headers, status: int) -> str | None:
    """What a server asks to wait before the next request, as ``Retry-After`` writes it:
    that header, else for a 429 the seconds until ``x-rate-limit-reset`` (the epoch second
    X's rate-limit window ends, which X sends instead of ``Retry-After``)."""
    asked = headers.get("retry-after")
    reset = headers.get("x-rate-limit-reset", "") if status == 429 and not asked else ""
    if not (reset.isascii() and reset.isdigit() and len(reset) <= 12):
        return asked
    return str(max(int(reset) - time.time(), 0.0))


def retry_after_seconds(retry_after: str | None) -> float | None:
    """The wait a ``Retry-After`` value asks for, in seconds (≥ 0, not capped); None when
    there is none or it reads as neither a number nor an HTTP date."""
    if not retry_after:
        return None
    with contextlib.suppress(ValueError):
        seconds = float(retry_after)
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        when = parsedate_to_datetime(retry_after)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return None


class HostThrottle:
    """Politeness: at least ``delay`` seconds between two requests to the same host.

    A request's turn is booked under the lock and waited for outside it, so threads bound for
    other hosts never wait behind it. ``shared`` gives every ``Http`` of a process with the
    same delay one throttle: the worker's jobs and successive runs take turns together.
    """

    _shared: ClassVar[dict[float, HostThrottle]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, delay: float) -> HostThrottle:
        with cls._shared_lock:
            return cls._shared.setdefault(delay, cls(delay))

    def book(self, url: str) -> float:
        """Take the next turn for ``url``'s host; the seconds to wait for it."""
        if self.delay <= 0:
            return 0.0
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            if len(self._next) > FORGET_HOSTS_OVER:  # a long-running worker meets many hosts
                self._next = {h: at for h, at in self._next.items() if at > now}
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.delay
        return start - now

    def wait(self, url: str, stopped: threading.Event | None = None) -> None:
        """Wait for a turn; returns early once ``stopped`` is set."""
        seconds = self.book(url)
        if seconds > 0:
            if stopped is None:
                time.sleep(seconds)
            else:
                stopped.wait(seconds)
