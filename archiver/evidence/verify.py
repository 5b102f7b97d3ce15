"""``archive verify``: every pointer in the archive against the bytes it points at.

For each ``records`` row the record is read back at its offset and length: its
WARC-Record-ID and type must be the row's, its block and payload digests must hold, and the
SHA-256 of its payload must be the row's (a revisit must refer to a record the archive holds,
with the same payload hash). Each embed's byte range must hash to its ``raw_sha256``, each
snapshot's payload hash must be its record's. Then every WARC file the archive wrote is read
whole, gzip member by member, so a changed byte outside any referenced record fails too. A
truncated record at a file's very end is what a crash leaves; it is reported, not failed,
since no row can name it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..db import evidence as rows
from ..small_files import open_regular
from ..urls import without_password
from .read import RecordError, StoredRecord, read_record, resolve, walk_members
from .warc import SEAL_SUFFIX, SUFFIX


@dataclass
class VerifyReport:
    """What ``archive verify`` checked, and each problem it found."""

    records: int = 0
    embeds: int = 0
    snapshots: int = 0
    media: int = 0
    files: int = 0
    incomplete_tails: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        summary = (
            f"{self.records} records, {self.embeds} embed byte ranges, {self.snapshots}"
            f" snapshots, {self.media} media, {self.files} WARC file(s) checked"
        )
        tail = (
            f"; {self.incomplete_tails} unreferenced incomplete record(s) at a file's end"
            " (left by an interrupted write)"
            if self.incomplete_tails
            else ""
        )
        verdict = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        return [*self.problems, f"{summary}{tail}: {verdict}"]


def verify_archive(conn: sqlite3.Connection, warc_dir: Path) -> VerifyReport:
    report = VerifyReport()
    report.problems += [f"the archive's file: {line}" for line in rows.damaged_pages(conn)]
    dangling = rows.dangling_pointers(conn)
    if dangling:
        report.problems.append(f"{dangling} row(s) point at a records row that does not exist")
    embeds: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    for embed_id, record_id, start, end, digest in rows.embed_ranges(conn):
        embeds[record_id].append((embed_id, start, end, digest))
    claims: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for table, row_id, record_id, digest in rows.payload_hashes(conn):
        claims[record_id].append((table, row_id, digest))
    payload_ids = {p.record.record_id: p.record for p in rows.all_records(conn)}
    for pointer in rows.all_records(conn):
        report.records += 1
        row = pointer.record
        label = f"record {pointer.id} ({row.warc_file}@{row.warc_offset})"
        try:
            path = resolve(warc_dir, row.warc_file)
            ours = not Path(row.warc_file).is_absolute()
            stored = read_record(path, row.warc_offset, row.warc_length, ours)
        except RecordError as exc:
            report.problems.append(f"{label}: {exc}")
            continue
        report.problems += [f"{label}: {p}" for p in _record_problems(row, stored, payload_ids)]
        for embed_id, start, end, digest in embeds.pop(pointer.id, []):
            report.embeds += 1
            whole = isinstance(start, int) and isinstance(end, int)  # a damaged row: anything
            if not whole or hashlib.sha256(stored.payload[start:end]).hexdigest() != digest:
                report.problems.append(f"embed {embed_id}: bytes {start}-{end} of {label} differ")
        # A revisit stands for its original's payload.
        original = payload_ids.get(stored.refers_to or "") if stored.refers_to else None
        payload_sha256 = original.payload_sha256 if original else stored.payload_sha256
        for table, row_id, digest in claims.pop(pointer.id, []):
            setattr(report, table, getattr(report, table) + 1)
            if digest != payload_sha256:
                report.problems.append(f"{table} {row_id}: payload differs from {label}")
    _check_files(warc_dir, report)
    return report


def _record_problems(row, stored: StoredRecord, by_record_id: dict) -> list[str]:
    problems = []
    if stored.record_id != row.record_id:
        problems.append(f"WARC-Record-ID is {stored.record_id}, the row says {row.record_id}")
    if stored.record_type != row.record_type:
        problems.append(f"a {stored.record_type} record, the row says {row.record_type}")
    if stored.record_type == "revisit":
        original = by_record_id.get(stored.refers_to or "")
        if original is None:
            problems.append(f"revisit refers to {stored.refers_to}, which the archive lacks")
        elif not _same_address(stored.target_uri, original.target_uri):
            problems.append("revisit's URL differs from the record it refers to")
        elif row.payload_sha256 != original.payload_sha256:
            problems.append("payload SHA-256 differs from the record it refers to")
    elif row.payload_sha256 and stored.payload_sha256 != row.payload_sha256:
        problems.append("payload SHA-256 differs")
    return problems


def _same_address(revisit: str | None, original: str | None) -> bool:
    """Whether a revisit's WARC-Target-URI is its original's row's address. A password is
    no part of it: a revisit written before the archive left passwords out of addresses
    keeps one in its headers, which m031 dropped from the rows (``without_password``)."""
    return without_password(revisit or "") == without_password(original or "")


def _check_files(warc_dir: Path, report: VerifyReport) -> None:
    """Every WARC file the archive wrote, whole: its sealed part against its seal, and every
    gzip member; an incomplete last member is a crash's cut write only past the seal."""
    if not warc_dir.is_dir():
        return
    for path in sorted(warc_dir.glob(f"*{SUFFIX}")):
        report.files += 1
        try:
            _check_file(path, report)
        except OSError as exc:  # a directory, a FIFO or a symlink loop in the file's place
            report.problems.append(f"{path.name}: cannot read ({exc.strerror or exc})")


def _check_file(path: Path, report: VerifyReport) -> None:
    sealed, problem = _check_seal(path)
    if problem:
        report.problems.append(f"{path.name}: {problem}")
    for member in walk_members(path):
        if member.truncated_tail and member.offset >= sealed:
            report.incomplete_tails += 1
        elif member.problem:
            report.problems.append(f"{path.name}@{member.offset}: {member.problem}")


def _check_seal(path: Path) -> tuple[int, str | None]:
    """(length of the sealed part, a problem or None): the file's first bytes must hash to
    what its writer sealed (``NAME.sha256``; a file without one is checked by members only)."""
    seal = path.with_name(path.name + SEAL_SUFFIX)
    try:
        with open_regular(seal) as fh:
            digest, length = fh.read().decode().split()
        sealed = int(length)
        if sealed < 0:
            raise ValueError(length)
    except FileNotFoundError:
        return 0, None
    except (OSError, ValueError):
        return 0, f"unreadable seal {seal.name}"
    with open_regular(path) as fh:
        head = fh.read(min(sealed, os.fstat(fh.fileno()).st_size + 1))  # never a huge buffer
    if len(head) < sealed:
        return sealed, f"shorter than its seal ({len(head)} of {sealed} bytes)"
    if hashlib.sha256(head).hexdigest() != digest:
        return sealed, "changed since it was written (SHA-256 differs from its seal)"
    return sealed, None
