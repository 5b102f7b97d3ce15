"""The values that flow through the pipeline: plain, immutable dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from .normalize import fingerprint
from .urls import canonical_url

#: How an embed was found. ``link`` is a status link in running text: not an embed, only
#: reported with ``--include-links``.
METHODS = ("blockquote", "iframe", "amp", "wordpress", "placeholder", "card", "text", "link")


@dataclass(frozen=True, slots=True)
class Embed:
    """One sighting of a post in an article, as the article showed it."""

    position: int
    method: str
    status_id: str | None
    handle: str | None = None
    author: str | None = None
    text: str | None = None
    date: str | None = None
    raw: str = ""
    media: tuple[str, ...] = field(default=())

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


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What a page says about itself (all optional)."""

    title: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    published_at: str | None = None
