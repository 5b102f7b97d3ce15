"""HTTP for articles (and the shared client factory): the only place that opens connections
besides the snapshot providers.

``make_client`` builds the one ``httpx.Client`` a run uses (User-Agent, timeouts, bounded
redirects). ``fetch_article`` streams the body and stops at ``max_bytes`` after decoding, so
neither a huge page nor a gzip bomb is ever held in memory, and refuses what is not a page.

httpx's timeouts are per read: a server that drips a byte a second never trips them. Every
request here also has an overall deadline (``DEADLINE_FACTOR`` × ``timeout``): past it the
connection is shut down and the fetch fails as "timed out".
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
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
# Only encodings we can decode in bounded steps are asked for (see ``BoundedDecoder``).
ACCEPT_ENCODING = "gzip, deflate"
# A whole answer (headers and body) must arrive within this many times the read timeout.
DEADLINE_FACTOR = 3
DECODE_STEP = 1 << 20  # at most this much decoded output per decompression call


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
        headers={"User-Agent": config.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
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


def deadline_seconds(config: FetchConfig) -> float:
    """The overall limit on one request, however slowly its bytes arrive."""
    return config.timeout * DEADLINE_FACTOR


class DeadlineExpired(Exception):
    """The overall deadline of a request passed."""


class Deadline:
    """An overall deadline for one synchronous request.

    Sockets opened for the request (seen through httpcore's ``trace`` extension) and the
    response's stream are registered; when the deadline passes they are shut down, which ends
    a read blocked on a dripping server at once. ``check`` raises ``DeadlineExpired``.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.watch(info.get("return_value"))

    def watch(self, stream: object) -> None:
        get = getattr(stream, "get_extra_info", None)
        sock = get("socket") if get else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)

    def check(self) -> None:
        if self.expired or time.monotonic() > self.ends_at:
            self.expired = True
            raise DeadlineExpired


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class BoundedDecoder:
    """Undo one ``gzip`` or ``deflate`` Content-Encoding in bounded steps.

    httpx decodes a whole network chunk in one call: 64 KiB of a gzip bomb becomes ~64 MB at
    once. Here each call yields at most ``DECODE_STEP`` bytes, and the caller stops as soon as
    ``max_bytes`` is passed. ``for_encoding`` returns None for identity (nothing to undo) and
    raises ``ValueError`` for what cannot be decoded this way.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._wbits = zlib.MAX_WBITS | 32 if encoding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False

    @classmethod
    def for_encoding(cls, header: str | None) -> BoundedDecoder | None:
        names = [n.strip().lower() for n in (header or "").split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        if not names:
            return None
        if len(names) == 1 and names[0] in ("gzip", "x-gzip", "deflate"):
            return cls("deflate" if names[0] == "deflate" else "gzip")
        raise ValueError(f"unsupported Content-Encoding {', '.join(names)}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._zlib.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:
                    # Many servers send raw deflate without the zlib header.
                    self._wbits = -zlib.MAX_WBITS
                    self._zlib = zlib.decompressobj(self._wbits)
                    self._started = True
                    continue
                raise ValueError(f"cannot decode {self.encoding} body ({exc})") from None
            self._started = True
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                # Concatenated gzip members go on; trailing junk is ignored, as httpx does.
                data = self._zlib.unused_data
                self._zlib = zlib.decompressobj(self._wbits)
                if not data.startswith(b"\x1f\x8b"):
                    return


def read_limited(
    chunks: Iterator[bytes],
    decoder: BoundedDecoder | None,
    max_bytes: int,
    too_big: Callable[[], Exception],
    deadline: Deadline | None = None,
) -> bytes:
    """Join decoded ``chunks`` (raw when ``decoder`` is given), refusing past ``max_bytes``."""
    parts: list[bytes] = []
    size = 0
    for raw in chunks:
        if deadline:
            deadline.check()
        for part in decoder.feed(raw) if decoder else (raw,):
            size += len(part)
            if size > max_bytes:
                raise too_big()
            parts.append(part)
    return b"".join(parts)


def get_bounded(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    headers: dict[str, str] | None = None,
    inspect: Callable[[httpx.Response], bool] = lambda response: True,
) -> tuple[httpx.Response, bytes]:
    """GET ``url`` within ``deadline`` seconds overall; the body is decoded in bounded steps
    and refused past ``max_bytes``. ``inspect`` sees the response before its body: it may
    raise, or return False to skip the body. Raises ``FetchError``."""
    check_url(url)
    too_big = lambda: FetchError(  # noqa: E731
        f"{url}: body larger than max_bytes ({max_bytes:,} bytes)", url=url
    )
    with Deadline(deadline) as timer:
        try:
            with client.stream(
                "GET", url, headers=headers, extensions={"trace": timer.trace}
            ) as response:
                timer.watch(response.extensions.get("network_stream"))
                timer.check()
                if not inspect(response):
                    return response, b""
                try:
                    decoder = BoundedDecoder.for_encoding(response.headers.get("content-encoding"))
                except ValueError:
                    # Not asked for; httpx decodes it (unbounded per chunk, still capped).
                    body = read_limited(response.iter_bytes(), None, max_bytes, too_big, timer)
                else:
                    chunks = response.iter_raw() if decoder else response.iter_bytes()
                    body = read_limited(chunks, decoder, max_bytes, too_big, timer)
                timer.check()
                return response, body
        except ValueError as exc:
            raise FetchError(f"{url}: {exc}", url=url) from None
        except DeadlineExpired:
            raise FetchError(
                f"{url}: timed out (no complete answer within {deadline:g}s)", url=url
            ) from None
        except httpx.InvalidURL as exc:  # also raised for a bad Location: header
            raise FetchError(f"{url}: invalid URL or redirect ({exc})", url=url) from None
        except httpx.HTTPError as exc:
            if timer.expired:
                raise FetchError(
                    f"{url}: timed out (no complete answer within {deadline:g}s)", url=url
                ) from None
            raise FetchError(f"{url}: {describe_error(exc)}", url=url) from exc


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


def describe_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})" if str(exc) else "cannot connect"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "redirected to an unsupported scheme"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"broken HTTP answer ({exc})"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection broken ({exc})" if str(exc) else "connection broken"
    if isinstance(exc, httpx.DecodingError):
        return f"cannot decode the body ({exc})"
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
            return _fetch_once(client, url, config)
        except FetchError as exc:
            retryable = exc.status_code in RETRY_STATUSES or (
                exc.status_code is None
                and isinstance(exc.__cause__, httpx.TransportError)
                and not isinstance(exc.__cause__, httpx.UnsupportedProtocol)
            )
            if not retryable or attempt > config.retries:
                raise
            time.sleep(backoff_delay(attempt, getattr(exc, "retry_after", None), cap=30.0))


def _fetch_once(client: httpx.Client, url: str, config: FetchConfig) -> FetchedPage:
    def inspect(response: httpx.Response) -> bool:
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
        return True

    response, body = get_bounded(
        client, url, max_bytes=config.max_bytes, deadline=deadline_seconds(config), inspect=inspect
    )
    return FetchedPage(
        url, str(response.url), response.status_code, response.headers.get("content-type"), body
    )
