"""What one provider said about one post: ``ProviderResult``, and its content fingerprint."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..normalize import clean_text
from ..urls import snowflake_time

# Post statuses a check can produce (DESIGN.md; ``pending`` and ``text_only`` are set by the
# store, never by a provider).
LIVE = "live"
DELETED = "deleted"
REMOVED = "removed"  # removed by X for breaking its rules
PROTECTED = "protected"
SUSPENDED = "suspended"
UNAVAILABLE = "unavailable"
STATUSES = (LIVE, DELETED, REMOVED, PROTECTED, SUSPENDED, UNAVAILABLE)
# Proven gone: past the end of the recheck ladder these are checked rarely.
GONE = (DELETED, REMOVED, SUSPENDED, PROTECTED)

# ``ProviderResult.outcome``: the raw shape of the answer, finer than the status.
OK = "ok"  # a post with its author
TOMBSTONE = "tombstone"  # syndication TweetTombstone / TweetUnavailable (T1, T2, T3)
EMPTY = "empty"  # syndication 200 ``{}`` (T4)
NOT_FOUND = "not_found"  # HTTP 404 (T5, oEmbed 404)
NO_USER = "no_user"  # syndication post without ``user`` (T6)
NOT_JSON = "not_json"  # HTML or other non-JSON body (T7)
API_ERROR = "api_error"  # JSON ``{"error": ...}`` (T8)
INVALID_JSON = "invalid_json"  # empty, truncated or malformed JSON
WRONG_SHAPE = "wrong_shape"  # JSON, but not the expected object
FORBIDDEN = "forbidden"  # oEmbed 403
RATE_LIMITED = "rate_limited"  # HTTP 429
SERVER_ERROR = "server_error"  # HTTP 5xx
HTTP_ERROR = "http_error"  # any other HTTP status
NETWORK_ERROR = "network_error"  # no HTTP answer at all (connect error, timeout)

# ``ProviderResult.reason``: why a post is not live, when the provider said so.
REASONS = (
    "post_deleted",  # tombstone: deleted by its author
    "rules_violation",  # tombstone: X removed it ("This Post violated the X Rules")
    "account_gone",  # the account no longer exists (deactivated or deleted)
    "account_suspended",
    "account_protected",
    "age_restricted",  # sensitive/adult content hidden from logged-out viewers
    "withheld",  # withheld in a country, or "This Post is unavailable."
    "unknown",  # a tombstone without a reason, or with one we do not recognise
    "not_found",  # 404 or ``{}``: proves nothing on its own
)

_TCO = re.compile(r"(?:https?://)?(?:t\.co|pic\.(?:twitter|x)\.com)/([A-Za-z0-9]+)")
# Links at the end of a post's text: syndication hides a quoted post's link that oEmbed shows.
_TRAILING_LINKS = re.compile(r"(?:\s*(?:https?://|pic\.(?:twitter|x)\.com/)\S+)+\s*$")
# @mentions that open a post's text: a reply's, which syndication's display range hides and
# oEmbed's blockquote shows (``<a href="https://twitter.com/NAME">@NAME</a> text``).
LEADING_MENTIONS = re.compile(r"^(?:@[A-Za-z0-9_]{1,15}(?:\s+|$))+")


@dataclass(slots=True)
class ProviderResult:
    """One provider's answer for one post, parsed. ``status`` is one of ``STATUSES``.

    ``conclusive`` answers decide the post's status on their own (``decide_status``); the
    others (``status`` is then always ``unavailable``) only keep the evidence. ``absent``
    marks answers that say "not there" without proof (404, ``{}``, no ``user``): they count
    toward the two-check rule. ``retryable`` marks 429/5xx/network failures worth retrying
    within the same check. ``notice`` is what X said (tombstone text, 403 error text);
    ``error`` explains an inconclusive outcome in one line. ``payload`` is the raw body.
    ``text`` is what X displays, verbatim (``display.py``); ``partial`` marks a snapshot that
    holds only part of the post (an X Article: its title, preview text and cover image; a
    long post, ``truncated``: the first ~275 characters of its text, as syndication says by
    ``note_tweet``, or as oEmbed's text ending in "…" near 280 suggests: ``looks_cut_long``).
    """

    provider: str
    http_status: int | None
    outcome: str
    status: str
    conclusive: bool
    reason: str | None = None
    absent: bool = False
    retryable: bool = False
    error: str | None = None
    notice: str | None = None
    post_id: str | None = None
    author_name: str | None = None
    handle: str | None = None
    text: str | None = None
    created_at: str | None = None
    media: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    quoted_id: str | None = None
    parent_id: str | None = None
    card: dict | None = None
    labels: dict | None = None
    edited: bool | None = None
    edit_ids: list[str] = field(default_factory=list)
    truncated: bool = False
    partial: bool = False
    payload: bytes = field(default=b"", repr=False)
    # The HTTP exchange as a WARC keeps it, until it is written; then where it was written.
    capture: Any = field(default=None, repr=False, compare=False)
    evidence: Any = field(default=None, repr=False, compare=False)

    @property
    def newer_version_id(self) -> str | None:
        """The ID of the post's newest version when X lists one after this post's own: the
        post was edited, and X still serves the version its ID names (``isStaleEdit``)."""
        if not self.post_id or self.post_id not in self.edit_ids[:-1]:
            return None  # not edited since, or a list that does not hold this version
        return self.edit_ids[-1]

    def shows_part_of(self, text: str | None, content_sha: str | None) -> bool:
        """True when this answer is a long post cut short (``truncated``) whose text is the
        start of ``text``, a snapshot's, and whose content is otherwise that snapshot's
        (``content_sha``): it shows less of the same post, so it is no change. Each
        provider cuts elsewhere (syndication near 275, oEmbed near 280, X's GraphQL form
        not at all), so comparing hashes made each switch of provider a change."""
        if not content_sha or not self.is_cut_of(text):
            return False
        return content_sha256(replace(self, text=text)) == content_sha

    def is_cut_of(self, text: str | None) -> bool:
        """True when this answer is a long post cut short whose text is the start of
        ``text`` (compared as the content hash compares texts)."""
        if not self.truncated or not text:
            return False
        shown, whole = _comparable(self.text).rstrip("\u2026").rstrip(), _comparable(text)
        return bool(shown) and whole.rstrip("\u2026").startswith(shown)

    @property
    def has_content(self) -> bool:
        """True when the answer carries any post content (text, author, handle or media)."""
        return bool(self.text or self.author_name or self.handle or self.media)

    def snapshot_fields(self) -> dict[str, object]:
        """The provider-derived columns of a ``snapshots`` row (DESIGN.md), media as JSON."""
        return {
            "provider": self.provider,
            "http_status": self.http_status,
            "status": self.status,
            "author_name": self.author_name,
            "handle": self.handle,
            "text": self.text,
            "created_at": self.created_at,
            "media": json.dumps(self.media, ensure_ascii=False, sort_keys=True),
            "partial": self.partial,
            "edit_ids": json.dumps(self.edit_ids) if self.edit_ids else None,
            "newer_version_id": self.newer_version_id,
            "quoted_id": self.quoted_id,
            "parent_id": self.parent_id,
            "card": _as_json(self.card, sort_keys=True),
            "links": _as_json(self.links),
            "labels": _as_json(self.labels, sort_keys=True),
            "payload": self.payload,
            "payload_sha256": hashlib.sha256(self.payload).hexdigest(),
        }


def _as_json(value: object, sort_keys: bool = False) -> str | None:
    """A column's JSON, None for an empty value (the answer showed none)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys) if value else None


def media_key(item: dict) -> str:
    """A provider-independent key for one media item: its t.co code when known, else its URL.

    syndication writes ``https://t.co/CODE``, oEmbed ``pic.twitter.com/CODE``: same CODE.
    """
    for value in (item.get("tco"), item.get("display_url")):
        match = _TCO.fullmatch(value or "")
        if match:
            return "tco:" + match.group(1)
    return "url:" + str(item.get("url") or item.get("preview") or "")


def content_sha256(result: ProviderResult) -> str:
    """sha256 (hex) over what both providers can give: normalised text (without the
    @mentions at its start and the links at its end), author name, handle, and the set of
    media t.co codes.

    Equal for the same post whichever provider answered: oEmbed shows one link for several
    photos (they share one t.co code), and a reply's leading mentions and a quoted post's
    link that syndication hides.
    Insensitive to entity escaping, Unicode composition, zero-width characters, whitespace
    and handle case. Status, counts and timestamps are not content.
    """
    content = {
        "text": _comparable(result.text),
        "author": " ".join(clean_text(result.author_name).split()),
        "handle": (result.handle or "").lower(),
        "media": sorted({media_key(item) for item in result.media}),
    }
    data = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _comparable(text: str | None) -> str:
    """A post's text as the content hash covers it (``content_sha256``)."""
    return LEADING_MENTIONS.sub("", _TRAILING_LINKS.sub("", clean_text(text)))


def post_time(post_id: str | None, provider_time: str | None) -> str | None:
    """When the post was written: the time in its snowflake ID when it has one (to the
    millisecond, UTC; a provider's date never replaces it), else what the provider said."""
    return (snowflake_time(post_id) if post_id else None) or provider_time
