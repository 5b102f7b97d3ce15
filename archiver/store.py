"""The SQLite archive: schema, migrations and every write (the only module that writes SQL).

One file, WAL mode, a busy timeout, foreign keys on. Each article (and each post check) is
saved all-or-nothing: in its own ``BEGIN IMMEDIATE`` transaction, or as a savepoint inside a
small group committed together (``GroupWriter``). A crash leaves an article with all of its
embeds or none, and concurrent writers queue on the busy timeout instead of failing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import sqlite_utils

from .errors import DatabaseError
from .models import Embed, PageInfo
from .urls import canonical_url, snowflake_time

BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")
R = TypeVar("R")
migrations = sqlite_utils.Migrations("archiver")

FTS_CONFIG = {
    "posts": ["text", "author_name", "handle"],
    "embeds": ["text", "author_name", "handle"],
}

VIEWS = {
    "post_provenance": """
select
  posts.id as post_id, posts.url as post_url, posts.handle, posts.status,
  embeds.text as embed_text, embeds.method, embeds.position, embeds.occurrence,
  embeds.first_seen_at, embeds.last_seen_at, embeds.removed_at,
  articles.id as article_id, articles.url as article_url, articles.title as article_title,
  articles.site
from posts
join embeds on embeds.post_id = posts.id
join articles on articles.id = embeds.article_id
order by posts.id, embeds.first_seen_at
""",
    "post_changes": """
select
  posts.id as post_id, posts.url as post_url, posts.handle, posts.status,
  posts.status_changed_at, posts.text as live_text, embeds.text as embed_text,
  case
    when posts.status not in ('live', 'pending', 'text_only') then 'not live'
    else 'text differs'
  end as change,
  articles.url as article_url, articles.title as article_title
from posts
join embeds on embeds.post_id = posts.id
join articles on articles.id = embeds.article_id
where posts.status not in ('live', 'pending', 'text_only', 'unavailable')
   or (posts.status = 'live' and posts.last_checked_at is not null
       and embeds.text is not null and posts.text is not null
       and lower(trim(embeds.text)) != lower(trim(posts.text)))
""",
}


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def later(seconds: float, start: str | None = None) -> str:
    base = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else datetime.now(UTC)
    return (base + timedelta(seconds=seconds)).isoformat(timespec="seconds").replace("+00:00", "Z")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The tables of DESIGN.md."""
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "final_url": str,
            "title": str,
            "site": str,
            "published_at": str,
            "first_seen_at": str,
            "last_scanned_at": str,
            "http_status": int,
            "content_sha256": str,
            "source": str,
        },
        pk="id",
        not_null={"url", "first_seen_at"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["posts"].create(
        {
            "id": str,
            "url": str,
            "handle": str,
            "author_name": str,
            "text": str,
            "created_at": str,
            "status": str,
            "resolved_id": str,
            "fingerprint": str,
            "first_seen_at": str,
            "last_checked_at": str,
            "next_check_at": str,
            "status_changed_at": str,
            "checks": int,
        },
        pk="id",
        not_null={"status", "first_seen_at"},
        defaults={"checks": 0, "status": "pending"},
    )
    db["posts"].create_index(["status"])
    db["posts"].create_index(["next_check_at"])
    db["posts"].create_index(["fingerprint"])
    db["posts"].create_index(["handle"])
    db["embeds"].create(
        {
            "id": int,
            "article_id": int,
            "post_id": str,
            "position": int,
            "method": str,
            "occurrence": int,
            "author_name": str,
            "handle": str,
            "text": str,
            "date": str,
            "media": str,
            "raw": str,
            "raw_sha256": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "removed_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("post_id", "posts", "id")],
        not_null={"article_id", "post_id", "position", "method", "occurrence"},
    )
    db["embeds"].create_index(["article_id", "post_id", "occurrence"], unique=True)
    db["embeds"].create_index(["post_id"])
    db["snapshots"].create(
        {
            "id": int,
            "post_id": str,
            "fetched_at": str,
            "provider": str,
            "request_url": str,
            "http_status": int,
            "status": str,
            "author_name": str,
            "handle": str,
            "text": str,
            "created_at": str,
            "media": str,
            "payload": str,
            "payload_sha256": str,
            "content_sha256": str,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id")],
        not_null={"post_id", "fetched_at"},
    )
    db["snapshots"].create_index(["post_id", "fetched_at"])
    db["checks"].create(
        {
            "id": int,
            "post_id": str,
            "checked_at": str,
            "provider": str,
            "http_status": int,
            "status": str,
            "snapshot_id": int,
            "error": str,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id"), ("snapshot_id", "snapshots", "id")],
        not_null={"post_id", "checked_at"},
    )
    db["checks"].create_index(["post_id", "checked_at"])
    db["scans"].create(
        {
            "id": int,
            "article_id": int,
            "started_at": str,
            "finished_at": str,
            "http_status": int,
            "content_sha256": str,
            "embeds": int,
            "error": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id"},
    )
    db["scans"].create_index(["article_id", "started_at"])
    for table, columns in FTS_CONFIG.items():
        db[table].enable_fts(columns, create_triggers=True, tokenize="unicode61")
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


@migrations()
def m002_queue_and_check_state(db: sqlite_utils.Database) -> None:
    """State the worker and the snapshot checks keep in the archive, so restarts resume."""
    db["articles"].add_column("canonical_url", str)
    db["articles"].add_column("next_scan_at", str)
    db["articles"].add_column("scan_count", int, not_null_default=0)
    db["articles"].create_index(["next_scan_at"])
    db["posts"].add_column("not_found_checks", int, not_null_default=0)
    db["source_state"].create(
        {
            "name": str,
            "type": str,
            "url": str,
            "etag": str,
            "last_modified": str,
            "mtime": float,
            "last_polled_at": str,
            "next_poll_at": str,
            "last_error": str,
            "urls_seen": int,
        },
        pk="name",
    )
    db["worker_runs"].create(
        {
            "id": int,
            "pid": int,
            "started_at": str,
            "last_beat_at": str,
            "stopped_at": str,
            "state": str,
            "articles_scanned": int,
            "posts_checked": int,
            "errors": int,
        },
        pk="id",
    )


@migrations()
def m003_fts_follows_content_only(db: sqlite_utils.Database) -> None:
    """Re-index a row only when an indexed column is updated, not on every status change,
    check or re-scan (which made each unchanged re-check cost ~100 bytes of index)."""
    for table, columns in FTS_CONFIG.items():
        names = ", ".join(f'"{column}"' for column in columns)
        old = ", ".join(f'old."{column}"' for column in columns)
        new = ", ".join(f'new."{column}"' for column in columns)
        db.execute(f'DROP TRIGGER IF EXISTS "{table}_au"')
        db.execute(
            f'CREATE TRIGGER "{table}_au" AFTER UPDATE OF {names} ON "{table}" BEGIN\n'
            f'  INSERT INTO "{table}_fts" ("{table}_fts", rowid, {names})'
            f" VALUES('delete', old.rowid, {old});\n"
            f'  INSERT INTO "{table}_fts" (rowid, {names}) VALUES (new.rowid, {new});\n'
            "END"
        )


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or upgrading) the archive at ``path``."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not an archive file")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = wal")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if migrations.pending(db):
            with transaction(db):  # two processes creating one archive: the second waits
                if migrations.pending(db):
                    migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open archive ({exc})") from None
    return db


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: take the write lock up front (waiting on the busy
    timeout) so a read-then-write never fails half way with 'database is locked'."""
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"archive is busy or read-only ({exc})") from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


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


def save_scan(db: sqlite_utils.Database, record: ScanRecord) -> int:
    """Save one scan in one transaction; returns the article id.

    Re-saving an unchanged article adds a ``scans`` row and nothing else. Embeds no longer on
    the page are kept and marked ``removed_at``; a failed scan leaves the embeds untouched.
    """
    try:
        with transaction(db) as conn:
            return _save_scan(conn, record)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot save {record.url}: {exc}") from None


def _save_scan(conn: sqlite3.Connection, record: ScanRecord) -> int:
    article_id, is_new = _upsert_article(conn, record)
    if record.error is None:
        _save_embeds(conn, article_id, record, is_new)
    conn.execute(
        "insert into scans (article_id, started_at, finished_at, http_status,"
        " content_sha256, embeds, error) values (?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            record.started_at,
            record.finished_at,
            record.http_status,
            record.content_sha256,
            None if record.error else sum(e.method != "link" for e in record.embeds),
            record.error,
        ),
    )
    return article_id


class GroupWriter(Generic[T, R]):
    """Saves many items with few commits: each item is all-or-nothing (a savepoint), and
    items are committed together in small groups (``max_items`` or ``max_seconds``).

    ``add`` returns nothing: the (item, result or None, error or None) triples come back from
    ``commit``, once they are durable. A failed commit fails every item of its group, and
    nothing of them is in the archive. One transaction per item would cost more than the
    work itself in directory scans and snapshot runs.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        save: Callable[[sqlite3.Connection, T], R],
        describe: Callable[[T], str],
        max_items: int = 256,
        max_seconds: float = 0.5,
    ) -> None:
        self.db = db
        self.save = save
        self.describe = describe
        self.max_items = max_items
        self.max_seconds = max_seconds
        self.group: list[tuple[T, R | None, str | None]] = []
        self.started = 0.0

    def add(self, item: T) -> None:
        conn = self.db.conn
        try:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
                self.started = time.monotonic()
            conn.execute("SAVEPOINT item")
        except sqlite3.DatabaseError as exc:
            self.group.append((item, None, f"cannot save {self.describe(item)}: {exc}"))
            return
        try:
            result = self.save(conn, item)
            conn.execute("RELEASE item")
            self.group.append((item, result, None))
        except BaseException as exc:  # Ctrl-C included: never commit half an item
            if conn.in_transaction:
                conn.execute("ROLLBACK TO item")
                conn.execute("RELEASE item")
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            self.group.append((item, None, f"cannot save {self.describe(item)}: {exc}"))

    def due(self) -> bool:
        return len(self.group) >= self.max_items or (
            bool(self.group) and time.monotonic() - self.started >= self.max_seconds
        )

    def time_left(self) -> float | None:
        """Seconds until the open group is due (None when no group is open)."""
        if not self.group:
            return None
        return max(0.0, self.max_seconds - (time.monotonic() - self.started))

    def commit(self) -> list[tuple[T, R | None, str | None]]:
        """Make the group durable; returns each item's (item, result, error)."""
        group, self.group = self.group, []
        conn = self.db.conn
        if not conn.in_transaction:
            return group
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [
                (item, None, error or f"cannot save {self.describe(item)}: {exc}")
                for item, _, error in group
            ]
        return group


def scan_writer(db: sqlite_utils.Database) -> GroupWriter[ScanRecord, int]:
    return GroupWriter(db, _save_scan, lambda record: record.url)


def check_writer(db: sqlite_utils.Database) -> GroupWriter[CheckRecord, tuple[bool, bool]]:
    return GroupWriter(db, _save_check, lambda check: f"the check of post {check.post_id}")


def _upsert_article(conn: sqlite3.Connection, record: ScanRecord) -> tuple[int, bool]:
    page = record.page
    row = conn.execute("select id from articles where url = ?", (record.url,)).fetchone()
    if row is None:
        cursor = conn.execute(
            "insert into articles (url, final_url, canonical_url, title, site, published_at,"
            " first_seen_at, last_scanned_at, http_status, content_sha256, source, scan_count)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                record.url,
                record.final_url,
                page.canonical_url,
                page.title,
                page.site,
                page.published_at,
                record.started_at,
                record.finished_at,
                record.http_status,
                record.content_sha256,
                record.source,
            ),
        )
        article_id, is_new = int(cursor.lastrowid or 0), True
    elif record.error is None:
        article_id, is_new = int(row[0]), False
        conn.execute(
            "update articles set final_url = coalesce(?, final_url),"
            " canonical_url = coalesce(?, canonical_url), title = coalesce(?, title),"
            " site = coalesce(?, site), published_at = coalesce(?, published_at),"
            " last_scanned_at = ?, http_status = ?, content_sha256 = ?,"
            " source = coalesce(source, ?), scan_count = scan_count + 1 where id = ?",
            (
                record.final_url,
                page.canonical_url,
                page.title,
                page.site,
                page.published_at,
                record.finished_at,
                record.http_status,
                record.content_sha256,
                record.source,
                article_id,
            ),
        )
    else:
        article_id, is_new = int(row[0]), False
        conn.execute(
            "update articles set last_scanned_at = ?, http_status = coalesce(?, http_status),"
            " scan_count = scan_count + 1 where id = ?",
            (record.finished_at, record.http_status, article_id),
        )
    if record.reschedule:
        conn.execute(
            "update articles set next_scan_at = ? where id = ?", (record.next_scan_at, article_id)
        )
    return article_id, is_new


def _save_embeds(
    conn: sqlite3.Connection, article_id: int, record: ScanRecord, is_new: bool
) -> None:
    from .normalize import sha256_hex

    now = record.finished_at
    if is_new and not record.embeds:
        return
    existing = (
        {}
        if is_new
        else {
            (post_id, occurrence): embed_id
            for embed_id, post_id, occurrence in conn.execute(
                "select id, post_id, occurrence from embeds where article_id = ?", (article_id,)
            )
        }
    )
    seen: set[int] = set()
    occurrences: dict[str, int] = {}
    for embed in record.embeds:
        post_id = embed.post_id
        if post_id is None:
            continue
        _ensure_post(conn, embed, now)
        occurrence = occurrences[post_id] = occurrences.get(post_id, 0) + 1
        embed_id = existing.get((post_id, occurrence))
        if embed_id is None:
            cursor = conn.execute(
                "insert into embeds (article_id, post_id, position, method, occurrence,"
                " author_name, handle, text, date, media, raw, raw_sha256, first_seen_at,"
                " last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    post_id,
                    embed.position,
                    embed.method,
                    occurrence,
                    embed.author,
                    embed.handle,
                    embed.text,
                    embed.date,
                    _json_list(embed.media),
                    embed.raw,
                    sha256_hex(embed.raw),
                    now,
                    now,
                ),
            )
            seen.add(int(cursor.lastrowid or 0))
        else:
            conn.execute(
                "update embeds set position = ?, last_seen_at = ?, removed_at = null where id = ?",
                (embed.position, now, embed_id),
            )
            seen.add(embed_id)
    gone = [embed_id for embed_id in existing.values() if embed_id not in seen]
    conn.executemany(
        "update embeds set removed_at = ? where id = ? and removed_at is null",
        [(now, embed_id) for embed_id in gone],
    )


def _ensure_post(conn: sqlite3.Connection, embed: Embed, now: str) -> None:
    """Add the post if new; fill in what was unknown; link text-only twins (``resolved_id``)."""
    post_id = embed.post_id
    fingerprint = embed.fingerprint
    if embed.status_id:
        conn.execute(
            "insert into posts (id, url, handle, author_name, text, created_at, status,"
            " fingerprint, first_seen_at, next_check_at, checks)"
            " values (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 0)"
            " on conflict(id) do update set"
            " handle = coalesce(posts.handle, excluded.handle),"
            " url = case when posts.handle is null and excluded.handle is not null"
            "   then excluded.url else posts.url end,"
            " author_name = coalesce(posts.author_name, excluded.author_name),"
            " text = coalesce(posts.text, excluded.text),"
            " fingerprint = coalesce(posts.fingerprint, excluded.fingerprint)"
            # Only fill gaps: an update rewrites the post's full-text index entry.
            " where posts.handle is null or posts.author_name is null or posts.text is null"
            " or posts.fingerprint is null",
            (
                post_id,
                canonical_url(embed.status_id, embed.handle),
                embed.handle,
                embed.author,
                embed.text,
                snowflake_time(embed.status_id),
                fingerprint,
                now,
                now,
            ),
        )
        if fingerprint:
            conn.execute(
                "update posts set resolved_id = ? where id = ? and resolved_id is null",
                (embed.status_id, fingerprint),
            )
        return
    twin = conn.execute(
        "select id from posts where fingerprint = ? and id not like 'text:%' limit 1",
        (fingerprint,),
    ).fetchone()
    conn.execute(
        "insert into posts (id, url, handle, author_name, text, created_at, status,"
        " resolved_id, fingerprint, first_seen_at, checks)"
        " values (?, null, ?, ?, ?, null, 'text_only', ?, ?, ?, 0)"
        " on conflict(id) do update set resolved_id = coalesce(posts.resolved_id,"
        " excluded.resolved_id), handle = coalesce(posts.handle, excluded.handle)"
        " where (posts.resolved_id is null and excluded.resolved_id is not null)"
        " or (posts.handle is null and excluded.handle is not null)",
        (
            post_id,
            embed.handle,
            embed.author,
            embed.text,
            twin[0] if twin else None,
            fingerprint,
            now,
        ),
    )


def enqueue_articles(db: sqlite_utils.Database, urls: Sequence[str], source: str) -> int:
    """Queue article URLs for a first scan (duplicates ignored); returns how many were new."""
    now = utcnow()
    with transaction(db) as conn:
        before = conn.total_changes
        conn.executemany(
            "insert into articles (url, first_seen_at, source, next_scan_at, scan_count)"
            " values (?, ?, ?, ?, 0) on conflict(url) do nothing",
            [(url, now, source, now) for url in dict.fromkeys(urls)],
        )
        return conn.total_changes - before


@dataclass(frozen=True)
class DueArticle:
    id: int
    url: str
    first_seen_at: str
    scan_count: int
    source: str | None


def due_articles(db: sqlite_utils.Database, limit: int, now: str | None = None) -> list[DueArticle]:
    """Queued articles whose next scan time has come, oldest first."""
    rows = db.conn.execute(
        "select id, url, first_seen_at, scan_count, source from articles"
        " where next_scan_at is not null and next_scan_at <= ? order by next_scan_at limit ?",
        (now or utcnow(), limit),
    ).fetchall()
    return [DueArticle(*row) for row in rows]


def next_rescan(first_seen_at: str, scans_done: int, ladder: Sequence[float]) -> str | None:
    """After ``scans_done`` scans, when the next is due: first seen + ladder step, then never."""
    if scans_done < 1 or scans_done > len(ladder):
        return None
    return later(ladder[scans_done - 1], first_seen_at)


@dataclass(frozen=True)
class PostToCheck:
    id: str
    handle: str | None
    status: str
    checks: int
    not_found_checks: int


_POST_COLUMNS = "id, handle, status, checks, not_found_checks"


def due_posts(db: sqlite_utils.Database, limit: int, now: str | None = None) -> list[PostToCheck]:
    """Posts whose next check is due, most overdue first (text-only posts are never due)."""
    rows = db.conn.execute(
        f"select {_POST_COLUMNS} from posts where next_check_at is not null"
        " and next_check_at <= ? and id not like 'text:%' order by next_check_at limit ?",
        (now or utcnow(), limit),
    ).fetchall()
    return [PostToCheck(*row) for row in rows]


def posts_to_check(
    db: sqlite_utils.Database, refs: Sequence[tuple[str, str | None]]
) -> list[PostToCheck]:
    """The posts named by (status id, handle), added as pending when new."""
    now = utcnow()
    with transaction(db) as conn:
        for post_id, handle in refs:
            conn.execute(
                "insert into posts (id, url, handle, created_at, status, first_seen_at,"
                " next_check_at, checks) values (?, ?, ?, ?, 'pending', ?, ?, 0)"
                " on conflict(id) do update set handle = excluded.handle"
                " where posts.handle is null and excluded.handle is not null",
                (
                    post_id,
                    canonical_url(post_id, handle),
                    handle,
                    snowflake_time(post_id),
                    now,
                    now,
                ),
            )
    found = []
    for post_id, _ in dict.fromkeys(refs):
        row = db.conn.execute(f"select {_POST_COLUMNS} from posts where id = ?", (post_id,))
        found.append(PostToCheck(*row.fetchone()))
    return found


@dataclass
class CheckRecord:
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


def save_check(db: sqlite_utils.Database, check: CheckRecord) -> tuple[bool, bool]:
    """Save a check in one transaction: a ``snapshots`` row only when the content (or the
    proven status) changed, a ``checks`` row per provider answer, the post's new state.
    Returns (snapshot written, status changed)."""
    try:
        with transaction(db) as conn:
            return _save_check(conn, check)
    except sqlite3.DatabaseError as exc:  # read-only file, full disk, I/O error
        raise DatabaseError(f"cannot save the check of post {check.post_id}: {exc}") from None


def _save_check(conn: sqlite3.Connection, check: CheckRecord) -> tuple[bool, bool]:
    previous = conn.execute("select status from posts where id = ?", (check.post_id,)).fetchone()[0]
    latest = conn.execute(
        "select id, content_sha256, status from snapshots where post_id = ?"
        " order by id desc limit 1",
        (check.post_id,),
    ).fetchone()
    urls = {id(answer): url for answer, url in check.answers}
    answers = [answer for answer, _ in check.answers]
    evidence = check.content or next((a for a in answers if a.conclusive), None)
    snapshot_id = latest[0] if latest else None
    wrote = False
    if (
        evidence is not None
        and check.conclusive
        and (latest is None or latest[1] != check.content_sha256 or latest[2] != check.status)
    ):
        fields = evidence.snapshot_fields()
        cursor = conn.execute(
            "insert into snapshots (post_id, fetched_at, provider, request_url, http_status,"
            " status, author_name, handle, text, created_at, media, payload, payload_sha256,"
            " content_sha256) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                check.post_id,
                check.checked_at,
                fields["provider"],
                urls.get(id(evidence)),
                fields["http_status"],
                check.status,
                fields["author_name"],
                fields["handle"],
                fields["text"],
                fields["created_at"],
                fields["media"],
                fields["payload"].decode("utf-8", "replace"),
                fields["payload_sha256"],
                check.content_sha256,
            ),
        )
        snapshot_id, wrote = int(cursor.lastrowid or 0), True
    conn.executemany(
        "insert into checks (post_id, checked_at, provider, http_status, status,"
        " snapshot_id, error) values (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                check.post_id,
                check.checked_at,
                a.provider,
                a.http_status,
                a.status,
                snapshot_id if a is evidence else None,
                a.error or a.notice,
            )
            for a in answers
        ],
    )
    content = check.content
    conn.execute(
        "update posts set status = ?, last_checked_at = ?, next_check_at = ?,"
        " checks = checks + 1,"
        " status_changed_at = case when status != ? then ? else status_changed_at end,"
        " not_found_checks = case when ? then not_found_checks + 1"
        "   when ? then 0 else not_found_checks end,"
        " created_at = coalesce(?, created_at) where id = ?",
        (
            check.status,
            check.checked_at,
            check.next_check_at,
            check.status,
            check.checked_at,
            check.absent,
            check.conclusive,
            content.created_at if content else None,
            check.post_id,
        ),
    )
    if content is not None:
        # Only when something changed: the full-text index is rewritten on each such update.
        text, author, handle = content.text, content.author_name, content.handle
        conn.execute(
            "update posts set text = coalesce(?, text), author_name = coalesce(?, author_name),"
            " handle = coalesce(?, handle), url = ? where id = ?"
            " and (text is not coalesce(?, text) or author_name is not coalesce(?, author_name)"
            " or handle is not coalesce(?, handle))",
            (
                text,
                author,
                handle,
                canonical_url(check.post_id, handle),
                check.post_id,
                text,
                author,
                handle,
            ),
        )
    return wrote, previous != check.status


def _json_list(values: Sequence[str]) -> str | None:
    import json

    return json.dumps(list(values)) if values else None


def stats(db: sqlite_utils.Database) -> dict[str, object]:
    """Counts for ``archive stats`` and the demo summary."""
    one = lambda sql: db.conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "articles": one("select count(*) from articles"),
        "scans": one("select count(*) from scans"),
        "embeds": one("select count(*) from embeds where method != 'link'"),
        "links": one("select count(*) from embeds where method = 'link'"),
        "posts": one("select count(*) from posts"),
        "posts_by_status": dict(
            db.conn.execute("select status, count(*) from posts group by status order by 2 desc")
        ),
        "snapshots": one("select count(*) from snapshots"),
        "checks": one("select count(*) from checks"),
    }
