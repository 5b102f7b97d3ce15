"""The Datasette plugin: archive metadata, canned queries, SQL helpers and post cards.

Registered through the ``datasette`` entry point, so plain ``datasette archive.db`` uses it
too. It only acts on databases that are archives (they have ``articles``, ``posts`` and
``embeds`` tables); other databases served alongside are left alone.

Archived text is untrusted: every value that reaches HTML goes through ``markupsafe.escape``
and only ``http(s)`` links built from known columns become ``href`` attributes.
"""

from __future__ import annotations

import sqlite3
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

from ..db.provenance import MEMENTOS_SQL
from ..urls import article_url, parse_post_ref
from . import client_errors, evidence, metadata

ARCHIVE_TABLES = frozenset({"articles", "posts", "embeds"})
CSS_PATH = "/-/archiver.css"
CARD_CAPTURES = 10  # captures listed on a post's card; the rest are one click away
POST_HOSTS = frozenset({"x.com", "twitter.com", "www.x.com", "www.twitter.com"})
STATUS_HELP = {
    "live": "The post was there at the last check.",
    "pending": "Not checked yet.",
    "text_only": "The article showed the text but no post ID, so it cannot be checked.",
    "deleted": "The post was deleted.",
    "removed": "X removed the post for breaking its rules.",
    "protected": "The account is protected: only followers can see the post.",
    "suspended": "The account is suspended.",
    "unavailable": "The post could not be seen (age-restricted, withheld or unknown).",
}


# SQL functions -----------------------------------------------------------------------------


def post_id_sql(value: str | None) -> str | None:
    """``archiver_post_id(x)``: the post ID in any status URL or bare ID, else ``x`` trimmed."""
    if value is None:
        return None
    value = str(value)
    ref = parse_post_ref(value)
    return ref[0] if ref else value.strip()


def article_url_sql(value: str | None) -> str | None:
    """``archiver_article_url(x)``: an article's identity (``urls.article_url``: tracking
    parameters and fragment dropped) for the address a user has, else ``x`` trimmed."""
    return None if value is None else article_url(str(value))


def fts_query_sql(value: str | None) -> str:
    """``archiver_fts_query(q)``: user words as an FTS5 query of quoted terms (never a syntax
    error); an empty query matches nothing."""
    return escape_fts((value or "").strip()) or '""'


# Which databases are archives ---------------------------------------------------------------


def archive_databases(datasette: Any) -> list[str]:
    """Names of the served databases that are archives (looked at once per database)."""
    known: dict[str, bool] = datasette.__dict__.setdefault("_archiver_databases", {})
    names = []
    for name, database in datasette.databases.items():
        if name not in known:
            known[name] = _is_archive(database)
        if known[name]:
            names.append(name)
    return names


def read_only_connection(database: Any) -> sqlite3.Connection:
    """A connection of the plugin's own to a Datasette database: read-only, and immutable
    when Datasette serves the file so (``archive serve`` of an archive in a directory it
    cannot write, where SQLite cannot make the ``-shm`` file a WAL archive is read
    through: every read failed with 'attempt to write a readonly database')."""
    immutable = not getattr(database, "is_mutable", True)
    options = "?mode=ro&immutable=1" if immutable else "?mode=ro"
    return sqlite3.connect(Path(database.path).resolve().as_uri() + options, uri=True)


def _is_archive(database: Any) -> bool:
    if getattr(database, "is_memory", False) or not getattr(database, "path", None):
        return False
    try:
        conn = read_only_connection(database)
        try:
            names = {row[0] for row in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return names >= ARCHIVE_TABLES


# Rendering ---------------------------------------------------------------------------------


def status_badge(status: str) -> Markup:
    """A coloured badge for a post status."""
    return Markup('<span class="archiver-status archiver-status-{}" title="{}">{}</span>').format(
        status if status in STATUS_HELP else "other",
        STATUS_HELP.get(status, ""),
        status,
    )


def safe_post_url(url: Any) -> str | None:
    """The URL when it is an https x.com/twitter.com address, else None (never ``javascript:``)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme == "https" and (parts.hostname or "") in POST_HOSTS:
        return url
    return None


def display_time(value: Any) -> str:
    """``2025-03-18T11:15:05.087Z`` → ``2025-03-18 11:15 UTC``; anything else as it is."""
    if not isinstance(value, str) or len(value) < 16 or value[10:11] != "T":
        return "" if value is None else str(value)
    return f"{value[:10]} {value[11:16]} UTC"


def post_links(datasette: Any, database: str, post_id: str) -> dict[str, str]:
    """Where to look next for a post: its row, provenance, snapshots, check history, kept
    media and its evidence package; its captures and TimeMap unless it is known only from
    text (no URL to have captures of: its TimeMap is a 404)."""
    from ..normalize import TEXT_ID_PREFIX

    quoted = quote(post_id, safe="")
    links = {
        "post": datasette.urls.row(database, "posts", tilde_encode(post_id)),
        "articles": f"{datasette.urls.query(database, 'provenance')}?post={quoted}",
        "snapshots": f"{datasette.urls.table(database, 'snapshots')}?post_id={quoted}",
        "checks": f"{datasette.urls.query(database, 'history')}?post={quoted}",
        "mementos": f"{datasette.urls.query(database, 'mementos')}?post={quoted}",
        "timemap": datasette.urls.path(f"/-/timemap/{quote(database)}/{quoted}"),
        "media": f"{datasette.urls.table(database, 'media')}?post_id={quoted}",
        "wacz": evidence.wacz_url(datasette, database, post_id),
    }
    if post_id.startswith(TEXT_ID_PREFIX):
        del links["mementos"], links["timemap"]
    return links


CARD_LINKS = (
    ("articles", "articles"),
    ("snapshots", "snapshots"),
    ("checks", "checks"),
    ("media", "media"),
    ("post", "row"),
)


def post_card(row: dict[str, Any], links: dict[str, str], extra: Markup | None = None) -> Markup:
    """A post as a card: author, handle, status, text, date, links, then ``extra`` (its
    captures). Everything escaped."""
    parts = [Markup('<div class="archiver-card">'), Markup('<div class="archiver-card-head">')]
    if row.get("author_name"):
        parts.append(
            Markup('<strong class="archiver-author">{}</strong> ').format(row["author_name"])
        )
    if row.get("handle"):
        parts.append(Markup('<span class="archiver-handle">@{}</span> ').format(row["handle"]))
    if row.get("status"):
        parts.append(status_badge(str(row["status"])))
    parts.append(Markup("</div>"))
    text = row.get("text")
    if text:
        parts.append(Markup('<div class="archiver-card-text">{}</div>').format(text))
    else:
        parts.append(Markup('<div class="archiver-card-text archiver-empty">(no text seen)</div>'))
    parts.append(Markup('<div class="archiver-card-meta">'))
    if row.get("created_at"):
        parts.append(
            Markup('<time datetime="{}">{}</time> · ').format(
                row["created_at"], display_time(row["created_at"])
            )
        )
    url = safe_post_url(row.get("url"))
    if url:
        parts.append(
            Markup('<a href="{}" rel="noopener noreferrer nofollow">on X</a> · ').format(url)
        )
    parts.append(
        Markup(" · ").join(
            Markup('<a href="{}">{}</a>').format(links[key], label)
            for key, label in CARD_LINKS
            if key in links
        )
    )
    if "mementos" in links and "timemap" in links:
        parts.append(
            Markup(' · <a href="{}">captures</a> (<a href="{}">TimeMap</a>)').format(
                links["mementos"], links["timemap"]
            )
        )
    if "wacz" in links:
        parts.append(
            Markup(' · <a href="{}" download rel="nofollow">download evidence (WACZ)</a>').format(
                links["wacz"]
            )
        )
    parts.append(Markup("</div>"))
    if extra:
        parts.append(extra)
    parts.append(Markup("</div>"))
    return Markup("").join(parts)


def captures_html(
    rows: list[tuple[Any, ...]], datasette: Any, database: str, links: dict[str, str]
) -> Markup:
    """A post's captures on its card, oldest first, as its TimeMap lists them: our own
    snapshots (linked to their rows) and the Wayback Machine's (raw replay URLs)."""
    items = []
    for when, source, snapshot_id, url in rows[:CARD_CAPTURES]:
        if snapshot_id is not None:
            href, label = datasette.urls.row(database, "snapshots", str(snapshot_id)), source
        elif isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
            href, label = url, "Wayback Machine"
        else:
            continue
        items.append(
            Markup(
                '<li><time datetime="{}">{}</time>: <a href="{}" rel="noopener noreferrer '
                'nofollow">{}</a></li>'
            ).format(when, display_time(when), href, label)
        )
    if not items:
        return Markup("")
    more = len(rows) - CARD_CAPTURES
    tail = Markup('<a href="{}">{} more</a>').format(links["mementos"], more) if more > 0 else ""
    return Markup('<div class="archiver-captures">Captures:<ul>{}</ul>{}</div>').format(
        Markup("").join(items), tail
    )


async def _captures(datasette: Any, database: str, post_id: str) -> list[tuple[Any, ...]]:
    """The post's mementos; none on an archive not yet upgraded (no provenance tables)."""
    try:
        result = await datasette.get_database(database).execute(MEMENTOS_SQL, {"post": post_id})
    except Exception:  # Datasette's QueryInterrupted or sqlite3 errors: the card still shows
        return []
    return [tuple(row) for row in result.rows]


def home_html(datasette: Any, database: str) -> Markup:
    """The home page text: what the archive is, and every canned query one click away."""
    items = Markup("").join(
        Markup('<li><a href="{}">{}</a>: {}</li>').format(
            datasette.urls.query(database, name), query["title"], query["description"]
        )
        for name, query in metadata.canned_queries().items()
    )
    return Markup("<p>{}</p><p>Questions:</p><ul>{}</ul>").format(metadata.DESCRIPTION, items)


def _row_dict(row: Any) -> dict[str, Any]:
    try:
        return {key: row[key] for key in row.keys()}  # noqa: SIM118 (sqlite3.Row)
    except (AttributeError, TypeError, IndexError, KeyError):
        return {}


# Hooks -------------------------------------------------------------------------------------


@hookimpl
def get_metadata(datasette, key, database, table):
    names = archive_databases(datasette)
    if not names:
        return {}
    meta = metadata.instance_metadata(names, queries=False)
    meta["description_html"] = home_html(datasette, names[0])
    return meta


@hookimpl
def canned_queries(datasette, database):
    if database in archive_databases(datasette):
        return metadata.canned_queries()
    return None


@hookimpl
def prepare_connection(conn):
    conn.create_function("archiver_post_id", 1, post_id_sql, deterministic=True)
    conn.create_function("archiver_fts_query", 1, fts_query_sql, deterministic=True)
    conn.create_function("archiver_article_url", 1, article_url_sql, deterministic=True)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database not in archive_databases(datasette):
        return None
    if column == "status" and isinstance(value, str) and value in STATUS_HELP:
        return status_badge(value)
    if table == "posts" and column == "text":
        data = _row_dict(row)
        if not data.get("id"):
            return None
        post_id = str(data["id"])
        links = post_links(datasette, database, post_id)

        async def card() -> Markup:
            rows = await _captures(datasette, database, post_id)
            photos = await evidence.kept_photos(datasette, database, post_id)
            extra = captures_html(rows, datasette, database, links)
            return post_card(data, links, Markup("").join([photos, extra]))

        return card
    if table is None and column == "snapshot_id" and isinstance(value, int):
        url = datasette.urls.row(database, "snapshots", str(value))
        return Markup('<a href="{}">snapshot {}</a>').format(url, value)
    if column == "record_id" and table != "records":
        # A foreign key cell arrives expanded ({"value": …, "label": …}) in table views.
        record_id = value.get("value") if isinstance(value, dict) else value
        return evidence_link(datasette, database, record_id) if isinstance(record_id, int) else None
    if table == "records" and column == "id" and isinstance(value, int):
        return evidence_link(datasette, database, value)
    if table == "media" and column == "url":
        return media_cell(datasette, database, _row_dict(row), value)
    if table is None and column == "post_id" and isinstance(value, str) and value:
        links = post_links(datasette, database, value)
        return Markup(
            '<a href="{}">{}</a> <span class="archiver-more">(<a href="{}">articles</a>)</span>'
        ).format(links["post"], value, links["articles"])
    return None


@hookimpl(hookwrapper=True)  # pluggy 1.0's form (``wrapper=True`` needs pluggy 1.1)
def handle_exception(datasette, request, exception):
    """A client's error (a 4xx) is answered without Datasette's traceback in the log: see
    ``client_errors``."""
    outcome = yield
    if archive_databases(datasette):
        handlers = outcome.get_result()
        outcome.force_result(client_errors.quiet_handlers(datasette, request, exception, handlers))


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(CSS_PATH)]


async def css(request):
    text = (files("archiver.datasette") / "static" / "archiver.css").read_text("utf-8")
    return Response(text, content_type="text/css; charset=utf-8")


async def timemap(request, datasette):
    """A post's RFC 7089 TimeMap (``application/link-format``), as ``archive timemap``
    prints it, with this Datasette's own address for our snapshots."""
    from ..errors import ArchiverError
    from ..memento import LINK_FORMAT, post_timemap_text

    database, named = request.url_vars["database"], request.url_vars["post_id"]
    post_id = evidence.routed_post_id(named)
    if database not in archive_databases(datasette):
        return Response.text("no such archive", status=404)
    if post_id is None:
        # As ``archive timemap`` says it; a status ID no post has is a 404 below.
        return Response.text(f"not a post URL or ID: {unquote(named)}", status=400)
    base_url = datasette.absolute_url(request, datasette.urls.path("/"))
    try:
        text = await datasette.get_database(database).execute_fn(
            lambda conn: post_timemap_text(conn, post_id, base_url, database)
        )
    except ArchiverError as exc:
        return Response.text(str(exc), status=404)
    if text is None:
        return Response.text("no such post in the archive", status=404)
    return Response(text, content_type=LINK_FORMAT, headers={"X-Content-Type-Options": "nosniff"})


@hookimpl
def register_routes():
    return [
        (r"^/-/archiver\.css$", css),
        (r"^/-/timemap/(?P<database>[^/]+)/(?P<post_id>[^/]+)$", timemap),
        *evidence.ROUTES,
        (r"^/-/(?:timemap|archiver)/.*$", no_such_page),  # after every route of ours
    ]


async def no_such_page(request):
    """Any other address under this plugin's prefixes (``/-/archiver/evidence/db/abc``): a
    404 of its own. Datasette's 404 for a path no route matches fails as a 500 when rich is
    installed (its handler asks rich for a traceback outside any ``except`` block)."""
    return evidence.not_found(f"{request.path}: no such page")


def evidence_link(datasette: Any, database: str, record_id: int) -> Markup:
    """A link that downloads a record's payload (an attachment, never rendered)."""
    return Markup('<a href="{}" download rel="nofollow">record {} (payload)</a>').format(
        evidence.payload_url(datasette, database, record_id), record_id
    )


def media_cell(datasette: Any, database: str, row: dict[str, Any], url: Any) -> Markup | None:
    """A kept photo as a thumbnail (served as an image only), beside its URL as text."""
    if row.get("kind") != "photo" or not row.get("record_id") or row.get("error"):
        return None
    src = evidence.photo_url(datasette, database, int(row["id"]))
    return Markup(
        '<a href="{src}"><img class="archiver-thumb" src="{src}" alt="kept photo" '
        'loading="lazy" width="120"></a><br>{url}'
    ).format(src=src, url=url)
