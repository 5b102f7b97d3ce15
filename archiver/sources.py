"""Where the worker finds new articles: feeds, sitemaps and URL lists.

``poll_source`` reads one source and reports each document it read (the feed, the sitemap,
every child sitemap) as a ``Listing`` to a callback, which stores its URLs and state at once,
so a stop part-way through a big sitemap index keeps what was already read.

The fetch is injected (``Fetch``): one call per document, which owns the connection, the
retries, the per-host delay and the size cap. Bodies are made ready in ``source_body``
(gzip by magic bytes, bounded; empty bodies and HTML pages refused), parsed in ``feeds`` and
``sitemaps``; a sitemap index is walked in ``sitemap_walk``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from .config import Source
from .errors import FetchError, SourceError, SourceTooLargeError, StoppedError
from .feeds import parse_feed
from .http import Http
from .listings import (
    Fetch,
    KnownChild,
    Listing,
    OnListing,
    PollResult,
    PollStopped,
    SourceLimits,
    SourceResponse,
    Validators,
)
from .sitemap_walk import Outward, leave_out_inward, walk_children
from .sitemaps import parse_sitemap, parse_url_list
from .small_files import NotReadable, read_small_file, why_unreadable
from .source_body import read_document, too_large
from .urls import without_password


def poll_source(
    fetch: Fetch,
    source: Source,
    validators: Validators,
    *,
    known: Mapping[str, KnownChild] | None = None,
    limits: SourceLimits | None = None,
    on_listing: OnListing = lambda listing: None,
    mtime: float | None = None,
) -> PollResult:
    """Read ``source`` now. ``validators`` (and ``mtime`` for a URL file) come from the last
    poll, ``known`` are the child sitemaps remembered. Raises ``ArchiverError`` subclasses
    (``FetchError``, ``SourceError``) when the source itself cannot be read; a child
    sitemap's failure is recorded in its ``Listing`` and in ``PollResult.child_errors``."""
    limits = limits or SourceLimits()
    if source.type == "urls" and source.path:
        return _poll_url_file(Path(source.path), mtime, on_listing, limits.max_bytes)
    url = source.url or ""
    # Its listing (its children's parent) goes by its address as stored: a password in it
    # is sent, and kept nowhere (``without_password``).
    shown = without_password(url)
    kind = {"feed": "feed", "sitemap": "sitemap"}.get(source.type, "URL list")
    try:
        response, body = read_document(fetch, url, validators, kind, limits.max_bytes)
    except PollStopped:  # stopped before the source answered: nothing read, nothing lost
        return PollResult(Listing(shown, outcome="stopped", validators=validators))
    state = validators.updated(response.headers)
    if body is None:
        root = Listing(shown, outcome="unchanged", validators=state)
    elif source.type == "feed":
        urls = parse_feed(body, response.url, response.headers)
        root = Listing(shown, urls=urls, validators=state)
    elif source.type == "sitemap":
        doc = parse_sitemap(body, response.url, response.headers)
        root = Listing(shown, urls=doc.pages, children=doc.children, validators=state)
        root.error = doc.error
    else:  # a URL list served over HTTP: revalidated as a feed is
        urls = parse_url_list(body.decode("utf-8", "replace"))
        root = Listing(shown, urls=urls, validators=state)
    outward = Outward(url, limits)
    leave_out_inward(root, outward)
    on_listing(root)
    result = PollResult(root, urls_seen=len(root.urls))
    if source.type == "sitemap":
        walk_children(fetch, root, known or {}, limits, on_listing, result, outward)
    result.inward, result.unanswered = outward.private, outward.unanswered
    return result


def describe_poll(result: PollResult, new: int, on_x: int = 0) -> str:
    """One log line for a poll: URLs listed and new (and ``on_x``, those of X's own pages
    left out), and what happened to child sitemaps."""
    parts = [f"{result.urls_seen} URLs listed, {new} new"]
    if on_x:
        parts.append(f"{on_x} on X itself left out (posts, not articles)")
    if result.unchanged:
        parts.append("unchanged")
    if result.children_read:
        parts.append(f"{result.children_read} child sitemaps requested")
    if result.child_errors:
        parts.append(f"{len(result.child_errors)} failed")
    if result.deferred:
        parts.append(f"{result.deferred} left for the next poll")
    if result.too_deep:
        parts.append(f"{result.too_deep} nested deeper than the limit, not followed")
    if result.inward:
        parts.append(f"{result.inward} at private addresses left out")
    if result.unanswered:
        parts.append(
            f"{result.unanswered} left out for this poll (looking up their hosts gave no"
            " answer in time)"
        )
    return ", ".join(parts)


def _poll_url_file(
    path: Path, mtime: float | None, on_listing: OnListing, max_bytes: int
) -> PollResult:
    try:
        current = os.stat(path).st_mtime
        if mtime is not None and current == mtime:
            return PollResult(Listing(str(path), outcome="unchanged"), mtime=current)
        data = read_small_file(path, max_bytes)
    except (OSError, NotReadable) as exc:
        raise SourceError(f"{path}: cannot read URL list ({why_unreadable(exc)})") from None
    text, bad = _utf8_lines(data)
    root = Listing(str(path), urls=parse_url_list(text))
    if bad:  # read as U+FFFD, a Latin-1 line was queued as another URL
        root.error = f"{path}: {len(bad)} line(s) not UTF-8, left out (first: line {bad[0]})"
    on_listing(root)
    return PollResult(root, urls_seen=len(root.urls), mtime=current)


def http_fetch(
    http: Http, max_bytes: int, should_stop: Callable[[], bool] = lambda: False
) -> Fetch:
    """The ``Fetch`` of one poll through the HTTP layer (deadline, retries, throttle, hooks),
    with ``max_bytes`` (``[worker] max_source_bytes``) as the cap. An HTTP error status is
    raised as ``FetchError``. A sitemap walk is sequential, so on top of the layer's throttle
    ``per_host_delay`` is also kept from the end of one answer to the next request to that
    host: the server sees the whole gap, whatever the latency of each request.
    """
    gate = HostGate(http.config.per_host_delay, should_stop)

    def fetch(url: str, headers: Mapping[str, str]) -> SourceResponse:
        gate.wait(url)
        try:
            exchange = http.get(url, headers=dict(headers), max_bytes=max_bytes)
        except StoppedError:
            raise PollStopped(url) from None
        except FetchError as exc:
            if "larger than max_bytes" in str(exc):  # name the key that sets this cap
                raise SourceTooLargeError(too_large(url, max_bytes)) from None
            raise
        finally:
            gate.done(url)
        status = exchange.status_code
        if status >= 400:
            raise FetchError(f"{url}: HTTP {status}", url=url, status_code=status)
        return SourceResponse(exchange.final_url, status, exchange.response.headers, exchange.body)

    return fetch


@contextlib.contextmanager
def stop_requests_on(http: Http, should_stop: Callable[[], bool]) -> Iterator[None]:
    """While in the block, a stop (``should_stop`` turning true, looked at every 0.1 s) also
    cuts the request in flight (``Http.stop``), so a SIGTERM never waits on a slow server."""
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(0.1):
            if should_stop():
                http.stop()
                return

    watcher = threading.Thread(target=watch, name="poll-stop", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


class HostGate:
    """At least ``delay`` seconds from the end of one answer to the next request to the same
    host. A stop during the wait raises ``PollStopped`` (checked every 0.1 s)."""

    def __init__(self, delay: float, should_stop: Callable[[], bool]) -> None:
        self.delay = delay
        self.should_stop = should_stop
        self._free_at: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        while (left := self._free_at.get(host, 0.0) - time.monotonic()) > 0:
            if self.should_stop():
                raise PollStopped(url)
            time.sleep(min(left, 0.1))

    def done(self, url: str) -> None:
        self._free_at[urlsplit(url).netloc.lower()] = time.monotonic() + self.delay


def _utf8_lines(data: bytes) -> tuple[str, list[int]]:
    """The lines of ``data`` that are UTF-8, as text, and the numbers of the others."""
    kept, bad = [], []
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            kept.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            bad.append(number)
    return "\n".join(kept), bad
