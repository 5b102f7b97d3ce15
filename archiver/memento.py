"""Memento TimeMaps (RFC 7089): every known capture of a post, in ``application/link-format``.

A TimeMap lists the original resource (``rel="original"``) and each memento (a capture of
it at a time) with its ``datetime`` in the HTTP date format. The first and last mementos
carry ``first``/``last`` in their relation, as RFC 7089 §5 shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote

from .db.provenance import PostMementos
from .snapshot.wayback import WAYBACK, Capture

LINK_FORMAT = "application/link-format"
DEFAULT_BASE_URL = "http://127.0.0.1:8001"


@dataclass(frozen=True, slots=True)
class Memento:
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


def post_timemap(
    found: PostMementos, base_url: str, database: str, wayback_url: str
) -> list[Memento]:
    """Every memento of a post: our own snapshots (their Datasette pages, at the time we
    fetched them) and the Wayback Machine's captures of its URLs (raw replay URLs, at their
    capture times), whether we kept the capture's bytes or only its CDX listing."""
    mementos = [
        Memento(snapshot_url(base_url, database, snapshot_id), fetched_at, provider)
        for snapshot_id, provider, fetched_at in found.snapshots
    ]
    seen = set()
    for url, when in found.wayback:
        seen.add(url)
        mementos.append(Memento(url, when, WAYBACK))
    for listing in found.captures:
        for item in json.loads(listing):
            capture = Capture(**item)
            url = capture.replay_url(wayback_url)
            if url not in seen:
                seen.add(url)
                mementos.append(Memento(url, capture.memento_datetime, WAYBACK))
    return mementos
