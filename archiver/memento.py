"""Memento TimeMaps (RFC 7089): every known capture of a post, in ``application/link-format``.

A TimeMap lists the original resource (``rel="original"``) and each memento (a capture of
it at a time) with its ``datetime`` in the HTTP date format. The first and last mementos
carry ``first``/``last`` in their relation, as RFC 7089 §5 shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import NamedTuple
from urllib.parse import quote

from .db.provenance import PostMementos, post_mementos
from .errors import ArchiverError

LINK_FORMAT = "application/link-format"
DEFAULT_BASE_URL = "http://127.0.0.1:8001"


class Memento(NamedTuple):
    """One capture: where to see it and when it was captured (an ISO-8601 UTC time)."""

    url: str
    datetime: str
    source: str = ""  # who holds it: "wayback", or "archive" for our own snapshots


def http_date(iso_time: str) -> str:
    """``2021-03-04T05:06:07Z`` → ``Thu, 04 Mar 2021 05:06:07 GMT`` (RFC 7089 §2.1.1)."""
    moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _link_target(url: str) -> str:
    """A URL safe inside ``<…>``: characters that would end or break the link escaped."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def format_timemap(original: str, mementos: Iterable[Memento], self_url: str | None = None) -> str:
    """The TimeMap body: the original, optionally the TimeMap itself, then the mementos
    oldest first, one link per line."""
    ordered = sorted(mementos, key=lambda m: (_sort_time(m.datetime), m.url))
    links = [f'<{_link_target(original)}>; rel="original"']
    if self_url:
        self_link = f'<{_link_target(self_url)}>; rel="self"; type="{LINK_FORMAT}"'
        if ordered:
            first, last = http_date(ordered[0].datetime), http_date(ordered[-1].datetime)
            self_link += f'; from="{first}"; until="{last}"'
        links.append(self_link)
    for index, memento in enumerate(ordered):
        rel = ["first"] if index == 0 else []
        rel += ["last"] if index == len(ordered) - 1 else []
        relation = " ".join([*rel, "memento"])
        links.append(
            f'<{_link_target(memento.url)}>; rel="{relation}"; '
            f'datetime="{http_date(memento.datetime)}"'
        )
    return ",\n".join(links) + "\n"


def _sort_time(iso_time: str) -> datetime:
    moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def snapshot_url(base_url: str, database: str, snapshot_id: int) -> str:
    """The Datasette page of one of our snapshots (``{base}/{database}/snapshots/{id}``)."""
    return f"{base_url.rstrip('/')}/{quote(database)}/snapshots/{snapshot_id}"


def post_timemap(found: PostMementos, base_url: str, database: str) -> list[Memento]:
    """Every memento of a post: our own snapshots (their Datasette pages, at the time we
    fetched them) and the Wayback Machine's captures of its URLs (raw replay URLs, at their
    capture times), whether we kept a capture's bytes or only its CDX listing."""
    mementos = []
    for when, source, snapshot_id, url in found.rows:
        if snapshot_id is not None:
            url = snapshot_url(base_url, database, snapshot_id)
        if url and _is_time(when):  # a damaged row's time cannot be listed
            mementos.append(Memento(url, when, source))
    return mementos


def _is_time(value: str) -> bool:
    """An ISO-8601 time (a damaged row may hold anything, NULL included)."""
    try:
        _sort_time(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def timemap_url(base_url: str, database: str, post_id: str) -> str:
    """Where Datasette serves a post's TimeMap (the plugin's ``/-/timemap`` route)."""
    return f"{base_url.rstrip('/')}/-/timemap/{quote(database)}/{quote(post_id, safe='')}"


def post_timemap_text(conn, post_id: str, base_url: str, database: str) -> str | None:
    """The TimeMap of a post in the archive ``conn`` has open (served by Datasette at
    ``base_url`` under ``database``); None when there is no such post.

    Raises ``ArchiverError`` for a post known only from text: it has no URL to map."""
    found = post_mementos(conn, post_id)
    if found is None:
        return None
    if not found.post_url:
        raise ArchiverError(f"{post_id}: known only from text (no URL), so no TimeMap")
    mementos = post_timemap(found, base_url, database)
    return format_timemap(found.post_url, mementos, timemap_url(base_url, database, post_id))
