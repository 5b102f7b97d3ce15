"""Provider replies as evidence: every answer of a check is kept before the check is saved.

A reply whose payload is the same as the last one kept for the same request URL, as served
and decoded (``revisits``), becomes a ``revisit`` record (identical-payload-digest profile:
the HTTP headers and a pointer, about half a kilobyte); any other reply a ``response``
record. Each comes after its ``request``.

The check of an unchanged reply points at the record that holds its payload (the one the
revisit refers to): a re-check that found nothing new adds only its ``checks`` row to the
archive, not a ``records`` row too. Its revisit record is in the WARC files, where ``archive
verify`` reads every byte and replay tools find it.
"""

from __future__ import annotations

import sqlite3

from ..models import CheckRecord, WarcRecordRef
from .revisits import keep_answer
from .warc import HttpCapture, WarcLog


def keep_reply(
    conn: sqlite3.Connection, log: WarcLog, capture: HttpCapture, durable: bool = True
) -> WarcRecordRef:
    """Write one reply: a revisit when its payload is unchanged, else a response. Returns
    the record that holds the payload (for a revisit, the one it refers to). ``durable``
    False: the caller syncs the log before committing a row that names it."""
    return keep_answer(conn, log, capture, durable=durable).payload


def keep_check_replies(conn: sqlite3.Connection, log: WarcLog, check: CheckRecord) -> None:
    """Write each answer's reply and leave its pointer on the answer (``evidence``). The
    records are not fsynced one by one: the caller syncs the log once per group of checks,
    before the commit that names them."""
    for answer, _ in check.answers:
        capture, answer.capture = getattr(answer, "capture", None), None
        if capture is None or not log.enabled:
            continue  # no reply came (a network failure), or evidence is off
        answer.evidence = keep_reply(conn, log, capture, durable=False)
