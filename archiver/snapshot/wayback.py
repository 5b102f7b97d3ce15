"""Earlier captures of a post in the Wayback Machine: CDX queries, the choice of capture, and
its raw replay parsed with the existing parsers (no I/O here).

A post that is already gone when we first check it often survives in the Internet Archive,
as the syndication JSON behind its embed or as its twitter.com status page. The CDX API
lists the captures of a URL (``output=json``: a header row, then one row per capture); the
raw bytes of one come back unrewritten from ``{wayback}/web/{timestamp}id_/{original}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit

from ..errors import ArchiverError
from ..urls import canonical_id, find_status, url_problem
from .providers import parse_syndication
from .result import LIVE, ProviderResult
from .status_page import parse_status_page

WAYBACK = "wayback"
WAYBACK_URL = "https://web.archive.org"
MODES = ("when-gone", "always", "never")
# The public endpoint our syndication provider asks; its captures carry the post's JSON.
SYNDICATION_ORIGINAL = "cdn.syndication.twimg.com/tweet-result"
STATUS_HOSTS = ("twitter.com", "x.com")
CDX_FIELDS = ("timestamp", "original", "mimetype", "statuscode", "digest")
SYNDICATION_KIND = "syndication"
STATUS_PAGE_KIND = "status_page"


class CdxError(ArchiverError):
    """A CDX answer we cannot use (HTTP error, not JSON, not the documented shape)."""


class Capture(NamedTuple):
    """One row of a CDX answer: a capture of ``original`` at ``timestamp`` (14 digits)."""

    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str

    @property
    def kind(self) -> str:
        """``syndication`` for the post's JSON, ``status_page`` for its HTML page."""
        host_path = urlsplit(_with_scheme(self.original))
        if host_path.path.rstrip("/").endswith("/tweet-result"):
            return SYNDICATION_KIND
        return STATUS_PAGE_KIND

    @property
    def memento_datetime(self) -> str:
        """The capture's time as the archive stores times (``2021-03-04T05:06:07Z``)."""
        moment = datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        return moment.isoformat().replace("+00:00", "Z")

    def replay_url(self, wayback_url: str) -> str:
        """The raw (``id_``) replay of this capture: the bytes as captured, unrewritten."""
        return f"{wayback_url.rstrip('/')}/web/{self.timestamp}id_/{self.original}"


def _with_scheme(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def cdx_queries(wayback_url: str, post_id: str, handle: str | None) -> list[str]:
    """The CDX query URLs for one post: its syndication JSON (a prefix query, since the
    captured URLs carry a token and a language after the ID) and its status pages on
    twitter.com and x.com (under the handle when known, else the ``i/web`` form)."""
    canonical = canonical_id(post_id)
    if not canonical:
        raise ValueError(f"not a status ID: {post_id!r}")
    post_id = canonical
    base = f"{wayback_url.rstrip('/')}/cdx/search/cdx"
    path = f"{handle}/status/{post_id}" if handle else f"i/web/status/{post_id}"
    targets = [(f"{SYNDICATION_ORIGINAL}?id={post_id}", "prefix")]
    targets += [(f"{host}/{path}", "exact") for host in STATUS_HOSTS]
    return [
        f"{base}?{urlencode({'url': url, 'matchType': match, 'output': 'json'})}"
        for url, match in targets
    ]


def parse_cdx(http_status: int, content_type: str | None, body: bytes) -> list[Capture]:
    """The captures of a CDX ``output=json`` answer; ``CdxError`` for anything else.

    An empty body or ``[]`` means no capture. The header row names the columns, so their
    order is not assumed. A row whose time or URL is malformed is passed over."""
    if http_status != 200:
        raise CdxError(f"CDX query failed: HTTP {http_status}")
    if not body.strip():
        return []
    try:
        rows = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        kind = (content_type or "no content type").split(";")[0]
        raise CdxError(f"CDX answer is not JSON ({kind}, {len(body)} bytes)") from None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise CdxError("CDX answer is not a list of rows")
    if not rows:
        return []
    header = rows[0]
    missing = [name for name in CDX_FIELDS if name not in header]
    if missing:
        raise CdxError(f"CDX header lacks {', '.join(missing)}")
    where = [header.index(name) for name in CDX_FIELDS]
    captures = []
    for row in rows[1:]:
        if len(row) != len(header) or not all(isinstance(v, str) for v in row):
            raise CdxError("CDX row does not match its header")
        capture = Capture(*(row[i] for i in where))
        if _is_time(capture.timestamp) and url_problem(_with_scheme(capture.original)) is None:
            captures.append(capture)
    return captures


def _is_time(timestamp: str) -> bool:
    """A CDX time: 14 digits that name a real moment (not month 13)."""
    try:
        datetime.strptime(timestamp, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return len(timestamp) == 14 and timestamp.isdigit()


def capture_listing(captures: list[Capture], wayback_url: str) -> str:
    """The captures as kept in ``wayback_lookups.captures``: JSON, each with its raw replay
    URL and its time, so a TimeMap needs no configuration to list them."""
    return json.dumps(
        [
            {
                **c._asdict(),
                "replay_url": c.replay_url(wayback_url),
                "memento_datetime": c.memento_datetime,
            }
            for c in captures
        ],
        sort_keys=True,
    )


def captures_of_post(captures: list[Capture], post_id: str) -> list[Capture]:
    """The captures that are of this post: the syndication JSON for exactly this ID (a
    prefix query also returns longer IDs) and status pages whose URL names this ID."""
    kept = []
    for capture in captures:
        if capture.kind == SYNDICATION_KIND:
            query = parse_qs(urlsplit(_with_scheme(capture.original)).query)
            if query.get("id") == [post_id]:
                kept.append(capture)
        else:
            found = find_status(_with_scheme(capture.original))
            if found and found[0] == post_id:
                kept.append(capture)
    return kept


def rank_captures(captures: list[Capture]) -> list[Capture]:
    """Usable captures, best first: HTTP 200 only; the syndication JSON before status pages
    (it carries the full text and media); the oldest first (nearest to what an article
    embedded, and before any tombstone); one capture per distinct payload digest."""
    usable = [c for c in captures if c.statuscode == "200"]
    usable.sort(key=lambda c: (c.kind != SYNDICATION_KIND, c.timestamp, c.original))
    seen: set[str] = set()
    ranked = []
    for capture in usable:
        if capture.digest and capture.digest in seen:
            continue
        seen.add(capture.digest)
        ranked.append(capture)
    return ranked


def parse_capture(
    capture: Capture, post_id: str, http_status: int, content_type: str | None, body: bytes
) -> ProviderResult:
    """A replayed capture through the parser of its kind, relabelled as a ``wayback`` answer.

    Its status says what the capture showed (``live`` when it holds the post); it is never
    a verdict on the post today, so it is never conclusive."""
    if capture.kind == SYNDICATION_KIND:
        result = parse_syndication(http_status, content_type, body)
    else:
        result = parse_status_page(http_status, content_type, body)
    result.provider = WAYBACK
    if result.error:
        result.error = f"{WAYBACK}: {result.error.split(': ', 1)[-1]}"
    if result.post_id and result.post_id != post_id:
        result.status, result.error = (
            "unavailable",
            f"{WAYBACK}: the capture is of post {result.post_id}, not {post_id}",
        )
    result.conclusive = False
    return result


def holds_post(result: ProviderResult) -> bool:
    """True when a parsed capture shows the post itself (not a tombstone or a shell page)."""
    return result.status == LIVE and result.has_content
