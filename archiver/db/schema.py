"""The archive's schema, declared as data, and the migrations that build it.

Each migration is applied once per archive (sqlite-utils records it in
``_sqlite_migrations``); its name is part of every existing archive, so never rename one.
Add a change as a new migration at the end.

sqlite-utils is imported only to apply migrations: importing it costs about 30 ms, a fifth
of a one-file ``archive scan``, and an archive that is up to date does not need it
(``connection.py`` checks the names with plain sqlite3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..normalize import ZERO_WIDTH
from ..urls import LAST_PRE_SNOWFLAKE_ID, TWEPOCH_MS, article_url, without_password

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


class Table(NamedTuple):
    """One table: its columns (name -> Python type), keys, constraints and indexes."""

    columns: dict[str, type]
    pk: str = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    not_null: frozenset[str] = frozenset()
    defaults: Mapping[str, object] = MappingProxyType({})
    indexes: tuple[tuple[str, ...], ...] = ()
    unique_indexes: tuple[tuple[str, ...], ...] = ()


#: The tables of the first schema (migration m001), as DESIGN.md names them.
INITIAL_TABLES: dict[str, Table] = {
    "articles": Table(
        columns={
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
        not_null=frozenset({"url", "first_seen_at"}),
        unique_indexes=(("url",),),
    ),
    "posts": Table(
        columns={
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
        not_null=frozenset({"status", "first_seen_at"}),
        defaults={"checks": 0, "status": "pending"},
        indexes=(("status",), ("next_check_at",), ("fingerprint",), ("handle",)),
    ),
    "embeds": Table(
        columns={
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
        foreign_keys=(("article_id", "articles", "id"), ("post_id", "posts", "id")),
        not_null=frozenset({"article_id", "post_id", "position", "method", "occurrence"}),
        unique_indexes=(("article_id", "post_id", "occurrence"),),
        indexes=(("post_id",),),
    ),
    "snapshots": Table(
        columns={
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
        foreign_keys=(("post_id", "posts", "id"),),
        not_null=frozenset({"post_id", "fetched_at"}),
        indexes=(("post_id", "fetched_at"),),
    ),
    "checks": Table(
        columns={
            "id": int,
            "post_id": str,
            "checked_at": str,
            "provider": str,
            "http_status": int,
            "status": str,
            "snapshot_id": int,
            "error": str,
        },
        foreign_keys=(("post_id", "posts", "id"), ("snapshot_id", "snapshots", "id")),
        not_null=frozenset({"post_id", "checked_at"}),
        indexes=(("post_id", "checked_at"),),
    ),
    "scans": Table(
        columns={
            "id": int,
            "article_id": int,
            "started_at": str,
            "finished_at": str,
            "http_status": int,
            "content_sha256": str,
            "embeds": int,
            "error": str,
        },
        foreign_keys=(("article_id", "articles", "id"),),
        not_null=frozenset({"article_id"}),
        indexes=(("article_id", "started_at"),),
    ),
}

#: The daemon's state (migration m002).
WORKER_TABLES: dict[str, Table] = {
    "source_state": Table(
        columns={
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
    ),
    "worker_runs": Table(
        columns={
            "id": int,
            "pid": int,
            "started_at": str,
            "last_beat_at": str,
            "stopped_at": str,
            "state": str,
            "articles_scanned": int,
            "posts_checked": int,
            "errors": int,
        }
    ),
}

#: Where the evidence bytes are (migration m004): WARC records and kept media.
EVIDENCE_TABLES: dict[str, Table] = {
    "records": Table(
        columns={
            "id": int,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "record_id": str,
            "record_type": str,
            "target_uri": str,
            "date": str,
            "http_status": int,
            "content_type": str,
            "payload_sha256": str,
        },
        not_null=frozenset({"warc_file", "warc_offset", "record_id", "record_type"}),
        unique_indexes=(("warc_file", "warc_offset"),),
        indexes=(("record_id",), ("target_uri",)),
    ),
    "media": Table(
        columns={
            "id": int,
            "post_id": str,
            "kind": str,
            "url": str,
            "record_id": int,
            "sha256": str,
            "bytes": int,
            "content_type": str,
            "fetched_at": str,
            "error": str,
        },
        foreign_keys=(("post_id", "posts", "id"), ("record_id", "records", "id")),
        not_null=frozenset({"post_id", "url"}),
        unique_indexes=(("post_id", "url"),),
    ),
}

#: Child sitemaps of each sitemap source (migration m009): each one's own validators and
#: the ``lastmod`` its parent gives, so a child is revalidated on its own, not through its
#: index (a static index answers 304 while its children change).
SITEMAP_TABLES: dict[str, Table] = {
    "sitemap_children": Table(
        columns={
            "id": int,
            "source": str,  # source_state.name
            "url": str,
            "parent": str,  # the sitemap (or index) that lists it
            "depth": int,  # 1 for a child of the source's own URL
            "lastmod": str,  # as the parent last gave it
            "etag": str,
            "last_modified": str,
            "read_at": str,  # when we last had its content (a read or a 304)
            "checked_at": str,  # when it was last requested
            "last_error": str,
            "urls_seen": int,  # pages it listed when last read
        },
        not_null=frozenset({"source", "url", "parent", "depth"}),
        unique_indexes=(("source", "url"),),
        indexes=(("source", "parent"),),
    ),
}

#: Columns that point rows at their evidence (migration m004): table -> [(column, type)].
EVIDENCE_COLUMNS: dict[str, list[tuple[str, type]]] = {
    "scans": [("record_id", int)],
    "checks": [("record_id", int)],
    "snapshots": [("record_id", int)],
    "embeds": [("record_id", int), ("raw_start", int), ("raw_end", int)],
}

#: Columns added by migration m005: table -> [(column, type, value of older rows)].
PARTIAL_COLUMNS: dict[str, list[tuple[str, type, object]]] = {
    "snapshots": [("partial", int, 0)],
}

#: Full-text search: table -> indexed columns.
FTS_CONFIG: dict[str, list[str]] = {
    "posts": ["text", "author_name", "handle"],
    "embeds": ["text", "author_name", "handle"],
}


def comparable_sql(column: str) -> str:
    """A SQL expression for ``column`` as it is compared, not stored: zero-width characters
    dropped, no-break spaces as spaces, runs of spaces collapsed, trimmed, lower case.

    Snapshots keep X's text verbatim (joiners inside emoji, no-break spaces, double spaces)
    while embeds keep the article's text normalised (``normalize.clean_text``): compared
    raw, every post with an emoji sequence would read as "text differs"."""
    expression = column
    for code in sorted(ZERO_WIDTH):
        expression = f"replace({expression}, char({code}), '')"
    expression = f"replace({expression}, char(160), ' ')"
    for _ in range(4):  # up to 16 spaces in a row become one
        expression = f"replace({expression}, '  ', ' ')"
    return f"lower(trim({expression}))"


def snowflake_time_sql(column: str) -> str:
    """A SQL expression for the time a snowflake status ID in ``column`` was made, as
    ``urls.snowflake_time`` writes it (``2025-03-18T11:15:05.087Z``), in integer
    arithmetic (to the millisecond); NULL for IDs from before snowflakes."""
    ms = f"((cast({column} as integer) >> 22) + {TWEPOCH_MS})"
    return (
        f"(case when cast({column} as integer) > {LAST_PRE_SNOWFLAKE_ID} then"
        f" strftime('%Y-%m-%dT%H:%M:%S', {ms} / 1000, 'unixepoch')"
        f" || printf('.%03dZ', {ms} % 1000) end)"
    )


# The newest version X names for a post edited after the version it serves for the post's ID.
NEWER_VERSION_SQL = (
    "(select newer_version_id from snapshots where snapshots.post_id = posts.id"
    " and newer_version_id is not null order by id desc limit 1)"
)


def post_changes_sql(edits: bool, removed: bool = False) -> str:
    """The ``post_changes`` view: posts not live, or whose live text differs from what an
    article showed; with ``edits`` (migration m012), also live posts X names a newer version
    of (``edited``), and that version's ID. With ``removed`` (m017), when a re-scan no longer
    found the embed (``embed_removed_at``): such an embed is listed when its post is not live
    (the article dropped a post now gone), never as edited or for its text, which the article
    no longer shows. Without either, as m001 and m008 create it."""
    edited = f"    when {NEWER_VERSION_SQL} is not null then 'edited'\n" if edits else ""
    newer = f",\n  {NEWER_VERSION_SQL} as newer_version_id" if edits else ""
    newer += ",\n  embeds.removed_at as embed_removed_at" if removed else ""
    shown = " and embeds.removed_at is null" if removed else ""
    edited_live = (
        f"\n   or (posts.status = 'live' and {NEWER_VERSION_SQL} is not null{shown})"
        if edits
        else ""
    )
    return f"""
select
  posts.id as post_id, posts.url as post_url, posts.handle, posts.status,
  posts.status_changed_at, posts.text as live_text, embeds.text as embed_text,
  case
    when posts.status not in ('live', 'pending', 'text_only') then 'not live'
{edited}    else 'text differs'
  end as change,
  articles.url as article_url, articles.title as article_title{newer}
from posts
join embeds on embeds.post_id = posts.id
join articles on articles.id = embeds.article_id
where posts.status not in ('live', 'pending', 'text_only', 'unavailable'){edited_live}
   or (posts.status = 'live' and posts.last_checked_at is not null
       and embeds.text is not null and posts.text is not null{shown}
       and {comparable_sql("embeds.text")} != {comparable_sql("posts.text")})
"""


VIEWS: dict[str, str] = {
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
    "post_changes": post_changes_sql(edits=False),  # m001; m012 gives today's
}


class MigrationList:
    """The archive's migrations, in order, registered with ``@migrations()``.

    Registering them and reading their names needs no sqlite-utils; ``pending``, ``applied``
    and ``apply`` hand over to sqlite-utils' ``Migrations`` (built on first use), which
    keeps the record in ``_sqlite_migrations``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions: list[Migration] = []
        self._set: sqlite_utils.Migrations | None = None

    def __call__(self) -> Callable[[Migration], Migration]:
        def register(function: Migration) -> Migration:
            self.functions.append(function)
            self._set = None
            return function

        return register

    @property
    def names(self) -> list[str]:
        return [function.__name__ for function in self.functions]

    def _sqlite_utils_set(self) -> sqlite_utils.Migrations:
        if self._set is None:
            import sqlite_utils

            self._set = sqlite_utils.Migrations(self.name)
            for function in self.functions:
                self._set()(function)
        return self._set

    def pending(self, db: sqlite_utils.Database) -> list[Any]:
        return self._sqlite_utils_set().pending(db)

    def applied(self, db: sqlite_utils.Database) -> list[Any]:
        return self._sqlite_utils_set().applied(db)

    def apply(self, db: sqlite_utils.Database, stop_before: str | None = None) -> None:
        self._sqlite_utils_set().apply(db, stop_before=stop_before)


migrations = MigrationList("archiver")


def create_tables(db: sqlite_utils.Database, tables: dict[str, Table]) -> None:
    """Create each declared table with its keys and indexes."""
    for name, table in tables.items():
        db.table(name).create(
            dict(table.columns),
            pk=table.pk,
            foreign_keys=list(table.foreign_keys),
            not_null=set(table.not_null),
            defaults=dict(table.defaults),
        )
        for columns in table.unique_indexes:
            db.table(name).create_index(list(columns), unique=True)
        for columns in table.indexes:
            db.table(name).create_index(list(columns))


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The tables of DESIGN.md."""
    create_tables(db, INITIAL_TABLES)
    for table, columns in FTS_CONFIG.items():
        db.table(table).enable_fts(columns, create_triggers=True, tokenize="unicode61")
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


@migrations()
def m002_queue_and_check_state(db: sqlite_utils.Database) -> None:
    """State the worker and the snapshot checks keep in the archive, so restarts resume."""
    articles = db.table("articles")
    articles.add_column("canonical_url", str)
    articles.add_column("next_scan_at", str)
    articles.add_column("scan_count", int, not_null_default=0)
    articles.create_index(["next_scan_at"])
    db.table("posts").add_column("not_found_checks", int, not_null_default=0)
    create_tables(db, WORKER_TABLES)


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


@migrations()
def m004_evidence(db: sqlite_utils.Database) -> None:
    """Where the bytes are: WARC records, kept media, and the rows' pointers to them.
    Rows of older archives keep NULL pointers. Also drops ``source_state.next_poll_at``,
    which nothing ever wrote."""
    create_tables(db, EVIDENCE_TABLES)
    for table, columns in EVIDENCE_COLUMNS.items():
        for name, kind in columns:
            sql_type = "INTEGER" if kind is int else "TEXT"
            refs = " REFERENCES records(id)" if name == "record_id" else ""
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sql_type}{refs}')
    db.execute("ALTER TABLE source_state DROP COLUMN next_poll_at")


@migrations()
def m005_snapshot_partial(db: sqlite_utils.Database) -> None:
    """``snapshots.partial``: 1 when a snapshot holds only part of the post (an X Article
    post: its title, preview text and cover image, not the article). Older rows get 0."""
    for table, columns in PARTIAL_COLUMNS.items():
        for name, kind, default in columns:
            db.table(table).add_column(name, kind, not_null_default=default)


#: Provenance others can check (migration m006): RFC 3161 timestamps of chained manifests,
#: and the Wayback Machine lookups made per post (so the CDX API is asked rarely).
PROVENANCE_TABLES: dict[str, Table] = {
    "timestamps": Table(
        columns={
            "id": int,
            "created_at": str,
            "tsa_url": str,
            "manifest_sha256": str,
            "token": bytes,  # the DER TimeStampResp exactly as the TSA sent it
            "gen_time": str,
            "record_id": int,  # the manifest's WARC metadata record
            "records_through": int,  # the greatest records.id the manifest lists
        },
        foreign_keys=(("record_id", "records", "id"),),
        not_null=frozenset({"created_at", "tsa_url", "manifest_sha256", "token"}),
    ),
    "wayback_lookups": Table(
        columns={
            "post_id": str,
            "looked_up_at": str,
            "next_lookup_at": str,
            "captures": str,  # JSON: the post's captures the CDX API listed
            "snapshot_id": int,
            "error": str,
        },
        pk="post_id",
        foreign_keys=(("post_id", "posts", "id"), ("snapshot_id", "snapshots", "id")),
        not_null=frozenset({"looked_up_at", "next_lookup_at"}),
    ),
}


@migrations()
def m006_provenance(db: sqlite_utils.Database) -> None:
    """Earlier captures (``snapshots.memento_datetime``: when the Wayback Machine captured
    what a ``wayback`` snapshot holds) and trusted time (``timestamps``)."""
    db.execute('ALTER TABLE "snapshots" ADD COLUMN "memento_datetime" TEXT')
    create_tables(db, PROVENANCE_TABLES)


@migrations()
def m007_scans_by_record(db: sqlite_utils.Database) -> None:
    """Find the scan of a WARC record quickly: a crawl's record is scanned and imported once."""
    db.table("scans").create_index(["record_id"])


@migrations()
def m008_post_changes_compare_normalised(db: sqlite_utils.Database) -> None:
    """``post_changes`` compares texts the way they are normalised (``comparable_sql``):
    snapshots now keep X's text verbatim, zero-width joiners and no-break spaces included."""
    db.create_view("post_changes", post_changes_sql(edits=False), replace=True)


@migrations()
def m009_sitemap_children(db: sqlite_utils.Database) -> None:
    """Per-child state of sitemap indexes (ETag, Last-Modified, lastmod, error)."""
    create_tables(db, SITEMAP_TABLES)


@migrations()
def m010_canonical_post_ids(db: sqlite_utils.Database) -> None:
    """One post per status ID: zero-padded IDs (``00020``) stored before IDs were canonical
    are renamed to, or merged into, their canonical post (``db/post_ids.py``)."""
    from .post_ids import canonicalise_post_ids

    canonicalise_post_ids(db.conn)


@migrations()
def m011_embed_date_text(db: sqlite_utils.Database) -> None:
    """``embeds.date_text``: a signature's date as the page wrote it, in its own language
    (``18. März 2025``); ``date`` holds it parsed (ISO), when it could be read."""
    db.execute('ALTER TABLE "embeds" ADD COLUMN "date_text" TEXT')


@migrations()
def m012_snapshot_edits(db: sqlite_utils.Database) -> None:
    """What X says of a post's versions: ``snapshots.edit_ids`` (the IDs of every version,
    oldest first, as JSON) and ``newer_version_id`` (the newest version's ID, when the post
    was edited after the version X serves for its ID); ``post_changes`` lists such posts as
    ``edited``. Older rows have neither."""
    db.execute('ALTER TABLE "snapshots" ADD COLUMN "edit_ids" TEXT')
    db.execute('ALTER TABLE "snapshots" ADD COLUMN "newer_version_id" TEXT')
    db.create_view("post_changes", post_changes_sql(edits=True), replace=True)


@migrations()
def m013_snapshots_naming_a_newer_version(db: sqlite_utils.Database) -> None:
    """Find the snapshots that name a newer version of a post by an index of those alone:
    ``post_changes`` looks for one for each of its rows (``NEWER_VERSION_SQL``), and the
    ``edited`` query reads them all. Without it each look-up read every snapshot of the post
    from the table, ``newer_version_id`` stored after the payload (its overflow pages): the
    view took about 4 times as long on 400,000 snapshots of 5 KB, the query read them all."""
    db.execute(
        'CREATE INDEX "idx_snapshots_newer_version" ON "snapshots"'
        ' ("post_id", "id", "newer_version_id", "fetched_at")'
        ' WHERE "newer_version_id" IS NOT NULL'
    )


@migrations()
def m014_snapshot_edits_of_older_snapshots(db: sqlite_utils.Database) -> None:
    """``edit_ids`` and ``newer_version_id`` of the syndication snapshots stored before
    m012, read again from their stored payloads (``db/reread.py``): an edited post
    of an upgraded archive shows as ``edited`` at once, not after its next check."""
    from .reread import backfill_edits

    backfill_edits(db.conn)


@migrations()
def m015_snapshot_partial_of_older_snapshots(db: sqlite_utils.Database) -> None:
    """``partial`` of the snapshots stored before long posts (syndication's ``note_tweet``,
    oEmbed's cut text) were recognised, read again from their stored payloads
    (``db/reread.py``): such a row said the snapshot held the whole post, and kept saying so
    (a new snapshot is written only when the content changes)."""
    from .reread import backfill_partial

    backfill_partial(db.conn)


@migrations()
def m016_snapshot_media_of_older_snapshots(db: sqlite_utils.Database) -> None:
    """The media items of syndication snapshots stored before each said its
    ``content_type`` (and, for an answer without ``mediaDetails``, before its photos' alt
    text and t.co link were read) get what their stored payloads tell, and the content hash
    a check of the same answer computes now (``db/reread.py``): otherwise the next check of
    each such post wrote a snapshot for a change X never made."""
    from .reread import backfill_media

    backfill_media(db.conn)


@migrations()
def m017_post_changes_of_embeds_still_shown(db: sqlite_utils.Database) -> None:
    """``post_changes`` says when a re-scan no longer found an embed (``embed_removed_at``),
    and lists an embed the article dropped only when its post is not live: its old text was
    listed as "text differs", and an edit of its post as "edited", for good."""
    db.create_view("post_changes", post_changes_sql(edits=True, removed=True), replace=True)


@migrations()
def m018_snapshot_quoted_and_parent(db: sqlite_utils.Database) -> None:
    """``snapshots.quoted_id`` and ``parent_id``: the post a snapshot's post quotes and the
    one it replies to, as the answer showed them (a reader sees the quoted post in its box
    and the reply's parent above it); older rows get them from their stored payloads."""
    from .reread import backfill_quoted_and_parent

    db.execute('ALTER TABLE "snapshots" ADD COLUMN "quoted_id" TEXT')
    db.execute('ALTER TABLE "snapshots" ADD COLUMN "parent_id" TEXT')
    backfill_quoted_and_parent(db.conn)


@migrations()
def m019_snapshot_cards(db: sqlite_utils.Database) -> None:
    """``snapshots.card``: the card under a post's text (a link preview, a player, a poll's
    choices, a Space), as syndication's answer shows it; older rows get it from their stored
    payloads."""
    from .reread import backfill_cards

    db.execute('ALTER TABLE "snapshots" ADD COLUMN "card" TEXT')
    backfill_cards(db.conn)


@migrations()
def m020_snapshot_links(db: sqlite_utils.Database) -> None:
    """``snapshots.links``: each t.co link a post's text shows, with where it leads and the
    short form X shows for it (the t.co address alone says nothing once t.co stops
    answering); older rows get them from their stored payloads."""
    from .reread import backfill_links

    db.execute('ALTER TABLE "snapshots" ADD COLUMN "links" TEXT')
    backfill_links(db.conn)


@migrations()
def m021_article_urls_by_todays_identity(db: sqlite_utils.Database) -> None:
    """Articles keyed by a web address that today's identity rules write otherwise (a
    feed's own tag such as ``?ref=rss``, dropped since) take today's key: the next poll of
    the feed, or scan of the address, finds the row instead of adding a second one. A row
    whose new key another row holds already keeps its own."""
    _rekey_articles(db)


def _rekey_articles(db: sqlite_utils.Database) -> None:
    """Each article's web address rewritten as today's ``article_url`` writes it, unless
    another row holds that key already, or an older row takes it first (local files' keys
    are left as they are)."""
    from ..urls import article_url

    rows = db.conn.execute(
        "select id, url from articles where url like 'http://%' or url like 'https://%'"
        " order by id"  # of two rows for one address, the older takes the key
    ).fetchall()
    held = {url for _, url in rows}
    for row_id, url in rows:
        key = article_url(url)
        if key != url and key not in held:
            db.conn.execute("update articles set url = ? where id = ?", (key, row_id))
            held.add(key)


@migrations()
def m022_lookup_indexes(db: sqlite_utils.Database) -> None:
    """A post's text-only sightings (``posts.resolved_id``) and an article by the address
    it was fetched at (``articles.final_url``) are found by index: Datasette's provenance
    and article queries and ``export --article`` read the whole table (0.46 s for one post
    among 150,000, now 0.1 ms)."""
    db.table("posts").create_index(["resolved_id"], if_not_exists=True)
    db.table("articles").create_index(["final_url"], if_not_exists=True)


@migrations()
def m023_article_urls_in_one_written_form(db: sqlite_utils.Database) -> None:
    """Articles keyed by an IRI (``/über-uns``, ``bücher.example``) or by escapes in lower
    case take today's key, the URI a browser sends and a crawl's records hold
    (``/%C3%BCber-uns``, ``xn--bcher-kva.example``), as m021 did for feeds' tags."""
    _rekey_articles(db)


@migrations()
def m024_article_hosts_and_ports_as_sent(db: sqlite_utils.Database) -> None:
    """Articles keyed by a port with leading zeros (``:08080``), an IPv6 address in a
    longer form (``[0:0::1]``) or a path with dot segments (``/a/../b``) take the key a scan
    of the same address makes today, the form a browser sends (``:8080``, ``[::1]``,
    ``/b``), as m023 did for escapes. (A key
    m023 made from a stray ``%`` and escapes, ``/%%34%31`` keyed ``/%41``, cannot be told
    from the address ``/%41``: it is rekeyed as that address, ``/A``.)"""
    _rekey_articles(db)


@migrations()
def m025_sitemap_children_in_articles_written_form(db: sqlite_utils.Database) -> None:
    """Child sitemaps remembered under an address written as before m023 and m024 (an IRI,
    lower-case escapes, ``:08080``, ``/a/../b``) take the key a poll lists them by today,
    with their parents' keys: an index read again listed each under its new key, so the
    child was requested whole, without the validators and read time kept under the old
    one, and the children it had named stayed behind under the old key for good."""
    sources = [row[0] for row in db.conn.execute("select distinct source from sitemap_children")]
    for source in sources:
        moved = _rekey_sitemap_children(db.conn, source)
        db.conn.executemany(
            "update sitemap_children set parent = ? where source = ? and parent = ? and depth > 1",
            [(new, source, old) for old, new in moved.items()],
        )


def _rekey_sitemap_children(conn: sqlite3.Connection, source: str) -> dict[str, str]:
    """Each child of ``source`` under its new key, unless another child holds it already
    (the older row takes it first); the keys moved, old to new. A first level's parent is
    the source's address as configured, and stays as it is."""
    rows = conn.execute(
        "select id, url from sitemap_children where source = ? order by id", (source,)
    ).fetchall()
    held = {url for _, url in rows}
    moved: dict[str, str] = {}
    for row_id, url in rows:
        key = article_url(url)
        if key != url and key not in held:
            conn.execute("update sitemap_children set url = ? where id = ?", (key, row_id))
            held.add(key)
            moved[url] = key
    return moved


@migrations()
def m026_embed_counts_by_index(db: sqlite_utils.Database) -> None:
    """Datasette's *Most-embedded posts* counts the embeds of every post: by an index
    holding what it counts (post, method, article, first seen), not by reading each embed's
    row (0.95 → 0.12 s on 200,000 embeds). The index starts with ``post_id``, so it serves
    every look-up of a post's embeds, and replaces the index on ``post_id`` alone: a scan
    still maintains as many indexes."""
    db.execute(
        "create index if not exists idx_embeds_post_counts"
        " on embeds (post_id, method, article_id, first_seen_at)"
    )
    db.execute("drop index if exists idx_embeds_post_id")


@migrations()
def m027_snapshot_hash_without_leading_mentions(db: sqlite_utils.Database) -> None:
    """The content hash of the snapshots whose text opens with @mentions, made without
    them (``db/reread.py``): a reply's mentions are shown by oEmbed and hidden by
    syndication, so the next check answered by the other provider wrote a snapshot for a
    change X never made."""
    from .reread import rehash_leading_mentions

    rehash_leading_mentions(db.conn)


@migrations()
def m028_snapshot_cards_read_again(db: sqlite_utils.Database) -> None:
    """The cards of syndication snapshots that keep only ``name`` and ``url`` (a
    ``unified_card`` or a live video's card, stored before their details were read) read
    again from the stored answers (``db/reread.py``): a new snapshot is written only when
    the content changes, so they kept the bare card for good."""
    from .reread import reread_bare_cards

    reread_bare_cards(db.conn)


@migrations()
def m029_snapshot_labels(db: sqlite_utils.Database) -> None:
    """``snapshots.labels``: what X shows beside the post (a warning over sensitive media, a
    community note; ``snapshot/labels.py``), and the media items' own flags (a warning, media
    disabled), read for the snapshots stored before from their stored answers."""
    from .reread import backfill_labels

    db.execute('ALTER TABLE "snapshots" ADD COLUMN "labels" TEXT')
    backfill_labels(db.conn)


@migrations()
def m030_check_labels(db: sqlite_utils.Database) -> None:
    """``checks.labels``: what X showed beside the post (a community note, a warning over its
    media) when it differed from what the archive last recorded while the content stayed
    the same (``db/label_changes.py``); NULL when it was the same. Checks made before keep
    NULL: their kept answers hold what X showed then. A partial index holds those rows only,
    so a re-check finds the last of them without reading every check of the post, and an
    unchanged re-check adds no index entry."""
    db.execute('ALTER TABLE "checks" ADD COLUMN "labels" TEXT')
    db.execute(
        "create index if not exists idx_checks_labels on checks (post_id, snapshot_id)"
        " where labels is not null"
    )


# Where an address the archive stored may hold a password (``urls.without_password``).
ADDRESS_COLUMNS = (
    ("articles", "final_url"),
    ("articles", "canonical_url"),
    ("scans", "error"),
    ("records", "target_uri"),
    ("source_state", "url"),
    ("source_state", "last_error"),
)


@migrations()
def m031_addresses_without_passwords(db: sqlite_utils.Database) -> None:
    """Addresses stored with a password in their userinfo (``http://user:pw@host/``: a
    crawl's records as wget writes them, a URL scanned so) without it, as a scan stores
    them today (``urls.without_password``): articles take today's key (``article_url``,
    as m021 did), and the addresses and errors of the other rows lose the password. The
    archive's WARC files keep what was written in them."""
    _rekey_articles(db)
    _without_passwords(db.conn, ADDRESS_COLUMNS)


def _without_passwords(conn: sqlite3.Connection, columns: tuple[tuple[str, str], ...]) -> None:
    """Each address or error in ``columns`` (table, column) without its passwords: only the
    rows that may hold one are read and written."""
    for table, column in columns:
        rows = conn.execute(
            f'select rowid, "{column}" from "{table}" where "{column}" like \'%://%:%@%\''
        ).fetchall()
        updates = [(without_password(value), rowid) for rowid, value in rows]
        conn.executemany(f'update "{table}" set "{column}" = ? where rowid = ?', updates)


@migrations()
def m032_passwords_m031_left(db: sqlite_utils.Database) -> None:
    """The passwords m031 left in the archive. An article whose key without it another row
    held (the same address scanned with two passwords, or with and without one) kept its
    own: it takes that key with its row's number as fragment (``#row-7``), which a fetch
    never sends and its identity drops. And the child sitemaps a source remembers: their
    addresses, parents and errors, as a poll writes them today."""
    _articles_without_passwords(db.conn)
    _without_passwords(
        db.conn, (("sitemap_children", "parent"), ("sitemap_children", "last_error"))
    )
    _children_without_passwords(db.conn)


def _articles_without_passwords(conn: sqlite3.Connection) -> None:
    rows = conn.execute("select id, url from articles where url like '%://%:%@%'").fetchall()
    for row_id, url in rows:
        if without_password(url) == url:
            continue
        key = article_url(url)
        if conn.execute("select 1 from articles where url = ?", (key,)).fetchone():
            key = f"{key}{'-' if '#' in key else '#'}row-{row_id}"
        conn.execute("update articles set url = ? where id = ?", (key, row_id))


def _children_without_passwords(conn: sqlite3.Connection) -> None:
    """Each child sitemap's address without its password; a child remembered under both
    forms keeps the row without it (the one polls have updated since) and the other, its
    validators a poll gets again, goes."""
    rows = conn.execute(
        "select id, source, url from sitemap_children where url like '%://%:%@%'"
    ).fetchall()
    for row_id, source, url in rows:
        key = without_password(url)
        held = conn.execute(
            "select 1 from sitemap_children where source = ? and url = ? and id != ?",
            (source, key, row_id),
        ).fetchone()
        if held:
            conn.execute("delete from sitemap_children where id = ?", (row_id,))
        else:
            conn.execute("update sitemap_children set url = ? where id = ?", (key, row_id))
