"""The values that flow through the pipeline: immutable records (``NamedTuple``),
and ``ScanRecord``, which a scan fills in as it goes (a data class)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .normalize import fingerprint
from .urls import canonical_url

#: Content types of a stream's playlist (HLS), lower case: a video X offers only as a stream
#: keeps its playlist's URL in a snapshot's media, and is not fetched (it is not the video).
STREAM_TYPES = frozenset({"application/x-mpegurl", "application/vnd.apple.mpegurl"})


class Embed(NamedTuple):
    """One sighting of a post in an article, as the article showed it."""

    position: int
    method: str
    status_id: str | None
    handle: str | None = None
    author: str | None = None
    text: str | None = None
    date: str | None = None
    raw: str = ""
    media: tuple[str, ...] = ()
    # The signature's date as the page shows it, in its own locale ("18. März 2025");
    # ``date`` is the same date as YYYY-MM-DD when it could be read.
    date_text: str | None = None
    # Byte range of ``raw`` in the page's bytes (None when it could not be located exactly).
    raw_start: int | None = None
    raw_end: int | None = None
    raw_sha256: str | None = None  # of those bytes

    @property
    def fingerprint(self) -> str | None:
        """``text:`` + 16 hex chars identifying an ID-less post by author and text."""
        if self.text:
            return fingerprint(self.author, self.text)
        if self.handle:  # a signature whose text the extractor lost: who and when
            return fingerprint(self.author, f"@{self.handle.lower()} {self.date or ''}")
        return None

    @property
    def post_id(self) -> str | None:
        """The post's identity: the status ID, else the text fingerprint."""
        return self.status_id or self.fingerprint

    @property
    def url(self) -> str | None:
        return canonical_url(self.status_id, self.handle) if self.status_id else None

    def as_json(self) -> dict[str, object]:
        """The per-embed shape of ``archive scan --json`` (DESIGN.md)."""
        return {
            "position": self.position,
            "post_id": self.post_id,
            "url": self.url,
            "handle": self.handle,
            "author": self.author,
            "text": self.text,
            "date": self.date,
            "method": self.method,
        }


class PageInfo(NamedTuple):
    """What a page says about itself (all optional)."""

    title: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    published_at: str | None = None


class WarcRecordRef(NamedTuple):
    """Where one WARC record lies (a ``records`` row): ``warc_file`` is relative to the
    archive's ``warc_dir`` for a record the archive wrote, absolute for a crawl's own WARC
    (referenced, never copied). The payload is the HTTP body with its Content-Encoding
    removed (a resource record's bytes as they are; of a page file kept gzip-compressed,
    typed ``application/gzip``, the page it holds)."""

    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str
    record_type: str
    target_uri: str
    date: str
    http_status: int | None
    content_type: str | None
    payload_sha256: str  # a revisit's: that of the payload it stands for


class FrameFile(NamedTuple):
    """A file of a page saved complete (in its ``_files`` folder) whose post gave some of
    the page's embeds their text: kept as a record of its own, which those embeds point at
    (their ``raw`` and byte range are the post's markup in it)."""

    url: str  # its file:// URL
    embeds: tuple[int, ...]  # the indexes of the record's embeds read from it
    content_sha256: str  # of its bytes as read
    # Its bytes as read, made ready for a record in the worker (a ``PreparedPage``), until
    # the record is written.
    capture: Any = None
    record: WarcRecordRef | None = None  # its record, once written


@dataclass
class ScanRecord:
    """Everything one scan of one article produced, ready to be saved."""

    url: str
    started_at: str
    finished_at: str
    source: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    content_sha256: str | None = None
    page: PageInfo = field(default_factory=PageInfo)
    embeds: Sequence[Embed] = ()
    error: str | None = None
    # Set by the worker: this scan was due in the article queue; schedule the next one.
    reschedule: bool = False
    next_scan_at: str | None = None
    # Where the page's bytes are (its ``records`` row): a crawl's WARC record, or the record
    # this scan wrote of a page with embeds.
    record: WarcRecordRef | None = None
    # The page was kept cut short (a crawl's page marked ``WARC-Truncated``, or whose
    # connection dropped): an embed it lacks may be past the cut, and is not read as removed.
    cut: bool = False
    # When ``record`` is a revisit (a page served again unchanged): the record it refers to,
    # which holds the bytes the embeds are located in.
    payload_record: WarcRecordRef | None = None
    # The page as received (an HTTP exchange, or standard input's bytes) until it is kept.
    capture: Any = field(default=None, repr=False, compare=False)
    # Each embed's ``fingerprint``, in order, computed where the page was read (a worker
    # process); None: computed when needed.
    fingerprints: Sequence[str | None] | None = field(default=None, repr=False, compare=False)
    # The frame files of a page saved complete that embeds were read from.
    frames: Sequence[FrameFile] = field(default=(), repr=False, compare=False)

    def identities(self) -> list[tuple[str | None, str | None]]:
        """(``post_id``, ``fingerprint``) of each embed, each fingerprint computed once."""
        prints = self.fingerprints
        if prints is None:
            prints = [embed.fingerprint for embed in self.embeds]
        return [(e.status_id or fp, fp) for e, fp in zip(self.embeds, prints, strict=True)]

    def sightings(self) -> list[tuple[str, int] | None]:
        """Each embed's (``post_id``, ``occurrence``): its nth sighting of that post in the
        page, the key of its ``embeds`` row (None: an embed naming no post)."""
        counts: dict[str, int] = {}
        keys: list[tuple[str, int] | None] = []
        for post_id, _ in self.identities():
            if post_id is None:
                keys.append(None)
                continue
            counts[post_id] = counts.get(post_id, 0) + 1
            keys.append((post_id, counts[post_id]))
        return keys


class DueArticle(NamedTuple):
    """A queued article whose next scan has come."""

    id: int
    url: str
    first_seen_at: str
    scan_count: int
    source: str | None


class PostToCheck(NamedTuple):
    """What a snapshot check needs to know about a post."""

    id: str
    handle: str | None
    status: str
    checks: int
    not_found_checks: int


class CheckRecord(NamedTuple):
    """One check of one post: every provider answer, and the status decided from them."""

    post_id: str
    checked_at: str
    status: str
    conclusive: bool
    absent: bool
    next_check_at: str | None
    answers: Sequence[tuple[Any, str]]  # (ProviderResult, the URL it was asked at)
    content: Any = None  # the answer carrying the post's content, if any
    content_sha256: str | None = None
