"""``records`` rows: where the bytes of a page are, in a WARC file."""

from __future__ import annotations

import sqlite3

from ..models import WarcRecordRef


def record_row(conn: sqlite3.Connection, ref: WarcRecordRef) -> tuple[int, int | None]:
    """The id of the ``records`` row of ``ref`` (added when new), and the article of the scan
    already made from that record (None when it was never scanned)."""
    cursor = conn.execute(
        "insert into records (warc_file, warc_offset, warc_length, record_id, record_type,"
        " target_uri, date, http_status, content_type, payload_sha256)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict(warc_file, warc_offset) do nothing",
        (
            ref.warc_file,
            ref.warc_offset,
            ref.warc_length,
            ref.record_id,
            ref.record_type,
            ref.target_uri,
            ref.date,
            ref.http_status,
            ref.content_type,
            ref.payload_sha256,
        ),
    )
    if cursor.rowcount == 1:  # a new row (a record this scan wrote): no scan was made from it
        return int(cursor.lastrowid or 0), None
    row_id = conn.execute(
        "select id from records where warc_file = ? and warc_offset = ?",
        (ref.warc_file, ref.warc_offset),
    ).fetchone()[0]
    scanned = conn.execute(
        "select article_id from scans where record_id = ? limit 1", (row_id,)
    ).fetchone()
    return int(row_id), None if scanned is None else int(scanned[0])


def stored_body(body: bytes | str) -> bytes | str:
    """A response body as a row keeps it (``snapshots.payload``): as text when it is UTF-8,
    so Datasette shows it, else as the bytes themselves (a BLOB): decoding with replacement
    characters would store other bytes than the ones served, and their SHA-256."""
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body
