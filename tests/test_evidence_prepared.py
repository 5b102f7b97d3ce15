"""Pages whose record is made ready in the scan's worker process (``PreparedPage``): the
worker deflates the bytes it scanned, the parent joins the WARC headers to them. The records
must be whole gzip members holding the files' exact bytes, read back by warcio, and pass
``archive verify``; the parent must not need the file again."""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import sqlite3
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.db import open_database
from archiver.evidence.gzip_member import deflate, join_member
from archiver.evidence.pages import PreparedPage, keep_page
from archiver.evidence.read import read_record
from archiver.evidence.warc import WarcLog, deflate_resource
from archiver.models import ScanRecord
from archiver.scan_one import scan_file
from archiver.scan_pool import PARALLEL_MIN_FILES

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="en">News {n}</p>&mdash; Ada (@ada)'
    ' <a href="https://twitter.com/ada/status/{id}">March 1, 2024</a></blockquote>'
)
ARCHIVE = Path(sys.executable).with_name("archive")


def page(n: int, embed: bool) -> bytes:
    body = EMBED.format(n=n, id=1000 + n) if embed else "<p>no post here</p>"
    filler = f"<p>paragraph {n} of the story, caf\u00e9</p>\n" * (50 + n)
    return f"<html><head><title>{n}</title></head><body>{filler}{body}</body></html>".encode()


def test_a_joined_member_is_one_standard_gzip_member() -> None:
    head, data, end = b"WARC/1.1\r\nA: b\r\n\r\n", os.urandom(5000) + b"ab" * 70000, b"\r\n\r\n"
    for left, right in ((head, data), (b"", data), (head, b""), (b"", b"")):
        member = join_member(left, deflate(right, end))
        assert gzip.decompress(member) == left + right + end
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        assert inflater.decompress(member) == left + right + end
        assert inflater.eof and not inflater.unused_data


def test_a_resource_from_bytes_deflated_ahead_equals_one_from_the_bytes(tmp_path: Path) -> None:
    data, when = page(1, True), datetime(2024, 3, 1, tzinfo=UTC)
    digest = hashlib.sha256(data).hexdigest()
    with WarcLog(tmp_path) as log:
        plain = log.write_resource("file:///a.html", data, "text/html", when)
        ahead = log.write_resource(
            "file:///a.html", deflate_resource(data), "text/html", when, payload_sha256=digest
        )
    (path,) = tmp_path.glob("*.warc.gz")
    stored = [read_record(path, p.warc_offset, p.warc_length) for p in (plain, ahead)]
    assert stored[0].payload == stored[1].payload == data
    assert plain.payload_sha256 == ahead.payload_sha256 == digest
    with open(path, "rb") as fh:
        headers = [r.rec_headers for r in ArchiveIterator(fh) if r.rec_type == "resource"]
    same = [[(k, v) for k, v in h.headers if k not in ("WARC-Record-ID",)] for h in headers]
    assert len(same) == 2 and same[0] == same[1]


def test_the_parent_keeps_a_prepared_page_without_reading_the_file(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    data = page(2, True)
    path.write_bytes(data)
    record = scan_file(str(path), include_links=False, evidence=True)
    assert isinstance(record, ScanRecord) and isinstance(record.capture, PreparedPage)
    record = pickle.loads(pickle.dumps(record))  # as it comes back from a worker process
    path.write_bytes(b"<html>changed after the scan</html>")
    db = open_database(tmp_path / "archive.db")
    with WarcLog(tmp_path / "warc") as log:
        pointer = keep_page(db.conn, log, record, record.capture)
    db.conn.close()
    assert pointer is not None and pointer.payload_sha256 == hashlib.sha256(data).hexdigest()
    stored = read_record(
        tmp_path / "warc" / pointer.warc_file, pointer.warc_offset, pointer.warc_length
    )
    assert stored.payload == data and stored.content_type == "text/html"


def test_pages_without_an_embed_and_scans_without_evidence_prepare_nothing(tmp_path) -> None:
    path = tmp_path / "plain.html"
    path.write_bytes(page(3, False))
    assert scan_file(str(path), False, evidence=True).capture is None
    path.write_bytes(page(3, True))
    assert scan_file(str(path), False, evidence=False).capture is None


def test_a_directory_scanned_by_worker_processes_keeps_exact_bytes(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    count = PARALLEL_MIN_FILES + 6  # enough files for the worker processes
    for n in range(count):
        (pages / f"{n:03d}.html").write_bytes(page(n, embed=n % 3 != 0))
    db = tmp_path / "archive.db"
    scan = subprocess.run([ARCHIVE, "scan", str(pages), "--db", str(db)], capture_output=True)
    assert scan.returncode == 0, scan.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select target_uri, warc_file, warc_offset, warc_length, payload_sha256"
            " from records order by id"
        ).fetchall()
    assert len(rows) == sum(n % 3 != 0 for n in range(count))
    for uri, warc_file, offset, length, sha256 in rows:
        data = Path(uri.removeprefix("file://")).read_bytes()
        stored = read_record(tmp_path / "archive-warc" / warc_file, offset, length)
        assert stored.payload == data and sha256 == hashlib.sha256(data).hexdigest()
        assert stored.record_type == "resource" and stored.content_type == "text/html"
    verify = subprocess.run([ARCHIVE, "verify", "--db", str(db)], capture_output=True, text=True)
    assert verify.returncode == 0 and f"{len(rows)} records" in verify.stdout, verify.stdout


def test_a_files_record_type_comes_from_its_suffix_without_the_machines_mime_files() -> None:
    """mimetypes read /etc/mime.types on first use (5 ms of a one-file scan) and made the
    stored type depend on the machine; the scanned suffixes have a table of their own."""
    from archiver.evidence.pages import _content_type

    page = b"<html><body><p>x</p></body></html>"
    assert _content_type("file:///a/b%20c.HTML", page) == "text/html"
    assert _content_type("file:///a/notes.md", b"# notes") == "text/markdown"
    assert _content_type("file:///a/page.php", page) == "text/html"  # sniffed
    assert _content_type("file:///a/page.php", b"just text") == "text/plain"
    assert _content_type("stdin:abc", page) == "text/html"
