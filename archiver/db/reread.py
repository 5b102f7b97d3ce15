"""What older snapshots lack, read again from each one's stored payload (migrations
m014-m016, m018-m020, m028 and m029): the payload is the answer X sent, and parsing it
again with the parser that writes new snapshots gives the values a check would store today.
Only what is missing is written (columns, and the empty fields of media items with the
content hash they give); the payload and everything else stay as they were.

A new snapshot is written only when a post's content changes, so without this an older row
would keep its missing value for good (``partial``), or until the post's next check
(``edit_ids``, ``newer_version_id``, added by m012).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..snapshot.result import ProviderResult

BATCH = 500  # rows read and parsed per query: the payloads are read only this many at a time

# Syndication snapshots without their versions whose answer lists some: an answer without
# ``edit_tweet_ids`` (a tombstone, an old post) gives none, so is not parsed.
_WITHOUT_EDITS = (
    "provider = 'syndication' and edit_ids is null and instr(payload, 'edit_tweet_ids') > 0"
)
# Whose payload is syndication's answer: a check's, or an earlier capture of one.
_SYNDICATION = (
    "(provider = 'syndication'"
    " or (provider = 'wayback' and instr(request_url, 'tweet-result') > 0))"
)
# Whose payload is either provider's answer.
_EITHER = f"(provider = 'oembed' or {_SYNDICATION})"
# Not marked partial, whose answer may show part of a post: a long post (syndication's
# ``note_tweet``, oEmbed's text ending in "…", raw or escaped in the JSON) or an X Article.
_MAYBE_PARTIAL = (
    f"partial = 0 and {_EITHER}"
    " and (instr(payload, 'note_tweet') > 0 or instr(payload, '\"article\"') > 0"
    " or instr(payload, '\u2026') > 0 or instr(payload, '\\u2026') > 0)"
)
# Media written before every item said its ``content_type``.
_MEDIA_WITHOUT_TYPE = (
    f"{_SYNDICATION} and media is not null and media != '[]'"
    " and instr(media, '\"content_type\"') = 0"
)
# Whose answer may name a quoted post or a parent (each oEmbed one: its quoted post is a
# status link in its text, and every blockquote links its own status; syndication's by
# ``quoted_tweet``, or ``quoted_status_id_str`` / ``quoted_status_permalink`` beside a
# quoted post shown as a tombstone, or GraphQL's ``quoted_status_result``).
_MAYBE_QUOTING = (
    f"quoted_id is null and parent_id is null and {_EITHER}"
    " and (instr(payload, 'quoted_tweet') > 0 or instr(payload, 'quoted_status') > 0"
    " or instr(payload, '\"parent\"') > 0"
    " or instr(payload, 'in_reply_to_status_id_str') > 0 or provider = 'oembed')"
)
_WITH_CARD = f"card is null and {_SYNDICATION} and instr(payload, '\"card\"') > 0"
# Cards stored with what every card has only (``name``, ``url``): read before their kind
# (a ``unified_card``, a live video's) was, they may say more read again.
_BARE_CARD = (
    f"card is not null and {_SYNDICATION} and json_valid(card)"
    " and not exists (select 1 from json_each(card) where key not in ('name', 'url'))"
)
# Whose answer may show a flag beside the post or on its media (``snapshot/labels.py``):
# a post marked sensitive (the JSON written with or without a space), a community note, a
# media warning, media X says are not available.
_MAYBE_FLAGGED = (
    f"labels is null and {_SYNDICATION} and (instr(payload, 'birdwatch_pivot') > 0"
    " or instr(payload, '\"possibly_sensitive\":true') > 0"
    " or instr(payload, '\"possibly_sensitive\": true') > 0"
    " or instr(payload, 'sensitive_media_warning') > 0"
    " or instr(lower(payload), 'unavailable') > 0)"
)
_WITH_LINKS = f"links is null and {_EITHER} and instr(payload, 't.co') > 0"


def backfill_edits(conn: sqlite3.Connection) -> int:
    """Set ``edit_ids`` and ``newer_version_id`` of the syndication snapshots that lack them;
    return how many rows got them. Idempotent."""
    updates = []
    for snapshot_id, answer, _ in _reparsed(conn, _WITHOUT_EDITS):
        values = answer.snapshot_fields()
        if values["edit_ids"] is not None:
            updates.append((values["edit_ids"], values["newer_version_id"], snapshot_id))
    conn.executemany(
        "update snapshots set edit_ids = ?, newer_version_id = ? where id = ?", updates
    )
    return len(updates)


def backfill_partial(conn: sqlite3.Connection) -> int:
    """Set ``partial`` of the snapshots whose payload holds only part of the post (stored
    before long posts, or oEmbed's cut of one, were recognised); return how many. Idempotent."""
    ids = [
        (snapshot_id,)
        for snapshot_id, answer, _ in _reparsed(conn, _MAYBE_PARTIAL)
        if answer.partial
    ]
    conn.executemany("update snapshots set partial = 1 where id = ?", ids)
    return len(ids)


def backfill_media(conn: sqlite3.Connection) -> int:
    """Fill what the media items of older syndication snapshots lack (written before every
    item said its ``content_type``, or before an answer without ``mediaDetails`` gave the
    photos' alt text and t.co link), and make their ``content_sha256`` the one a check of
    the same answer computes today; return how many rows changed. Idempotent.

    Only keys missing or empty are filled, only when the answer read again lists the same
    media (same count, same URLs where one was stored); the payload, text and every other
    column stay as they were."""
    from ..snapshot import content_sha256

    updates = []
    for snapshot_id, answer, (stored, text, author, handle) in _reparsed(
        conn, _MEDIA_WITHOUT_TYPE, ("media", "text", "author_name", "handle")
    ):
        media = _filled_media(stored, answer.media)
        if media is None:
            continue
        answer.text, answer.author_name, answer.handle, answer.media = text, author, handle, media
        as_json = json.dumps(media, ensure_ascii=False, sort_keys=True)
        updates.append((as_json, content_sha256(answer), snapshot_id))
    conn.executemany("update snapshots set media = ?, content_sha256 = ? where id = ?", updates)
    return len(updates)


def rehash_leading_mentions(conn: sqlite3.Connection) -> int:
    """Make the ``content_sha256`` of the snapshots whose text opens with an @mention the one
    a check computes today (a reply's leading mentions are no longer hashed: oEmbed shows
    them, syndication does not), from the row's own text, author, handle and media; return
    how many rows changed. Idempotent. Without it, the next check of each such post wrote
    a snapshot for a change X never made."""
    from ..snapshot import ProviderResult, content_sha256

    rows = conn.execute(
        "select id, text, author_name, handle, media, content_sha256 from snapshots"
        " where text like '@%'"
    ).fetchall()
    updates = []
    for snapshot_id, text, author, handle, media, stored in rows:
        try:
            items = [item for item in json.loads(media or "[]") if isinstance(item, dict)]
        except (ValueError, TypeError):
            continue
        shown = ProviderResult("", None, "", "", False, text=text, media=items)
        shown.author_name, shown.handle = author, handle
        today = content_sha256(shown)
        if today != stored:
            updates.append((today, snapshot_id))
    conn.executemany("update snapshots set content_sha256 = ? where id = ?", updates)
    return len(updates)


def backfill_quoted_and_parent(conn: sqlite3.Connection) -> int:
    """Set ``quoted_id`` and ``parent_id`` of the snapshots stored before m018 whose answer
    names either; return how many rows got them. Idempotent."""
    updates = [
        (answer.quoted_id, answer.parent_id, snapshot_id)
        for snapshot_id, answer, _ in _reparsed(conn, _MAYBE_QUOTING)
        if answer.quoted_id or answer.parent_id
    ]
    conn.executemany("update snapshots set quoted_id = ?, parent_id = ? where id = ?", updates)
    return len(updates)


def backfill_cards(conn: sqlite3.Connection) -> int:
    """Set ``card`` of the syndication snapshots stored before m019 whose answer holds one;
    return how many rows got it. Idempotent."""
    return _backfill_column(conn, "card", _WITH_CARD)


def reread_bare_cards(conn: sqlite3.Connection) -> int:
    """Set ``card`` of the syndication snapshots whose card keeps only its name and url to
    what their answer read again shows, when it shows more; return how many. Idempotent."""
    updates = []
    for snapshot_id, answer, _ in _reparsed(conn, _BARE_CARD):
        card = answer.card or {}
        if set(card) - {"name", "url"}:
            updates.append((answer.snapshot_fields()["card"], snapshot_id))
    conn.executemany("update snapshots set card = ? where id = ?", updates)
    return len(updates)


def backfill_labels(conn: sqlite3.Connection) -> int:
    """Set ``labels`` of the syndication snapshots whose answer shows a flag beside the post,
    and fill their media items' flags (only keys missing; the content hash does not cover
    them); return how many rows changed. Idempotent."""
    updates = []
    for snapshot_id, answer, (stored,) in _reparsed(conn, _MAYBE_FLAGGED, ("media",)):
        media = _filled_media(stored, answer.media)
        labels = answer.snapshot_fields()["labels"]
        if labels is not None or media is not None:
            as_json = json.dumps(media, ensure_ascii=False, sort_keys=True) if media else stored
            updates.append((labels, as_json, snapshot_id))
    conn.executemany("update snapshots set labels = ?, media = ? where id = ?", updates)
    return len(updates)


def backfill_links(conn: sqlite3.Connection) -> int:
    """Set ``links`` of the snapshots stored before m020 whose text shows a t.co link;
    return how many rows got them. Idempotent."""
    return _backfill_column(conn, "links", _WITH_LINKS)


def _backfill_column(conn: sqlite3.Connection, column: str, where: str) -> int:
    """Set ``column`` of the snapshots matching ``where`` to what a check of the same answer
    stores (``snapshot_fields``), when it is not empty; return how many rows got it."""
    updates = []
    for snapshot_id, answer, _ in _reparsed(conn, where):
        value = answer.snapshot_fields()[column]
        if value is not None:
            updates.append((value, snapshot_id))
    conn.executemany(f'update snapshots set "{column}" = ? where id = ?', updates)
    return len(updates)


def _filled_media(stored: str | None, reread: list[dict]) -> list[dict] | None:
    """The stored items with their missing or null keys taken from ``reread`` (a value
    stored, even an empty one, is kept); None when the two lists do not describe the same
    media, or nothing would be filled."""
    try:
        items = json.loads(stored or "[]")
    except ValueError:
        return None
    if not isinstance(items, list) or len(items) != len(reread) or not items:
        return None
    filled = []
    for old, new in zip(items, reread, strict=True):
        if not isinstance(old, dict) or old.get("url") not in (None, new.get("url")):
            return None
        filled.append({**new, **{k: v for k, v in old.items() if v is not None}})
    return filled if filled != items else None


def _reparsed(
    conn: sqlite3.Connection, where: str, extra: tuple[str, ...] = ()
) -> Iterator[tuple[int, ProviderResult, tuple]]:
    """(snapshot id, its payload parsed again, the ``extra`` columns) of each snapshot
    matching ``where``, by syndication's parser or oEmbed's (a Wayback capture of
    syndication's answer: the first)."""
    from ..snapshot import OEMBED, parse_oembed, parse_syndication

    columns = "".join(f", {column}" for column in extra)
    query = (
        f"select id, provider, http_status, payload{columns} from snapshots where id > ?"
        f" and payload is not null and ({where}) order by id limit ?"
    )
    last = 0
    while True:
        rows = conn.execute(query, (last, BATCH)).fetchall()
        for snapshot_id, provider, http_status, payload, *values in rows:
            parse = parse_oembed if provider == OEMBED else parse_syndication
            body = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
            yield snapshot_id, parse(http_status or 200, "application/json", body), tuple(values)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]
