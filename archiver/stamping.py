"""``archive timestamp`` and its check in ``archive verify``: the archive's evidence under
RFC 3161 timestamps (see ``timestamps`` for the manifests and tokens themselves).

A run lists every record written since the previous manifest, asks the TSA for a token over
the new manifest, writes the manifest as a WARC ``metadata`` record (durable before any row
names it), then stores the records row and the ``timestamps`` row in one transaction. A TSA
that refuses, answers garbage or a token that does not verify stores nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import utcnow
from .config import Config
from .db.connection import transaction
from .db.provenance import (
    TimestampRow,
    latest_timestamp,
    record_location,
    records_after,
    save_timestamp,
    timestamp_rows,
)
from .errors import FetchError
from .small_files import NotReadable, read_small_file, why_unreadable
from .timestamps import (
    QUERY_TYPE,
    REPLY_TYPE,
    ManifestEntry,
    TimestampError,
    build_manifest,
    chain_problems,
    load_trust_anchors,
    read_token,
    sha256_hex,
    timestamp_query,
    token_imprint,
    verify_token,
)

if TYPE_CHECKING:
    from .http import Http

MAX_CA_FILE_BYTES = 10_000_000  # a system's whole CA bundle is some 200 KB
MANIFEST_URI = "urn:archiver:manifest:"  # + the manifest's SHA-256: the record's target
MANIFEST_TYPE = "application/json"

#: POST a DER query to the TSA: (HTTP status, body). Raises ``FetchError``.
Post = Callable[[str, bytes], tuple[int, bytes]]
#: Write manifest bytes as a WARC metadata record and its ``records`` row (inside the open
#: transaction of ``conn``); the row's id.
WriteManifest = Callable[[sqlite3.Connection, str, bytes], int]
#: The payload of the record with this ``records.id``; raises ``ArchiverError`` if unreadable.
ReadPayload = Callable[[int], bytes]


def trust_anchors(config: Config) -> list:
    """The certificates of ``[timestamp] ca_file`` (empty when it is not set)."""
    ca_file = config.timestamp.ca_file
    if not ca_file:
        return []
    try:  # a named pipe in its place would hold verify for ever
        pem = read_small_file(ca_file, MAX_CA_FILE_BYTES)
    except (OSError, NotReadable) as exc:
        raise TimestampError(
            f"{ca_file}: cannot read the TSA's CA file ({why_unreadable(exc)})"
        ) from None
    return load_trust_anchors(pem, ca_file)


def stamp_new_evidence(
    db, config: Config, post: Post, write_manifest: WriteManifest
) -> TimestampRow | None:
    """Timestamp the records written since the previous timestamp; None when there are none
    (the previous manifest's own record does not count: it is listed by the next one).
    Raises ``TimestampError`` (TSA refused, bad reply, token does not verify)."""
    tsa_url = config.timestamp.tsa_url
    if not tsa_url:
        raise TimestampError("no time-stamping authority: set [timestamp] tsa_url")
    previous = latest_timestamp(db.conn)
    rows = records_after(db.conn, _through(previous))
    if all((uri or "").startswith(MANIFEST_URI) for *_, uri in rows):
        return None  # nothing new but the previous manifest: it is listed next time
    entries = [ManifestEntry(row_id, warc_id, digest) for row_id, warc_id, digest, _ in rows]
    manifest = build_manifest(entries, previous.manifest_sha256 if previous else None, utcnow())
    query = timestamp_query(manifest)
    der = _ask(post, tsa_url, query.as_bytes())
    token = read_token(der, query, manifest)
    anchors = trust_anchors(config)
    if anchors:
        verify_token(der, manifest, anchors)
    digest = sha256_hex(manifest)
    with transaction(db) as conn:
        if latest_timestamp(conn) != previous:  # another run chained first: no fork
            raise TimestampError("another timestamp was made meanwhile: run it again")
        record_id = write_manifest(conn, MANIFEST_URI + digest, manifest)
        row = TimestampRow(
            0, utcnow(), tsa_url, digest, der, token.gen_time, record_id, entries[-1].id
        )
        row_id = save_timestamp(conn, row)
    return row._replace(id=row_id)


def _through(previous: TimestampRow | None) -> int:
    return previous.records_through or 0 if previous else 0


def _ask(post: Post, tsa_url: str, query: bytes) -> bytes:
    try:
        status, body = post(tsa_url, query)
    except FetchError as exc:
        raise TimestampError(f"time-stamping authority unreachable: {exc}") from None
    if status != 200:
        raise TimestampError(f"{tsa_url}: time-stamping authority answered HTTP {status}")
    return body


@dataclass
class TimestampReport:
    """What ``archive verify`` found about the timestamps."""

    checked: int = 0
    signatures: bool = False  # whether tokens were checked against a trust anchor
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.checked and not self.problems:
            return "no timestamps to check"
        how = (
            "and their TSA signatures"
            if self.signatures
            else ("(signatures not checked: set [timestamp] ca_file)")
        )
        verdict = "OK" if not self.problems else f"{len(self.problems)} problem(s)"
        return f"{self.checked} timestamps: manifests, chain {how}: {verdict}"


def check_timestamps(
    conn: sqlite3.Connection, read_payload: ReadPayload, anchors
) -> TimestampReport:
    """Every token against its manifest (read back from its WARC record) and, with
    ``anchors``, the TSA's signature; and the chain of manifests."""
    report = TimestampReport(signatures=bool(anchors))
    chain: list[tuple[str, str, bytes]] = []
    for row in timestamp_rows(conn):
        report.checked += 1
        label = f"timestamp {row.id}"
        try:
            manifest = read_payload(row.record_id) if row.record_id is not None else None
        except Exception as exc:  # an unreadable record is a problem, not a crash
            report.problems.append(f"{label}: manifest record unreadable ({exc})")
            continue
        if manifest is None:
            report.problems.append(f"{label}: no manifest record")
            continue
        chain.append((label, row.manifest_sha256, manifest))
        report.problems += [f"{label}: {p}" for p in _token_problems(row, manifest, anchors)]
    report.problems += chain_problems(chain)
    return report


def _token_problems(row: TimestampRow, manifest: bytes, anchors: list) -> list[str]:
    problems = []
    try:
        if token_imprint(row.token) != sha256_hex(manifest):
            problems.append("token is not over the manifest's bytes")
        elif anchors:
            verify_token(row.token, manifest, anchors)
    except TimestampError as exc:
        problems.append(str(exc))
    return problems


def timestamp_archive(db, config: Config) -> TimestampRow | None:
    """``archive timestamp``: ``stamp_new_evidence`` with the TSA reached through the HTTP
    layer and the manifest kept in the archive's WARC files."""
    from .db.records import record_row
    from .evidence.warc import evidence_log
    from .http import Http

    with evidence_log(db, config) as log, Http(config.fetch) as http:
        if not log.enabled:
            raise TimestampError("timestamps need the evidence: set [archive] evidence = true")

        def write(conn: sqlite3.Connection, uri: str, manifest: bytes) -> int:
            ref = log.write_resource(uri, manifest, MANIFEST_TYPE, record_type="metadata")
            return record_row(conn, ref)[0]

        return stamp_new_evidence(db, config, tsa_post(http), write)


def tsa_post(http: Http) -> Post:
    """An RFC 3161 query POSTed through ``http``, as idempotent (RFC 9110 9.2.2's exception
    for a request whose effect is known): a TSA answers each query with a token of its own
    and keeps nothing the archive relies on, and the reply kept is checked against this
    query's imprint and nonce, so a query sent twice costs at most a second token, never a
    wrong one. It is then sent again when a kept-alive connection fails before any byte of
    its answer, as a GET is (``Http.post``)."""

    def post(url: str, query: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE}
        exchange = http.post(url, query, headers=headers, idempotent=True)
        return exchange.status_code, exchange.body

    return post


def read_payload_in(conn: sqlite3.Connection, warc_dir: Path) -> ReadPayload:
    """Read a record's payload back from the WARC files by its ``records.id``."""
    from .evidence.read import read_record, resolve

    def read(record_id: int) -> bytes:
        where = record_location(conn, record_id)
        if where is None:
            raise TimestampError(f"records row {record_id} is missing")
        warc_file, offset, length = where
        return read_record(resolve(warc_dir, warc_file), offset, length).payload

    return read
