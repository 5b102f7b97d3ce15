"""Walking a sitemap index: each child once, on its own validators, within bounds.

- A child is revalidated on its own ETag / Last-Modified, never through its parent's: a
  static index answers 304 while its children change, so a parent that did not change (304,
  or skipped) still has the children remembered from its last read walked.
- A child whose ``<lastmod>`` predates the last time we had its content is not requested.
- Nesting is followed to ``max_depth`` levels below the source; at most ``max_children``
  child sitemaps are requested per poll (newest ``<lastmod>`` first, then the longest
  unread); the rest wait for the next poll. The stop flag is looked at before each request.
- One child failing (404, not a sitemap, too large) is recorded and its siblings are read.

The per-host delay is the fetch's job: every request here goes through it.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from .clock import utcnow
from .errors import ArchiverError
from .listings import (
    ChildRef,
    Fetch,
    KnownChild,
    Listing,
    OnListing,
    PollResult,
    PollStopped,
    SourceLimits,
    Validators,
)
from .sitemaps import parse_sitemap
from .source_body import read_document

# W3C datetime, as sitemaps write <lastmod>: YYYY, YYYY-MM, YYYY-MM-DD or a full time.
PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
Pending = tuple[ChildRef, str, int]  # (child, parent URL, depth)


def walk_children(
    fetch: Fetch,
    root: Listing,
    known: Mapping[str, KnownChild],
    limits: SourceLimits,
    on_listing: OnListing,
    result: PollResult,
    outward: Outward,
) -> None:
    """Read the child sitemaps below ``root`` breadth-first, adding to ``result``; an
    address is followed when ``outward`` (the poll's) says so."""
    queue: deque[Pending] = deque(children_below(root.url, root.children, known, 1))
    seen = {root.url}
    while queue:
        child, parent, depth = queue.popleft()
        if child.url in seen:
            continue
        if depth > limits.max_depth:
            seen.add(child.url)
            result.too_deep += 1
            continue
        if not outward(child.url):  # a child remembered from an earlier read, too
            seen.add(child.url)
            continue
        memory = known.get(child.url)
        if lastmod_predates_read(child.lastmod, memory):
            seen.add(child.url)
            queue.extend(children_below(child.url, None, known, depth + 1))
            continue
        listing = None
        if not limits.should_stop() and result.children_read < limits.max_children:
            with contextlib.suppress(PollStopped):
                listing = read_child(fetch, child, parent, depth, memory, limits.max_bytes)
        if listing is None:  # stopped, or the bound of this poll reached: the rest waits
            result.deferred = len({child.url} | {c.url for c, _, _ in queue} - seen)
            return
        leave_out_inward(listing, outward)
        seen.add(child.url)
        result.children_read += 1
        result.urls_seen += len(listing.urls)
        if listing.error:
            result.child_errors.append(listing.error)
        on_listing(listing)
        if listing.outcome != "failed":
            queue.extend(children_below(child.url, listing.children, known, depth + 1))


def leave_out_inward(listing: Listing, outward: Outward) -> None:
    """Drop from ``listing`` the articles and child sitemaps ``outward`` does not follow
    (``Outward`` counts them). A listing that lost some for want of a lookup's answer keeps
    no validators nor read time: the next poll reads it whole, where a 304 to its
    validators (or its ``<lastmod>``, older than this read) would never list them again."""
    unanswered = outward.unanswered
    listing.urls = [url for url in listing.urls if outward(url)]
    if listing.children is not None:
        listing.children = [child for child in listing.children if outward(child.url)]
    if outward.unanswered > unanswered:
        listing.validators, listing.read_at = Validators(), None


class Outward:
    """Whether an address a poll of ``source`` names may be followed: not at a private
    address when ``source`` is at a public one (``archiver.inward``), unless
    ``limits.allow_private``. Decided once per ``scheme://host:port`` for the whole poll
    (one is made per poll), a name looked up by ``limits.resolve`` (the run's lookups, each
    within the fetch's timeout: ``host_lookups``) when ``limits.direct`` says its requests
    go out directly: a sitemap and its children list thousands of addresses on a few
    hosts, and each lookup blocks the poll (splitting each address as a URL cost a fifth of
    reading the sitemap). A host whose lookup gave no answer in time is not followed in
    this poll (its addresses are listed again at the next). Counts the addresses refused,
    each time one is asked about: ``private``, ``unanswered``."""

    def __init__(self, source: str, limits: SourceLimits) -> None:
        self.source = source
        self.limits = limits
        self.private = self.unanswered = 0
        self._verdicts: dict[str, bool | None] = {}  # None: its lookup gave no answer

    def __call__(self, url: str) -> bool:
        if self.limits.allow_private:
            return True
        site = url.split("/", 3)[:3]  # ["https:", "", "host:port"] for an identity
        key = "/".join(site)
        if key not in self._verdicts:
            self._verdicts[key] = self._outward(key + "/")
        verdict = self._verdicts[key]
        self.private += verdict is False
        self.unanswered += verdict is None
        return bool(verdict)

    def _outward(self, url: str) -> bool | None:
        from .host_lookups import LookupUnanswered
        from .inward import leads_inward

        try:
            return not leads_inward(self.source, url, self.limits.direct, self.limits.resolve)
        except LookupUnanswered:
            return None


def read_child(
    fetch: Fetch,
    child: ChildRef,
    parent: str,
    depth: int,
    memory: KnownChild | None,
    max_bytes: int,
) -> Listing:
    """One child sitemap, conditionally on its own validators; a failure is in the listing."""
    validators = memory.validators if memory else Validators()
    listing = Listing(
        child.url, depth, parent, lastmod=child.lastmod, validators=validators, read_at=utcnow()
    )
    try:
        response, body = read_document(fetch, child.url, validators, "sitemap", max_bytes)
        listing.validators = validators.updated(response.headers)
        if body is None:
            listing.outcome = "unchanged"
            return listing
        doc = parse_sitemap(body, response.url, response.headers)
    except ArchiverError as exc:
        listing.outcome, listing.error, listing.read_at = "failed", str(exc), None
        return listing
    listing.urls, listing.children, listing.error = doc.pages, doc.children, doc.error
    return listing


def children_below(
    url: str, listed: list[ChildRef] | None, known: Mapping[str, KnownChild], depth: int
) -> list[Pending]:
    """The children of ``url``: as just listed, else as remembered; in the order to read."""
    if listed is None:
        listed = [ChildRef(k.url, k.lastmod) for k in known.values() if k.parent == url]
    return [(child, url, depth) for child in reading_order(listed, known)]


def reading_order(children: Iterable[ChildRef], known: Mapping[str, KnownChild]) -> list[ChildRef]:
    """Newest ``<lastmod>`` first (none last), then never read, then read longest ago."""

    def key(child: ChildRef) -> tuple[bool, float, str]:
        lastmod = parse_lastmod(child.lastmod)
        memory = known.get(child.url)
        return (
            lastmod is None,
            -lastmod.timestamp() if lastmod else 0.0,
            (memory.read_at or "") if memory else "",
        )

    return sorted(children, key=key)


def lastmod_predates_read(lastmod: str | None, memory: KnownChild | None) -> bool:
    """True when the parent says the child last changed before we last had its content."""
    changed = parse_lastmod(lastmod)
    read = parse_lastmod(memory.read_at) if memory else None
    return changed is not None and read is not None and changed < read


def parse_lastmod(value: str | None) -> datetime | None:
    """A W3C datetime as an aware UTC datetime; a date alone stands for its last instant
    (a change that day may come after our read). None when absent or unreadable, and when
    out of the range of dates (``9999-12-31``'s last instant, ``…T23:59-05:00`` in UTC)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    partial = PARTIAL_DATE_RE.fullmatch(value)
    try:
        if partial:
            return _end_of(*partial.groups())
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _end_of(year: str, month: str | None, day: str | None) -> datetime:
    start = datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC)
    if day:
        end = start + timedelta(days=1)
    elif month:
        end = (start + timedelta(days=32)).replace(day=1)
    else:
        end = start.replace(year=start.year + 1)
    return end - timedelta(microseconds=1)
