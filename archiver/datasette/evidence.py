"""Evidence in Datasette: a record's payload, a kept photo, a post's WACZ.

Archived bytes are untrusted. A payload is always served as an attachment
(``Content-Disposition: attachment``, ``application/octet-stream``, ``nosniff``), never
rendered. A kept photo is served only when its row says it is an image of a known type and
its bytes start as that type does, with that type, ``nosniff`` and a Content-Security-Policy
under which nothing runs. The WACZ of one post is built on request from the read-only file.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from datasette.utils.asgi import Response
from markupsafe import Markup

from ..errors import ArchiverError
from ..evidence.read import RecordError, StoredRecord, read_record, resolve
from ..evidence.warc import default_warc_dir
from ..normalize import TEXT_ID_PREFIX
from ..urls import parse_post_ref

ROUTES_PREFIX = "/-/archiver"
WARC_DIR_ENV = "ARCHIVER_WARC_DIR"  # set by ``archive serve`` from ``[archive] warc_dir``
# The image types a kept photo may be served as, each with the test of its first bytes (a
# WebP file is a RIFF container: ``RIFF``, its size, then ``WEBP``; ``RIFF`` alone also
# begins a WAV or an AVI file).
IMAGE_MAGIC: dict[str, Callable[[bytes], bool]] = {
    "image/jpeg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "image/png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/gif": lambda data: data.startswith((b"GIF87a", b"GIF89a")),
    "image/webp": lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP",
}
INERT = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
}


def payload_url(datasette: Any, database: str, record_id: int) -> str:
    return datasette.urls.path(f"{ROUTES_PREFIX}/evidence/{database}/{int(record_id)}")


def photo_url(datasette: Any, database: str, media_id: int) -> str:
    return datasette.urls.path(f"{ROUTES_PREFIX}/media/{database}/{int(media_id)}")


def wacz_url(datasette: Any, database: str, post_id: str) -> str:
    from urllib.parse import quote

    return datasette.urls.path(f"{ROUTES_PREFIX}/wacz/{database}/{quote(post_id, safe='')}")


async def kept_photos(datasette: Any, database: str, post_id: str, limit: int = 4) -> Markup:
    """Thumbnails of a post's kept photos (served by ``media_photo``, images only)."""
    db = _archive(datasette, database)
    if db is None:
        return Markup("")
    rows = await db.execute(
        "select id from media where post_id = ? and kind = 'photo' and error is null"
        " and record_id is not null order by id limit ?",
        [post_id, limit],
    )
    return Markup("").join(
        Markup(
            '<a href="{src}"><img class="archiver-thumb" src="{src}" alt="kept photo" '
            'loading="lazy" width="120"></a>'
        ).format(src=photo_url(datasette, database, row["id"]))
        for row in rows.rows
    )


def not_found(message: str) -> Response:
    return Response.text(message, status=404, headers={"X-Content-Type-Options": "nosniff"})


def _archive(datasette: Any, name: str):
    """The Datasette database ``name`` when it is an archive, else None."""
    from .plugin import archive_databases

    return datasette.get_database(name) if name in archive_databases(datasette) else None


def _warc_dir(datasette: Any, db_path: str) -> Path:
    """The plugin's ``warc_dir`` setting, else ``[archive] warc_dir`` as ``archive serve``
    passes it, else the default beside the archive."""
    configured = (datasette.plugin_config("archiver") or {}).get("warc_dir")
    configured = configured or os.environ.get(WARC_DIR_ENV)
    return Path(configured) if configured else default_warc_dir(db_path)


async def record_payload(request: Any, datasette: Any) -> Response:
    """``/-/archiver/evidence/<db>/<record id>``: the record's payload, as an attachment; a
    revisit's is its original's (a revisit holds the HTTP head alone)."""
    db = _archive(datasette, request.url_vars["database"])
    if db is None:
        return not_found("no such archive")
    record_id = int(request.url_vars["record"])
    row = await _record_row(db, "id", record_id)
    if row is None:
        return not_found("no such record")
    try:
        stored = await _read(datasette, db, row)
        if stored.record_type == "revisit" and stored.refers_to:
            original = await _record_row(db, "record_id", stored.refers_to)
            if original is None:
                return not_found(f"record {record_id}: its original is not in the archive")
            row, stored = original, await _read(datasette, db, original)
    except RecordError as exc:
        return Response.text(f"record {record_id}: {exc}", status=500)
    kind = (row["content_type"] or "").split(";")[0].strip().lower()
    suffix = mimetypes.guess_extension(kind) or ".bin" if kind else ".bin"
    headers = {
        **INERT,
        "Content-Disposition": f'attachment; filename="record-{record_id}{suffix}"',
        "X-Archiver-Payload-SHA256": stored.payload_sha256,
    }
    return Response(
        stored.payload, status=200, headers=headers, content_type="application/octet-stream"
    )


async def _record_row(db: Any, column: str, value: object) -> Any:
    rows = await db.execute(
        "select warc_file, warc_offset, warc_length, content_type, payload_sha256 from records"
        f" where {column} = ? order by id limit 1",
        [value],
    )
    return rows.first()


async def _read(datasette: Any, db: Any, row: Any) -> StoredRecord:
    path = resolve(_warc_dir(datasette, db.path), row["warc_file"])
    return await asyncio.to_thread(read_record, path, row["warc_offset"], row["warc_length"])


async def media_photo(request: Any, datasette: Any) -> Response:
    """``/-/archiver/media/<db>/<media id>``: a kept photo, only ever as an image."""
    db = _archive(datasette, request.url_vars["database"])
    if db is None:
        return not_found("no such archive")
    rows = await db.execute(
        "select media.kind, media.content_type, media.sha256, records.warc_file,"
        " records.warc_offset, records.warc_length from media"
        " join records on records.id = media.record_id where media.id = ? and media.error is null",
        [int(request.url_vars["media"])],
    )
    row = rows.first()
    kind = (row["content_type"] or "").split(";")[0].strip().lower() if row else ""
    if row is None or row["kind"] != "photo" or kind not in IMAGE_MAGIC:
        return not_found("no kept photo here")
    try:
        stored = await _read(datasette, db, row)
    except RecordError:
        return not_found("the photo's record cannot be read")
    looks_right = IMAGE_MAGIC[kind](stored.payload)
    if stored.payload_sha256 != row["sha256"] or not looks_right:
        return not_found("the kept bytes are not that image")
    return Response(stored.payload, status=200, headers=dict(INERT), content_type=kind)


def routed_post_id(segment: str) -> str | None:
    """The post a route's path segment names, as ``archive export --post`` reads it: a status
    URL or ID as its ID, the ``text:`` ID of a post known only from its text as it is; None
    for anything else. The segment is percent-decoded first: Datasette hands it on as sent,
    and a card links a text ID as ``text%3A…``."""
    value = unquote(segment).strip()
    if value.startswith(TEXT_ID_PREFIX):
        return value
    ref = parse_post_ref(value)
    return ref[0] if ref else None


async def post_wacz(request: Any, datasette: Any) -> Response:
    """``/-/archiver/wacz/<db>/<post>``: the WACZ of one post's evidence, as an attachment."""
    from ..evidence.wacz import Selection, export_wacz

    db = _archive(datasette, request.url_vars["database"])
    post_id = routed_post_id(request.url_vars["post"])
    if db is None or post_id is None:
        return not_found("no such archive or post")
    warc_dir = _warc_dir(datasette, db.path)

    def build() -> bytes:
        from .plugin import read_only_connection

        conn = read_only_connection(db)
        try:
            with tempfile.TemporaryDirectory() as scratch:
                out = Path(scratch) / "post.wacz"
                export_wacz(conn, warc_dir, out, Selection(posts=(post_id,)))
                return out.read_bytes()
        finally:
            conn.close()

    try:
        data = await asyncio.to_thread(build)
    except ArchiverError as exc:
        return not_found(str(exc))
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="post-{post_id.replace(":", "-")}.wacz"',
    }
    return Response(data, status=200, headers=headers, content_type="application/wacz")


ROUTES = [
    (rf"^{ROUTES_PREFIX}/evidence/(?P<database>[^/]+)/(?P<record>[0-9]+)$", record_payload),
    (rf"^{ROUTES_PREFIX}/media/(?P<database>[^/]+)/(?P<media>[0-9]+)$", media_photo),
    (rf"^{ROUTES_PREFIX}/wacz/(?P<database>[^/]+)/(?P<post>[^/]+)$", post_wacz),
]
