"""Rows that point at evidence: ``records`` (where a WARC record lies) and the questions
``archive verify`` and ``archive export`` ask of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ..models import WarcRecordRef
from .records import record_row

RECORD_COLUMNS = (
    "warc_file, warc_offset, warc_length, record_id, record_type, target_uri, date,"
    " http_status, content_type, payload_sha256"
)


def article_had_embeds(conn: sqlite3.Connection, url: str) -> bool:
    """True when an article at ``url`` ever showed an embed (its pages are all kept)."""
    row = conn.execute(
        "select 1 from embeds join articles on articles.id = embeds.article_id"
        " where articles.url = ? and embeds.method != 'link' limit 1",
        (url,),
    ).fetchone()
    return row is not None


def located_embeds(conn: sqlite3.Connection, url: str) -> set[tuple[str, int]]:
    """(``post_id``, ``occurrence``) of the embeds of the article at ``url`` that already
    point at the record their bytes were located in (a later sighting keeps that pointer)."""
    return set(
        conn.execute(
            "select post_id, occurrence from embeds"
            " join articles on articles.id = embeds.article_id"
            " where articles.url = ? and embeds.record_id is not null",
            (url,),
        )
    )


def latest_payload(conn: sqlite3.Connection, target_uri: str) -> WarcRecordRef | None:
    """The newest record holding a payload for ``target_uri`` (what a revisit refers to)."""
    row = conn.execute(
        f"select {RECORD_COLUMNS} from records where target_uri = ?"
        " and record_type in ('response', 'resource') order by id desc limit 1",
        (target_uri,),
    ).fetchone()
    return WarcRecordRef(*row) if row else None


class StoredPointer(NamedTuple):
    """A ``records`` row with its id."""

    id: int
    record: WarcRecordRef


def all_records(conn: sqlite3.Connection) -> Iterator[StoredPointer]:
    for row in conn.execute(f"select id, {RECORD_COLUMNS} from records order by id"):
        yield StoredPointer(int(row[0]), WarcRecordRef(*row[1:]))


def embed_ranges(conn: sqlite3.Connection) -> Iterator[tuple[int, int, int, int, str]]:
    """(embed id, record id, raw_start, raw_end, raw_sha256) of every located embed."""
    yield from conn.execute(
        "select id, record_id, raw_start, raw_end, raw_sha256 from embeds"
        " where record_id is not null and raw_start is not null order by id"
    )


def payload_hashes(conn: sqlite3.Connection) -> Iterator[tuple[str, int, int, str]]:
    """(table, row id, record id, SHA-256 the row claims for the record's payload) of every
    snapshot and kept media file with its record."""
    yield from conn.execute(
        "select 'snapshots', id, record_id, payload_sha256 from snapshots"
        " where record_id is not null"
        " union all select 'media', id, record_id, sha256 from media"
        " where record_id is not null and error is null order by 1, 2"
    )


def damaged_pages(conn: sqlite3.Connection, most: int = 20) -> list[str]:
    """What SQLite's own check (``pragma quick_check``: every page of every table and
    index, without matching indexes to their tables) finds wrong with the archive's file,
    at most ``most`` lines; none when it is sound."""
    found = [str(row[0]) for row in conn.execute(f"pragma quick_check({int(most)})")]
    return [] if found == ["ok"] else found


def dangling_pointers(conn: sqlite3.Connection) -> int:
    """Rows whose ``record_id`` names no ``records`` row."""
    total = 0
    for table in ("scans", "checks", "snapshots", "embeds", "media"):
        total += conn.execute(
            f"select count(*) from {table} where record_id is not null"
            " and record_id not in (select id from records)"
        ).fetchone()[0]
    return int(total)


def record_by_warc_id(conn: sqlite3.Connection, warc_record_id: str) -> StoredPointer | None:
    row = conn.execute(
        f"select id, {RECORD_COLUMNS} from records where record_id = ? limit 1",
        (warc_record_id,),
    ).fetchone()
    return StoredPointer(int(row[0]), WarcRecordRef(*row[1:])) if row else None


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


# A record's date as a timestamp (``clock.as_timestamp``): a crawl's record dated by its day
# alone (``2024-03-02``) from that day's start, which ``--since 2024-03-02`` takes in.
CAPTURE_TIME = "(case when length(date) = 10 then date || 'T00:00:00Z' else date end)"


def records_for_export(
    conn: sqlite3.Connection,
    posts: Sequence[str],
    articles: Sequence[str],
    since: str | None,
) -> list[StoredPointer]:
    """The records of the chosen posts (their checks, snapshots, media, every scan of
    every article that embedded them, and the records their embeds were read from: a frame
    file of a page saved complete) and articles (every scan, and their embeds' records),
    captured from ``since`` on; all records when neither posts nor articles are chosen."""
    parts: list[str] = []
    params: list[object] = []
    if posts:
        m = _marks(posts)
        parts += [
            f"select record_id from snapshots where post_id in ({m})",
            f"select record_id from checks where post_id in ({m})",
            f"select record_id from media where post_id in ({m})",
            "select scans.record_id from scans where scans.article_id in"
            f" (select article_id from embeds where post_id in ({m}))",
            f"select record_id from embeds where post_id in ({m})",
        ]
        params += list(posts) * 5
    if articles:
        articles = with_identities(articles)
        m = _marks(articles)
        chosen_articles = (
            f"select id from articles where articles.url in ({m}) or articles.final_url in ({m})"
        )
        parts += [
            f"select record_id from scans where article_id in ({chosen_articles})",
            f"select record_id from embeds where article_id in ({chosen_articles})",
        ]
        params += list(articles) * 4
    chosen = f"id in ({' union '.join(parts)})" if parts else "1"
    after = f" and {CAPTURE_TIME} >= ?" if since else ""
    query = f"select id, {RECORD_COLUMNS} from records where {chosen}{after} order by id"
    return [
        StoredPointer(int(row[0]), WarcRecordRef(*row[1:]))
        for row in conn.execute(query, [*params, *([since] if since else [])])
    ]


def with_identities(articles: Sequence[str]) -> list[str]:
    """The addresses as given, and each web address as the article it names
    (``article_url``): ``?ref=rss``, a fragment or ``HTTPS://`` find the article's row, as
    a scan of that address would (an archive upgraded by m021 holds the identity)."""
    from ..urls import WEB_URL_RE, article_url

    named = [article_url(a) for a in articles if WEB_URL_RE.match(a.strip())]
    return list(dict.fromkeys([*articles, *named]))


class ExportPage(NamedTuple):
    """One page of a WACZ export: an article capture or a post's snapshot."""

    record_id: int
    url: str
    date: str | None  # None when a damaged row's date is not text
    title: str | None
    post_url: str | None = None


def export_pages(conn: sqlite3.Connection, record_ids: Sequence[int]) -> list[ExportPage]:
    """The pages of an export: each article capture (with its title) and each post's
    snapshot reply (with the post's URL), in capture order. A page's extracted text (a WET
    file's ``conversion`` record, a Browsertrix ``urn:text:`` resource) is exported as a
    record but is no page: replay tools have nothing to show for it."""
    pages: list[ExportPage] = []
    for start in range(0, len(record_ids), 400):
        chunk = list(record_ids[start : start + 400])
        m = _marks(chunk)
        pages += [
            _export_page(*row)
            for row in conn.execute(
                "select records.id, records.target_uri, records.date, articles.title, null"
                " from scans join articles on articles.id = scans.article_id"
                f" join records on records.id = scans.record_id where records.id in ({m})"
                " and records.record_type is not 'conversion'"
                " and records.target_uri not like 'urn:text%'"
                " union select records.id, records.target_uri, records.date,"
                " 'post ' || posts.id, posts.url from snapshots"
                " join posts on posts.id = snapshots.post_id"
                f" join records on records.id = snapshots.record_id where records.id in ({m})",
                chunk * 2,
            )
        ]
    # An unknown date sorts last.
    return sorted(pages, key=lambda page: (page.date is None, page.date or "", page.record_id))


def _export_page(record_id: int, url: str, date: object, *rest: str | None) -> ExportPage:
    return ExportPage(record_id, url, date if isinstance(date, str) else None, *rest)


class MediaItem(NamedTuple):
    """One photo, GIF or video a snapshot lists."""

    post_id: str
    kind: str  # photo | gif | video
    url: str


def latest_media(conn: sqlite3.Connection, post_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(post id, media JSON, provider) of the latest snapshot of each live post among
    ``post_ids`` that lists media."""
    found: list[tuple[str, str, str]] = []
    for start in range(0, len(post_ids), 400):
        chunk = list(post_ids[start : start + 400])
        found += conn.execute(
            "select snapshots.post_id, snapshots.media, snapshots.provider from snapshots"
            " join posts on posts.id = snapshots.post_id"
            f" where posts.id in ({_marks(chunk)}) and posts.status = 'live'"
            " and snapshots.id = (select max(id) from snapshots s where s.post_id = posts.id"
            " and s.provider is not 'wayback')"
            " and snapshots.media not in ('', '[]')",
            chunk,
        ).fetchall()
    return found


def fetched_media(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(post id, URL) of every media fetch made, kept or failed."""
    return {(post_id, url) for post_id, url in conn.execute("select post_id, url from media")}


def save_media(
    conn: sqlite3.Connection,
    item: MediaItem,
    *,
    fetched_at: str,
    record: WarcRecordRef | None = None,
    sha256: str | None = None,
    size: int | None = None,
    content_type: str | None = None,
    error: str | None = None,
) -> None:
    """The ``media`` row of one fetch (its record's row first); a URL is fetched once."""
    record_id = record_row(conn, record)[0] if record is not None else None
    conn.execute(
        "insert into media (post_id, kind, url, record_id, sha256, bytes, content_type,"
        " fetched_at, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict(post_id, url) do nothing",
        (
            item.post_id,
            item.kind,
            item.url,
            record_id,
            sha256,
            size,
            content_type,
            fetched_at,
            error,
        ),
    )


def unknown_posts(conn: sqlite3.Connection, post_ids: Sequence[str]) -> list[str]:
    """The IDs among ``post_ids`` that name no post of the archive, in their order."""
    query = "select 1 from posts where id = ?"
    return [post_id for post_id in post_ids if conn.execute(query, (post_id,)).fetchone() is None]


def unknown_articles(conn: sqlite3.Connection, addresses: Sequence[str]) -> list[str]:
    """The addresses among ``addresses`` that name no article of the archive (as stored, as
    fetched, or by the identity a scan of them is saved under), in their order."""
    query = "select 1 from articles where url = ? or final_url = ?"

    def known(address: str) -> bool:
        names = with_identities([address])
        return any(conn.execute(query, (name, name)).fetchone() for name in names)

    return [address for address in addresses if not known(address)]
