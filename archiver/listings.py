"""The data a source poll hands on: answers, validators, child sitemaps, listings.

Shared by the parsers, the sitemap walk, the worker and the database package, so none of
them has to import another's code to talk about a poll.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from .inward import Resolve


class ChildRef(NamedTuple):
    """A child sitemap as its parent names it (``lastmod`` as written, if given)."""

    url: str
    lastmod: str | None = None


class SourceResponse(NamedTuple):
    """One answer to a source request. ``status_code`` 304 comes with an empty body."""

    url: str
    status_code: int
    headers: Mapping[str, str]
    body: bytes


class PollStopped(Exception):
    """Raised by a ``Fetch`` that was asked to stop while waiting its turn."""


class Fetch(Protocol):
    """GET ``url`` with extra request ``headers``; raises ``FetchError`` (HTTP ≥ 400 too)."""

    def __call__(self, url: str, headers: Mapping[str, str]) -> SourceResponse: ...


class Validators(NamedTuple):
    """What a conditional GET sends back: the ETag and Last-Modified of the last answer."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        """The conditional headers; a value that cannot be sent back (one an older version
        stored) is left out, so the source is read in full rather than never again."""
        headers = {}
        if self.etag and _sendable(self.etag):
            headers["If-None-Match"] = self.etag
        if self.last_modified and _sendable(self.last_modified):
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def updated(self, headers: Mapping[str, str]) -> Validators:
        """The validators of an answer with ``headers``: an ETag or Last-Modified that is not
        printable ASCII (``ETag: "caf\xe9"``) cannot be sent back in a header, so it is not
        kept, and neither is the older one it replaces (it no longer describes the body)."""
        lowered = {name.lower(): value for name, value in headers.items()}
        etag, modified = lowered.get("etag") or None, lowered.get("last-modified") or None
        return Validators(
            self.etag if etag is None else etag if _sendable(etag) else None,
            self.last_modified if modified is None else modified if _sendable(modified) else None,
        )


_SENDABLE = re.compile(r"[\x20-\x7e\t]*")


def _sendable(value: str) -> bool:
    """A header value an HTTP request can carry as it is: printable ASCII, spaces, tabs."""
    return _SENDABLE.fullmatch(value) is not None


class KnownChild(NamedTuple):
    """What the archive remembers of a child sitemap between polls."""

    url: str
    parent: str
    depth: int
    lastmod: str | None = None  # as its parent last listed it
    validators: Validators = Validators()
    read_at: str | None = None  # the last time its body was read (UTC ISO-8601)


@dataclass
class Listing:
    """One document of a poll. ``outcome`` is ``read``, ``unchanged`` (304), ``failed`` or
    ``stopped`` (the worker was stopped before the source answered);
    ``children`` is None unless the document was read (then it is the full list of its
    child sitemaps)."""

    url: str
    depth: int = 0
    parent: str | None = None
    outcome: str = "read"
    urls: list[str] = field(default_factory=list)
    children: list[ChildRef] | None = None
    validators: Validators = field(default_factory=Validators)
    lastmod: str | None = None
    error: str | None = None
    read_at: str | None = None  # when a read or a 304 was asked for (UTC ISO-8601)


class SourceLimits(NamedTuple):
    """Bounds on one poll: body size, sitemap index nesting, child fetches, and a stop flag."""

    max_bytes: int = 50_000_000
    max_depth: int = 3
    max_children: int = 100
    should_stop: Callable[[], bool] = lambda: False
    allow_private: bool = False  # a public source naming a private address ([fetch])
    # Whether a request for a URL goes out directly: its host's name is then looked up, by
    # ``resolve`` (the run's lookups: ``Http.lookups``; None: ``inward.resolved``, unbounded).
    direct: Callable[[str], bool] = lambda _: False
    resolve: Resolve | None = None


@dataclass
class PollResult:
    """The outcome of one poll: the root document, and what happened to its children."""

    root: Listing
    urls_seen: int = 0
    mtime: float | None = None
    child_errors: list[str] = field(default_factory=list)
    children_read: int = 0
    deferred: int = 0  # child sitemaps left for the next poll (the per-poll bound, or a stop)
    too_deep: int = 0  # child sitemaps nested deeper than max_depth, not followed
    inward: int = 0  # addresses a public source named at private ones, left out
    unanswered: int = 0  # addresses left out: their host's lookup gave no answer in time

    @property
    def unchanged(self) -> bool:
        return self.root.outcome == "unchanged"

    @property
    def error(self) -> str | None:
        """One line for ``source_state.last_error``: the first failure, and how many."""
        if self.root.error:
            return self.root.error
        if not self.child_errors:
            return None
        count = len(self.child_errors)
        noun = "child sitemap" if count == 1 else "child sitemaps"
        return f"{count} {noun} failed (the others were read); first: {self.child_errors[0]}"


OnListing = Callable[[Listing], None]


def without_x_pages(listing: Listing) -> tuple[Listing, int]:
    """``listing`` without the addresses on X's own hosts (a feed of an account's posts
    lists them): no article, and each would be a request to X for an empty row, as ``archive
    scan`` refuses them; and how many were left out. ``listing`` itself is left as read (its
    count of URLs listed is the poll's)."""
    from dataclasses import replace

    from .urls import served_by_x

    articles = [url for url in listing.urls if not served_by_x(url)]
    return replace(listing, urls=articles), len(listing.urls) - len(articles)
