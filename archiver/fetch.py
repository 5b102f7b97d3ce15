"""HTTP for articles (and the shared client factory): the only place that opens connections
besides the snapshot providers.

``make_client`` builds the one ``httpx.Client`` a run uses (User-Agent, timeouts, bounded
redirects). ``fetch_article`` streams the body and stops at ``max_bytes`` after decoding, so
neither a huge page nor a gzip bomb is ever held in memory, and refuses what is not a page.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from .config import FetchConfig
from .errors import ContentTypeError, FetchError

PAGE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str
    final_url: str
    status_code: int
    content_type: str | None
    body: bytes


def make_client(config: FetchConfig) -> httpx.Client:
    """The shared client: keep-alive pool sized for the configured concurrency."""
    limits = httpx.Limits(
        max_connections=config.concurrency * 2, max_keepalive_connections=config.concurrency
    )
    return httpx.Client(
        headers={"User-Agent": config.user_agent},
        timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0)),
        follow_redirects=True,
        max_redirects=config.max_redirects,
        limits=limits,
    )


def check_url(url: str) -> None:
    """Only absolute http(s) URLs are fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{url}: only http(s) URLs can be fetched", url=url)


class HostThrottle:
    """Politeness: at least ``delay`` seconds between two requests to the same host."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        if self.delay <= 0:
            return
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)


def backoff_delay(attempt: int, retry_after: str | None = None, cap: float = 60.0) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): ``Retry-After`` when the server
    gave one, else exponential backoff with full jitter."""
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), cap)
        except ValueError:
            pass
    return random.uniform(0, min(cap, 0.5 * 2**attempt))


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})" if str(exc) else "cannot connect"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "redirected to an unsupported scheme"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def fetch_article(
    client: httpx.Client,
    url: str,
    config: FetchConfig,
    throttle: HostThrottle | None = None,
) -> FetchedPage:
    """GET an article page, retrying connection errors, 429 and 5xx with backoff.

    Raises ``FetchError`` (with ``status_code`` for HTTP errors) or ``ContentTypeError``.
    """
    check_url(url)
    attempt = 0
    while True:
        attempt += 1
        if throttle:
            throttle.wait(url)
        try:
            return _fetch_once(client, url, config.max_bytes)
        except FetchError as exc:
            retryable = exc.status_code in RETRY_STATUSES or (
                exc.status_code is None
                and isinstance(exc.__cause__, httpx.TransportError)
                and not isinstance(exc.__cause__, httpx.UnsupportedProtocol)
            )
            if not retryable or attempt > config.retries:
                raise
            time.sleep(backoff_delay(attempt, getattr(exc, "retry_after", None), cap=30.0))


def _fetch_once(client: httpx.Client, url: str, max_bytes: int) -> FetchedPage:
    try:
        with client.stream("GET", url) as response:
            status = response.status_code
            if status >= 400:
                error = FetchError(
                    f"{url}: HTTP {status} {response.reason_phrase}".rstrip(),
                    url=url,
                    status_code=status,
                )
                error.retry_after = response.headers.get("retry-after")  # type: ignore[attr-defined]
                raise error
            content_type = response.headers.get("content-type")
            media_type = (content_type or "").split(";")[0].strip().lower()
            if media_type and media_type not in PAGE_TYPES:
                raise ContentTypeError(
                    f"{url}: not a web page (Content-Type {media_type})",
                    url=url,
                    status_code=status,
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"{url}: body larger than max_bytes ({max_bytes:,} bytes)",
                        url=url,
                        status_code=status,
                    )
                chunks.append(chunk)
            return FetchedPage(url, str(response.url), status, content_type, b"".join(chunks))
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {_describe(exc)}", url=url) from exc
