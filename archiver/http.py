"""The one HTTP layer: every connection the archive opens goes through ``Http``.

One model, synchronous: ``Http`` wraps one ``httpx.Client`` (keep-alive, bounded redirects)
and is shared by the threads of a run (article scans, snapshot checks, source polls). It owns

- the **bounded read**: an overall deadline per request (``DEADLINE_FACTOR`` × ``timeout``;
  httpx's timeouts are per read, so a server dripping a byte a second never trips them),
  and ``max_bytes`` counted *after* decoding, with gzip/deflate undone in bounded steps;
- the **retry policy**: connection errors, 429 and 5xx are retried ``retries`` times with
  exponential backoff and full jitter, or after ``Retry-After`` when the server gives one
  (no wait, a backoff or what ``Retry-After`` asks for, runs past the deadline of the URL,
  counted from its first request: the answer or error in hand is then the last one, where
  ``retries`` waits of up to a minute each would hold a thread for minutes);
- the **per-host throttle**: at least ``per_host_delay`` between two requests to one host
  (the host lowercased, so ``Example.org`` and ``example.org`` share a turn);
- the **response hook**: every response whose body was read passes ``Http._record``, which
  hands an ``Exchange`` to each callable in ``on_response``. That is where evidence (WARC
  records) is written. See ``Exchange`` and ``OnResponse``.

A deadline is kept by one watchdog thread per ``Http`` (not a timer thread per request): it
shuts down the sockets of a request whose time is up, which ends a blocked read at once.
``stop`` does the same for every request in flight, so a stopped run never waits on the
network.

The parts: ``http_deadline`` (deadlines and their watchdog), ``http_policy`` (retries and the
throttle), ``http_decode`` (bounded decoding); this module holds the client and ``Http``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NoReturn
from urllib.parse import urlsplit

import httpx

from .config import FetchConfig
from .errors import FetchError, StoppedError
from .host_lookups import HostLookups, LookupUnanswered
from .http_deadline import Deadline, DeadlineExpired, Watchdog
from .http_decode import BoundedDecoder, httpx_decodes
from .http_policy import (
    HostThrottle,
    asked_wait,
    backoff_delay,
    past_deadline,
    retry_after_seconds,
    retryable,
)
from .inward import Resolve, leads_inward
from .socket_watch import install as install_socket_watch
from .socket_watch import watching
from .wire_heads import HeadTap, head_status, tapping

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Only encodings we can decode in bounded steps are asked for (see ``BoundedDecoder``).
ACCEPT_ENCODING = "gzip, deflate"
# A whole answer (headers and body) must arrive within this many times the read timeout.
DEADLINE_FACTOR = 3
FOLLOWED_SCHEMES = ("http", "https")  # a redirect to any other scheme is refused by name
# Why a redirect or meta refresh to a private address is not followed (``archiver.inward``).
NOT_INWARD = "not followed from a public one ([fetch] allow_private_redirects)"
#: ``Http.way_refused``'s answer for a step to a private address.
PRIVATE_ADDRESS = "a private address"


@dataclass
class Exchange:
    """One HTTP response whose body was read completely, and the request that got it.

    ``response`` gives the status, reason, HTTP version, headers (``response.headers.raw``
    keeps their order and case), the final URL and the redirects followed
    (``response.history``); ``response.request`` the request as sent, headers included. Its
    body has been consumed: use ``raw`` and ``body``.

    ``raw`` is the body exactly as served, still content-encoded (what a WARC response
    record holds). It is None only when the server used a coding httpx decodes and we do not
    in bounded steps (``zstd`` where the zstandard package is installed): httpx then decodes
    each network chunk itself and the encoded bytes are never seen. ``body`` is the decoded
    payload. A body that neither undoes (``zstd`` without the zstandard package, ``foo``,
    ``zstd, gzip``) never makes an ``Exchange``: ``Http.get`` refuses it (see
    ``refuse_undecoded``), as it refuses a body its coding fails on, unless asked to keep
    that one (``keep_undecoded``: ``raw`` and ``body`` are then both the bytes as served,
    and ``notes`` says why).
    ``notes`` is for hooks to leave what they made (e.g. where a WARC record was written)
    so that the caller can point rows at it.
    """

    url: str  # as asked, before redirects
    response: httpx.Response
    raw: bytes | None
    body: bytes
    fetched_at: datetime  # when the response's headers arrived (UTC)
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str | None:
        return self.response.headers.get("content-type")

    @property
    def final_url(self) -> str:
        return str(self.response.url)


#: A response hook: called once per ``Exchange``, in the thread that made the request, after
#: the body was read and before the caller sees it. An exception it raises fails the request
#: (it reaches the caller unchanged), so a hook that must not be skipped, such as writing
#: the evidence the archive will point at, can stop a fetch whose evidence could not be kept.
OnResponse = Callable[[Exchange], None]

#: Sees a response before its body is read; raises ``FetchError`` to refuse it (the body is
#: then never read, and no hook sees it).
Accept = Callable[[httpx.Response], None]


def make_client(config: FetchConfig) -> httpx.Client:
    """The shared client: keep-alive pool sized for the configured concurrency."""
    limits = httpx.Limits(
        max_connections=config.concurrency * 2, max_keepalive_connections=config.concurrency
    )
    client = Client(
        headers={"User-Agent": config.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0)),
        follow_redirects=True,
        max_redirects=config.max_redirects,
        limits=limits,
        event_hooks={
            "response": [  # the body read (bounded) before a refusal would read it whole
                note_redirect,
                redirect_body_kept(config.max_bytes),
                refuse_redirect_off_the_web,
            ]
        },
    )
    client._cookies = SetCookiesOnly()  # the setter would copy it into a plain ``Cookies``
    return client


class Client(httpx.Client):
    """httpx's client, following a redirect's ``Location`` as browsers read it (``location``)."""

    def _redirect_url(self, request: httpx.Request, response: httpx.Response) -> httpx.URL:
        escaped = location(response)
        if escaped == response.headers["location"]:
            return super()._redirect_url(request, response)
        stand_in = httpx.Response(response.status_code, headers=[(b"Location", escaped.encode())])
        return super()._redirect_url(request, stand_in)


def location(response: httpx.Response) -> str:
    """A redirect's ``Location`` as browsers follow it: each byte past ASCII percent-encoded
    as itself (Chrome, Firefox; WPT ``redirect-location-escape``): UTF-8 ``/caf\\xc3\\xa9``
    is ``/caf%C3%A9``, Latin-1 ``/caf\\xe9`` is ``/caf%E9``. httpx decodes the header as
    Latin-1 when it is not UTF-8 and encodes the text as UTF-8, so ``/caf\\xe9`` led to
    ``/caf%C3%A9``, an address the server never named. A host's name past ASCII (UTF-8
    ``b\xc3\xbccher.example``) is not escaped: it goes as IDNA (``xn--bcher-kva``)."""
    values = [value for name, value in response.headers.raw if name.lower() == b"location"]
    raw = b", ".join(value.strip(b" \t") for value in values)
    host = b""  # the authority, read as UTF-8 text: its name goes as IDNA, as a browser's
    match = _AUTHORITY.match(raw)
    if match and not match.group().isascii():
        with contextlib.suppress(UnicodeDecodeError):
            match.group().decode("utf-8")
            host, raw = match.group(), raw[match.end() :]
    return host.decode("utf-8") + "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)


# A Location's scheme and authority (``https://host:port``, ``//host``), up to its path.
_AUTHORITY = re.compile(rb"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\]*")


class SetCookiesOnly(httpx.Cookies):
    """The client's cookie jar, read into only from a response that sets a cookie. httpx
    hands every response to the jar through two urllib stand-ins (a request parsed from its
    URL, a response), about 0.06 CPU-ms per response, to find no ``Set-Cookie`` header in
    nearly all of them; the jar keeps and sends the same cookies either way."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if any(name.lower() in _SET_COOKIE for name, _ in response.headers.raw):
            super().extract_cookies(response)


_SET_COOKIE = (b"set-cookie", b"set-cookie2")  # what urllib's cookie jar reads


class RedirectRefused(Exception):
    """A redirect that is not followed; the message says why (``Http`` adds the URL)."""


class StaleConnection(FetchError):
    """A request that failed on a kept-alive connection before any byte of its answer."""


class UndecodedBody(ValueError):
    """A body its Content-Encoding does not undo (``gzip`` on bytes that are not), or not
    to its end (a gzip stream cut short), read to its end: ``raw`` is what was served,
    ``decoded`` what decodes of it (the bytes as served when nothing does)."""

    def __init__(self, message: str, raw: bytes, decoded: bytes | None = None) -> None:
        super().__init__(message)
        self.raw = raw
        self.decoded = raw if decoded is None else decoded


#: ``Exchange.notes`` key of a body kept as served because it does not decode (``keep_undecoded``).
UNDECODED = "undecoded"


#: The request extension holding the list ``note_redirect`` adds a request's redirects to.
REDIRECTS = "archiver.redirects"


def note_redirect(response: httpx.Response) -> None:
    """Add a redirect to its request's list (``REDIRECTS``): when the way it leads fails,
    the redirects answered on it are the evidence of what was served."""
    noted = response.request.extensions.get(REDIRECTS)
    if noted is not None and response.has_redirect_location:
        noted.append(response)


def answered(redirects: list[httpx.Response]) -> tuple[httpx.Response, ...]:
    """The redirects whose body was read whole (httpx reads one before following it)."""
    kept = []
    for response in redirects:
        try:
            _ = response.content
        except httpx.ResponseNotRead:
            continue
        kept.append(response)
    return tuple(kept)


def refuse_redirect_off_the_web(response: httpx.Response) -> None:
    """Refuse a redirect to a scheme other than http(s) before httpx follows it: httpx fails
    on ``data:`` or ``javascript:`` with its URL parser's wording, which names neither. A
    Location that does not parse (``http://[::1``) is refused too: httpx's error for it is
    a broken answer, which was asked again ``retries`` times."""
    if not response.has_redirect_location:
        return
    why = _why_not_followed(response.status_code, location(response))
    if why is not None:
        refuse_redirect(response, why)


def refuse_redirect(response: httpx.Response, why: str) -> NoReturn:
    """Raise ``RedirectRefused``, the redirect's body read first: it is evidence of what
    was served, as a followed redirect's is."""
    with contextlib.suppress(httpx.HTTPError):
        response.read()
    raise RedirectRefused(why)


def _why_not_followed(status: int, location: str) -> str | None:
    try:
        scheme = urlsplit(location).scheme.lower()
        httpx.URL(location)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"{status} redirect to an address that does not parse ({exc})"
    if scheme and scheme not in FOLLOWED_SCHEMES:
        shown = scheme if len(scheme) <= 40 else scheme[:40] + "…"
        return f"{status} redirect to a {shown}: URL (only http and https are followed)"
    return None


#: ``response.extensions`` key of a redirect's body as served (``redirect_body_kept``).
SERVED = "archiver.served"


def redirect_body_kept(max_bytes: int) -> Callable[[httpx.Response], None]:
    """A response hook reading a redirect's body before httpx follows it: as served (kept
    under ``SERVED``, for its WARC record) and decoded, bounded by ``max_bytes`` as any body
    is. httpx reads it whole and keeps only the decoded bytes: a redirect's record lost its
    Content-Length and Content-Encoding with them. A body cut short or not in its coding is
    kept as served and the redirect followed, as a browser follows it: it is no page. A
    coding decoded only by httpx (``zstd`` with the zstandard package) or by nothing
    (``zstd`` without it) is left to httpx."""

    def hook(response: httpx.Response) -> None:
        if not response.has_redirect_location:
            return
        try:
            decoder = BoundedDecoder.for_encoding(response.headers.get("content-encoding"))
        except ValueError:
            return
        raw, body = _redirect_body(response, decoder, max_bytes)
        response._content = body  # what ``response.read()`` returns from now on
        response.extensions = {**response.extensions, SERVED: raw}

    return hook


def _redirect_body(
    response: httpx.Response, decoder: BoundedDecoder | None, max_bytes: int
) -> tuple[bytes, bytes]:
    """(raw, decoded) of a redirect's body, within ``max_bytes``; one cut short or not in
    its coding, from its first bytes or past them (where a network chunk ends decides
    which), is no page: read to its end and kept as served, and the way goes on."""
    chunks, seen = response.iter_raw(), []

    def noted() -> Iterator[bytes]:
        for chunk in chunks:
            seen.append(chunk)
            yield chunk

    url = str(response.url)
    try:
        return _join(noted(), decoder, max_bytes, url, None)
    except UndecodedBody as exc:
        return exc.raw, exc.decoded
    except ValueError:  # broke off past its first chunk: the rest read as it comes
        raw, _ = _join(itertools.chain(seen, chunks), None, max_bytes, url, None)
        return raw, raw


def check_url(url: str) -> None:
    """Only absolute http(s) URLs are fetched; one that does not parse is a ``FetchError``
    too (a media URL from a provider's reply: ``https://[::1/…``)."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http(s) URLs can be fetched", url=url)
    if not parts.hostname:
        raise FetchError(f"{url}: no host in the URL", url=url)


def reason(error: FetchError) -> str:
    """The message of ``error`` without the URL it starts with (for rows that have the URL)."""
    return str(error).removeprefix(f"{error.url}: ")


class Http:
    """The HTTP side of a run: one client, one throttle, one watchdog, the response hooks.

    Thread-safe; use it as a context manager (or call ``close``). ``on_response`` is a list
    of ``OnResponse`` callables; append to it to add one.
    """

    def __init__(self, config: FetchConfig, on_response: Sequence[OnResponse] = ()) -> None:
        self.config = config
        self.on_response: list[OnResponse] = list(on_response)
        self.client = make_client(config)
        # Each request's sockets reach its deadline from the streams themselves; else from
        # httpcore's ``trace`` hook, which misses a kept-alive connection's socket.
        self._watched = install_socket_watch(self.client)
        self.client.event_hooks["response"].append(self._refuse_inward)
        self.throttle = HostThrottle.shared(config.per_host_delay)
        self.deadline_seconds = config.timeout * DEADLINE_FACTOR
        self._stopped = threading.Event()
        self._watchdog = Watchdog(self.deadline_seconds, self._stopped)
        self._lookups = HostLookups(config.timeout, self._stopped)

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def stop(self) -> None:
        """End every request in flight now and refuse new ones (any thread may call this)."""
        self._stopped.set()
        self._watchdog.expire_all()
        self._lookups.wake()

    def close(self) -> None:
        self.stop()
        self.client.close()

    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        accept: Accept | None = None,
        max_bytes: int | None = None,
        keep_undecoded: bool = False,
    ) -> Exchange:
        """GET ``url`` with the retry policy and the throttle; returns the last ``Exchange``
        (any status: a 404 is an answer, and a 503 is returned once the retries are spent).
        No wait before a retry runs past the deadline, ``deadline_seconds`` from the first
        request: the answer or error in hand is then the last. Raises ``FetchError`` when no
        complete answer came, ``StoppedError`` after ``stop``. ``keep_undecoded``: a body its
        Content-Encoding does not undo is an answer too, its bytes as served in both ``raw``
        and ``body``, and why in ``notes[UNDECODED]`` (evidence of what was served, never
        content to read)."""
        check_url(url)
        attempt, ends_at = 0, math.inf
        while True:
            attempt += 1
            self.throttle.wait(url, self._stopped)
            self._refuse_if_stopped(url)
            ends_at = min(ends_at, time.monotonic() + self.deadline_seconds)
            try:
                exchange = self._exchange(url, headers, accept, max_bytes, None, keep_undecoded)
            except FetchError as exc:
                self._refuse_if_stopped(url)  # an answer cut by ``stop`` is no answer
                wait = backoff_delay(attempt)
                if (
                    not retryable(exc)
                    or attempt > self.config.retries
                    or past_deadline(wait, ends_at)
                ):
                    raise
            else:
                retry_after = asked_wait(exchange.response.headers, exchange.status_code)
                asked, wait = retry_after_seconds(retry_after), backoff_delay(attempt, retry_after)
                if (
                    exchange.status_code not in RETRY_STATUSES
                    or attempt > self.config.retries
                    or past_deadline(wait if asked is None else asked, ends_at)
                ):
                    return exchange
            if self._stopped.wait(wait):
                self._refuse_if_stopped(url)

    def post(
        self,
        url: str,
        content: bytes,
        *,
        headers: dict[str, str] | None = None,
        max_bytes: int | None = None,
        idempotent: bool = False,
    ) -> Exchange:
        """POST ``content`` once (an RFC 3161 query): the throttle and the bounded read, no
        retry (the caller decides whether asking again is safe). Raises ``FetchError``.

        A POST is not idempotent by its method (RFC 9110 9.2.2), so one that failed on a
        kept-alive connection before any byte of its answer is not sent again: the server
        may have acted on it. ``idempotent``: the caller knows that sending this request
        twice has the effect of sending it once (the RFC's exception), and it is sent again
        as a GET is (``_exchange``)."""
        check_url(url)
        self.throttle.wait(url, self._stopped)
        self._refuse_if_stopped(url)
        return self._exchange(url, headers, None, max_bytes, content, resend=idempotent)

    @property
    def lookups(self) -> Resolve:
        """The run's lookups of hosts' addresses (``host_lookups``): each host once, each
        within the timeout, a wait ended by ``stop``; raises ``LookupUnanswered``."""
        return self._lookups

    def leads_inward(self, start: str, target: str) -> bool:
        """Whether a way that began at ``start`` may not go on to ``target``: from a public
        address to a private one, unless ``allow_private_redirects`` (``archiver.inward``).
        Names are looked up by ``lookups``: raises ``LookupUnanswered``."""
        if self.config.allow_private_redirects:
            return False
        return leads_inward(start, target, self.direct, self._lookups)

    def way_refused(self, start: str, target: str) -> str | None:
        """Why a way that began at ``start`` does not go on to ``target`` (a redirect, a
        meta refresh, an address a reply lists), or None: ``PRIVATE_ADDRESS`` (see
        ``leads_inward``), or how a lookup of its name gave no answer within the timeout.
        Raises ``StoppedError`` when a stop ended the wait for that answer."""
        try:
            inward = self.leads_inward(start, target)
        except LookupUnanswered as exc:
            self._refuse_if_stopped(target)
            return str(exc)
        return PRIVATE_ADDRESS if inward else None

    def refuse_inward(self, start: str, url: str, what: str) -> None:
        """Raise ``FetchError`` (nothing asked for) when ``url``, an address the archive
        was given by a reply or a listing from ``start``, leads inward from it or a name of
        it gave no answer in time (``way_refused``)."""
        why = self.way_refused(start, url)
        if why == PRIVATE_ADDRESS:
            why = f"{what} at a private address, listed by {start}, {NOT_INWARD}"
            raise FetchError(f"{url}: {why}", url=url)
        if why is not None:
            raise FetchError(f"{url}: {why}, not fetched", url=url)

    def direct(self, url: str) -> bool:
        """Whether a request for ``url`` goes out directly, not through a proxy (one that
        cannot be sent does not go out at all: the fetch gives its one-line error)."""
        try:
            return self.client._transport_for_url(httpx.URL(url)) is self.client._transport
        except httpx.InvalidURL:
            return False

    def _refuse_inward(self, response: httpx.Response) -> None:
        """A response hook: refuse a redirect that leads inward from where the way began."""
        if not response.has_redirect_location:
            return
        noted = response.request.extensions.get(REDIRECTS) or [response]
        target = str(response.request.url.join(location(response)))
        why = self.way_refused(str(noted[0].request.url), target)
        if why == PRIVATE_ADDRESS:
            why = f"{response.status_code} redirect to a private address ({target})"
            refuse_redirect(response, f"{why}, {NOT_INWARD}")
        if why is not None:
            refuse_redirect(
                response, f"{response.status_code} redirect to {target} not followed: {why}"
            )

    def _refuse_if_stopped(self, url: str) -> None:
        if self._stopped.is_set():
            raise StoppedError(f"{url}: stopped before an answer came", url=url)

    def _exchange(
        self,
        url: str,
        headers: dict[str, str] | None,
        accept: Accept | None,
        max_bytes: int | None,
        content: bytes | None = None,
        keep_undecoded: bool = False,
        resend: bool = True,
    ) -> Exchange:
        """GET ``url`` (or POST ``content`` to it) within a deadline, the body bounded. A
        GET that failed on a kept-alive connection before any byte of its answer came (the
        server had closed it; not a read that timed out) is sent again at once, as a browser
        does: each time on another connection, until one is new (the pool keeps at most
        ``concurrency`` alive); a POST only when ``resend`` (``post``'s ``idempotent``)."""
        for _ in range(self.config.concurrency):
            try:
                return self._exchange_once(url, headers, accept, max_bytes, content, keep_undecoded)
            except StaleConnection:
                if (content is not None and not resend) or self._stopped.is_set():
                    raise
        return self._exchange_once(url, headers, accept, max_bytes, content, keep_undecoded)

    def _exchange_once(
        self,
        url: str,
        headers: dict[str, str] | None,
        accept: Accept | None,
        max_bytes: int | None,
        content: bytes | None,
        keep_undecoded: bool,
    ) -> Exchange:
        redirects: list[httpx.Response] = []
        tap = HeadTap()
        try:
            return self._exchange_noting(
                url, headers, accept, max_bytes, content, keep_undecoded, redirects, tap
            )
        except FetchError as exc:
            exc.redirects = answered(redirects)  # the first read, each in turn: heads pair
            attach_heads(list(exc.redirects), tap.heads[: len(exc.redirects)])
            raise

    def _exchange_noting(
        self,
        url: str,
        headers: dict[str, str] | None,
        accept: Accept | None,
        max_bytes: int | None,
        content: bytes | None,
        keep_undecoded: bool,
        redirects: list[httpx.Response],
        tap: HeadTap,
    ) -> Exchange:
        """``_exchange``, each redirect answered on the way added to ``redirects``, the
        heads read handed to ``tap``."""
        limit = self.config.max_bytes if max_bytes is None else max_bytes
        deadline = self._watchdog.take()
        status: int | None = None  # once the answer's head came: kept by a failure after it
        extensions: dict[str, object] = {REDIRECTS: redirects}
        if not self._watched:
            extensions["trace"] = deadline.trace
        try:
            with (
                watching(deadline) as sent,
                tapping(tap),
                self.client.stream(
                    "GET" if content is None else "POST",
                    url,
                    headers=headers,
                    content=content,
                    extensions=extensions,
                ) as response,
            ):
                if not self._watched:
                    deadline.watch(response.extensions.get("network_stream"))
                fetched_at = datetime.now(UTC)
                status = response.status_code
                for hop in response.history:
                    refuse_undecoded(url, hop, hop_body(hop), f"a redirect ({hop.url}) was ")
                if accept is not None:
                    accept(response)
                raw, body, notes = _read_noted(response, url, limit, deadline, keep_undecoded)
        except (ValueError, RedirectRefused) as exc:  # a body that does not decode, a redirect
            raise FetchError(f"{url}: {exc}", url=url, status_code=status) from None
        except DeadlineExpired:
            raise self._timed_out(url) from None
        except httpx.InvalidURL as exc:  # also raised for a bad Location: header
            raise FetchError(f"{url}: invalid URL or redirect ({exc})", url=url) from None
        except httpx.HTTPError as exc:
            if deadline.expired:
                raise self._timed_out(url) from None
            closed = sent.unanswered_on_reused and not isinstance(exc, httpx.TimeoutException)
            error = StaleConnection if closed else FetchError
            raise error(f"{url}: {describe_error(exc)}", url=url) from exc
        finally:
            deadline.finish()
        attach_heads([*response.history, response], tap.heads)
        exchange = Exchange(url, response, raw, body, fetched_at, notes)
        self._record(exchange)
        return exchange

    def _timed_out(self, url: str) -> FetchError:
        seconds = self.deadline_seconds
        return FetchError(f"{url}: timed out (no complete answer within {seconds:g}s)", url=url)

    def _record(self, exchange: Exchange) -> None:
        """The one place every read response passes: hand it to each hook, in order."""
        for hook in self.on_response:
            hook(exchange)


def _read_noted(
    response: httpx.Response, url: str, limit: int, deadline: Deadline, keep_undecoded: bool
) -> tuple[bytes | None, bytes, dict[str, object]]:
    """``read_body``, and notes; with ``keep_undecoded``, a body that does not decode (or is
    cut short) as served, what decoded of it, and why, in the notes."""
    try:
        raw, body = read_body(response, url, limit, deadline)
    except UndecodedBody as exc:
        if not keep_undecoded:
            raise
        return exc.raw, exc.decoded, {UNDECODED: str(exc)}
    return raw, body, {}


def read_body(
    response: httpx.Response, url: str, max_bytes: int, deadline: Deadline | None = None
) -> tuple[bytes | None, bytes]:
    """(raw body as served, decoded body) of a streamed response, refused past ``max_bytes``
    (decoded, and raw too: a body that never ends but decodes to little is refused alike).
    A ``Content-Length`` past ``max_bytes`` is refused before any of the body is read."""
    declared = declared_length(response)
    if declared is not None and declared > max_bytes:
        raise FetchError(
            f"{url}: body larger than max_bytes ({max_bytes:,} bytes; its Content-Length is"
            f" {declared:,})",
            url=url,
        )
    header = response.headers.get("content-encoding")
    try:
        decoder = BoundedDecoder.for_encoding(header)
    except ValueError:
        if httpx_decodes(header):
            # Not asked for: httpx decodes it (unbounded per chunk, still capped); no raw bytes.
            return None, _join(response.iter_bytes(), None, max_bytes, url, deadline)[1]
        raw, _ = _join(response.iter_raw(), None, max_bytes, url, deadline)
        refuse_undecoded(url, response, raw)
        return raw, raw  # no body at all: nothing was left encoded
    if decoder is None:
        raw, _ = _join(response.iter_raw(), None, max_bytes, url, deadline)
        return raw, raw
    return _join(response.iter_raw(), decoder, max_bytes, url, deadline)


def declared_length(response: httpx.Response) -> int | None:
    """The body's length as its ``Content-Length`` gives it, when that header frames the
    body: not a 204's or a 304's (no body follows; a 304 may name the length of the answer
    it stands for), nor one sent in chunks (``Transfer-Encoding`` wins: the header is
    ignored)."""
    if response.status_code in (204, 304) or "transfer-encoding" in response.headers:
        return None
    declared = response.headers.get("content-length", "").strip()
    return int(declared) if declared.isascii() and declared.isdigit() else None


def _join(
    chunks: Iterator[bytes],
    decoder: BoundedDecoder | None,
    max_bytes: int,
    url: str,
    deadline: Deadline | None,
) -> tuple[bytes, bytes]:
    """(raw, decoded) joined; only the raw side is kept when there is no decoder. A body that
    does not decode from its first bytes on (``gzip`` on plain JSON), or whose stream the
    body ends inside (cut short), is read to its end and raised as ``UndecodedBody``; one
    that breaks off part-way, as a ``ValueError``."""
    raw_parts: list[bytes] = []
    parts: list[bytes] = []
    raw_size = size = 0
    undecoded: str | None = None
    for chunk in chunks:
        if deadline is not None:
            deadline.check()
        raw_size += len(chunk)
        raw_parts.append(chunk)
        if decoder is not None and undecoded is None:
            try:
                for part in decoder.feed(chunk):
                    size += len(part)
                    parts.append(part)
                    if size > max_bytes:
                        break
            except ValueError as exc:
                if parts:
                    raise
                undecoded = str(exc)  # as WARC readers take it: the bytes as stored
        if max(size, raw_size) > max_bytes:
            raise FetchError(f"{url}: body larger than max_bytes ({max_bytes:,} bytes)", url=url)
    raw = b"".join(raw_parts)
    if undecoded is not None:
        raise UndecodedBody(undecoded, raw)
    if decoder is not None and not decoder.complete:
        decoded = b"".join(parts)
        why = f"{decoder.encoding} body cut short: the {raw_size:,} bytes served end inside"
        raise UndecodedBody(f"{why} its stream ({size:,} bytes decoded)", raw, decoded)
    return raw, (b"".join(parts) if decoder is not None else raw)


def refuse_undecoded(url: str, response: httpx.Response, body: bytes, what: str = "") -> None:
    """Raise ``FetchError`` when ``body``, what was read of ``response``, is still in a
    coding nothing here undoes: detection would read garbage and a WARC record would give
    those bytes as the content. An empty body has nothing left encoded."""
    header = (response.headers.get("content-encoding") or "").strip()
    if body and not httpx_decodes(header):
        why = f"served with Content-Encoding: {header}, which this archiver does not decode"
        raise FetchError(f"{url}: {what}{why}", url=url, status_code=response.status_code)


#: ``response.extensions`` key of its head as it came over the wire (``wire_heads``).
WIRE_HEAD = "archiver.wire_head"


def attach_heads(responses: list[httpx.Response], heads: list[bytes | None]) -> None:
    """Give each response its head as read from the wire, when the heads the request read
    pair with the responses one for one, status for status (else none is given: the
    record is then written from httpx's parsed headers)."""
    if len(heads) != len(responses):
        return
    if any(
        h is None or head_status(h) != r.status_code for r, h in zip(responses, heads, strict=True)
    ):
        return
    for response, head in zip(responses, heads, strict=True):
        response.extensions = {**response.extensions, WIRE_HEAD: head}


def wire_head(response: httpx.Response) -> bytes | None:
    """The response's status line and headers as they came (``attach_heads``)."""
    head = response.extensions.get(WIRE_HEAD)
    return head if isinstance(head, bytes) else None


def hop_served(response: httpx.Response) -> bytes | None:
    """A redirect's body as served, when ``redirect_body_kept`` read it."""
    served = response.extensions.get(SERVED)
    return served if isinstance(served, bytes) else None


def hop_body(response: httpx.Response) -> bytes:
    """A redirect's body as httpx read it (decoded), or nothing when it was never read."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def describe_error(exc: httpx.HTTPError) -> str:
    """One short line for an httpx error."""
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
