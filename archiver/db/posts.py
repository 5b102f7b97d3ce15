"""Writes and reads of posts and their checks and snapshots."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ..clock import utcnow
from ..errors import DatabaseError
from ..models import CheckRecord, PostToCheck
from ..urls import canonical_url, snowflake_time
from .connection import Archive, transaction
from .group import GroupWriter
from .label_changes import label_change
from .records import record_row, stored_body

_POST_COLUMNS = "id, handle, status, checks, not_found_checks"


def due_posts(db: Archive, limit: int, now: str | None = None) -> list[PostToCheck]:
    """Posts whose next check is due, most overdue first (text-only posts are never due)."""
    rows = db.conn.execute(
        f"select {_POST_COLUMNS} from posts where next_check_at is not null"
        " and next_check_at <= ? and id not like 'text:%' order by next_check_at limit ?",
        (now or utcnow(), limit),
    ).fetchall()
    return [PostToCheck(*row) for row in rows]


def posts_to_check(db: Archive, refs: Sequence[tuple[str, str | None]]) -> list[PostToCheck]:
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
    for post_id in dict.fromkeys(post_id for post_id, _ in refs):  # "20" and its URL: once
        row = db.conn.execute(f"select {_POST_COLUMNS} from posts where id = ?", (post_id,))
        found.append(PostToCheck(*row.fetchone()))
    return found


def check_writer(db: Archive) -> GroupWriter[CheckRecord, tuple[bool, bool]]:
    """A group writer of checks (snapshot runs: one commit per group, not per check)."""
    return GroupWriter(db, _save_check, lambda check: f"the check of post {check.post_id}")


def save_check(db: Archive, check: CheckRecord) -> tuple[bool, bool]:
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
    answers = [answer for answer, _ in check.answers]
    records = {
        id(a): record_row(conn, a.evidence)[0] if getattr(a, "evidence", None) else None
        for a in answers
    }
    evidence = check.content or next((a for a in answers if a.conclusive), None)
    record_id = records.get(id(evidence)) if evidence is not None else None
    snapshot_id, wrote = _snapshot_if_changed(conn, check, evidence, record_id)
    labels = None
    if not wrote and check.conclusive:  # a new snapshot holds its flags itself
        labels = label_change(conn, check.post_id, evidence, snapshot_id)
    conn.executemany(
        "insert into checks (post_id, checked_at, provider, http_status, status,"
        " snapshot_id, error, record_id, labels) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                check.post_id,
                check.checked_at,
                a.provider,
                a.http_status,
                a.status,
                snapshot_id if a is evidence else None,
                a.error or a.notice,
                records[id(a)],
                labels if a is evidence else None,
            )
            for a in answers
        ],
    )
    _update_post(conn, check, wrote)
    return wrote, previous != check.status


def _snapshot_if_changed(
    conn: sqlite3.Connection, check: CheckRecord, evidence: Any, record_id: int | None
) -> tuple[int | None, bool]:
    """Add a snapshot when the content (or the proven status) changed since the latest one.
    Returns (the snapshot this check produced or confirmed, whether it is new)."""
    latest = conn.execute(
        "select id, content_sha256, status, text from snapshots where post_id = ?"
        " and provider is not 'wayback' order by id desc limit 1",  # X's, not earlier captures
        (check.post_id,),
    ).fetchone()
    snapshot_id = latest[0] if latest else None
    if evidence is None or not check.conclusive or _shows_latest(conn, check, evidence, latest):
        return snapshot_id, False
    urls = {id(answer): url for answer, url in check.answers}
    fields = evidence.snapshot_fields()
    cursor = conn.execute(
        "insert into snapshots (post_id, fetched_at, provider, request_url, http_status,"
        " status, author_name, handle, text, created_at, media, payload, payload_sha256,"
        " content_sha256, partial, edit_ids, newer_version_id, quoted_id, parent_id, card,"
        " links, labels, record_id)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            stored_body(fields["payload"]),
            fields["payload_sha256"],
            check.content_sha256,
            int(bool(fields["partial"])),
            fields["edit_ids"],
            fields["newer_version_id"],
            fields["quoted_id"],
            fields["parent_id"],
            fields["card"],
            fields["links"],
            fields["labels"],
            record_id,
        ),
    )
    return int(cursor.lastrowid or 0), True


def _shows_latest(
    conn: sqlite3.Connection, check: CheckRecord, evidence: Any, latest: tuple | None
) -> bool:
    """True when the check shows what the latest snapshot (id, content hash, status, text)
    shows: its status, and its content (the same hash, or a long post cut short where the
    snapshot shows more of it). A newer version named for the first time is news (the post
    was edited) even when the version served for its ID is the same; an answer naming none
    (oEmbed) is not, nor one naming again the version an earlier snapshot named (one from
    oEmbed may be in between)."""
    if latest is None or latest[2] != check.status:
        return False
    shows_part = getattr(evidence, "shows_part_of", None)
    if latest[1] != check.content_sha256 and not (shows_part and shows_part(latest[3], latest[1])):
        return False
    newer = getattr(evidence, "newer_version_id", None)
    return newer is None or newer == _newer_version_named(conn, check.post_id)


def _newer_version_named(conn: sqlite3.Connection, post_id: str) -> str | None:
    """The newer version of the post X's snapshots last named (``NEWER_VERSION_SQL``)."""
    row = conn.execute(
        "select newer_version_id from snapshots where post_id = ? and newer_version_id is not"
        " null and provider is not 'wayback' order by id desc limit 1",
        (post_id,),
    ).fetchone()
    return row[0] if row else None


def _update_post(conn: sqlite3.Connection, check: CheckRecord, wrote: bool) -> None:
    """The post's new status and schedule; its text, author and handle when they changed
    (``wrote``: the check wrote a snapshot), or were not known. A check that wrote none
    showed the latest snapshot's content another way (a reply's mentions, a quote's link,
    a shorter cut of a long post, as another provider shows them): the post's text was
    rewritten at each switch of provider."""
    content = check.content
    conn.execute(
        "update posts set status = ?, last_checked_at = ?, next_check_at = ?,"
        " checks = checks + 1,"
        " status_changed_at = case when status != ? then ? else status_changed_at end,"
        " not_found_checks = case when ? then not_found_checks + 1"
        "   when ? then 0 else not_found_checks end,"
        # A time never gives way to a shorter one (an oEmbed day after a full time).
        " created_at = case when ? is null or length(?) < length(coalesce(created_at, ''))"
        "   then created_at else ? end where id = ?",
        (
            check.status,
            check.checked_at,
            check.next_check_at,
            check.status,
            check.checked_at,
            check.absent,
            check.conclusive,
            *[content.created_at if content else None] * 3,
            check.post_id,
        ),
    )
    if content is None:
        return
    # Only when something changed: the full-text index is rewritten on each such update.
    text, author, handle = content.text, content.author_name, content.handle
    if not wrote:  # the latest snapshot's content, shown another way: what the post says stays
        row = conn.execute(
            "select text, author_name, handle from posts where id = ?", (check.post_id,)
        ).fetchone()
        text, author, handle = row[0] or text, row[1] or author, row[2] or handle
    elif content.truncated:  # a new snapshot, a cut of the text the post shows: it stays
        row = conn.execute("select text from posts where id = ?", (check.post_id,)).fetchone()
        text = row[0] if row and content.is_cut_of(row[0]) else text
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
