"""Evidence records as gzip members compressed with ISA-L, and their SHA-256 digests: read
back by the standard library, warcio and FastWARC, and by ``archive verify``'s checks (also
on members written by the zlib writer of earlier versions)."""

from __future__ import annotations

import gzip
import hashlib
import io
import random
import time
import zlib
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from archiver.evidence.fields import warc_fields
from archiver.evidence.gzip_member import GZIP_HEADER, gzip_member
from archiver.evidence.read import RecordError, check_record, walk_members
from archiver.evidence.warc import WarcLog

PAGE = b"<html><body><p>caf\xc3\xa9</p>" + b"<div class=x>story text</div>\n" * 400 + b"</html>"


def zlib_member(data: bytes) -> bytes:
    """A member as the writer of earlier versions made it (zlib, level 3)."""
    compressor = zlib.compressobj(3, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def members(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[m.offset : m.offset + m.length] for m in walk_members(path)]


def test_a_member_is_standard_gzip_with_the_header_of_earlier_files() -> None:
    for data in (b"", b"x", PAGE, bytes(range(256)) * 1000):
        member = gzip_member(data)
        assert gzip.decompress(member) == data
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        assert inflater.decompress(member) == data and inflater.eof
        assert not inflater.unused_data
        assert member[:10] == GZIP_HEADER == zlib_member(data)[:10]
    assert len(gzip_member(PAGE)) < len(PAGE) // 4


def fast_block_digests(data: bytes) -> list[tuple[str, bool]]:
    """FastWARC's reading of each record: its type and whether its block digest holds."""
    found = []
    for record in FastIterator(io.BytesIO(data)):
        found.append((record.headers["WARC-Type"], record.verify_block_digest()))
    return found


def write_page(directory: Path, data: bytes = PAGE, sha256: str | None = None):
    with WarcLog(directory) as log:
        pointer = log.write_resource("file:///story.html", data, "text/html", payload_sha256=sha256)
    (path,) = directory.glob("*.warc.gz")
    return path, pointer


def test_a_resource_carries_the_sha256_as_its_digests(tmp_path: Path) -> None:
    path, pointer = write_page(tmp_path)
    expected = "sha256:" + hashlib.sha256(PAGE).hexdigest()
    assert pointer.payload_sha256 == hashlib.sha256(PAGE).hexdigest()
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests=True):
            block = record.content_stream().read()
            assert record.digest_checker.passed is True
            assert not record.digest_checker.problems
            if record.rec_type == "resource":
                assert block == PAGE
                headers = record.rec_headers
            else:
                assert record.rec_type == "warcinfo" and block.startswith(b"software: archiver/")
    assert headers.get_header("WARC-Payload-Digest") == expected
    assert headers.get_header("WARC-Block-Digest") == expected
    assert fast_block_digests(path.read_bytes()) == [("warcinfo", True), ("resource", True)]


def test_a_changed_payload_fails_its_sha256_digest(tmp_path: Path) -> None:
    path, _ = write_page(tmp_path)
    record = gzip.decompress(members(path)[1])
    changed = gzip_member(record.replace(b"story text", b"story test", 1))
    with pytest.raises(RecordError, match="digest"):
        check_record(changed, "changed")
    assert fast_block_digests(changed) == [("resource", False)]
    assert check_record(gzip_member(record), "as written").payload == PAGE


def test_a_wrong_sha256_from_a_caller_is_caught_on_reading(tmp_path: Path) -> None:
    """The digest handed in is written as is: reading the record checks it."""
    path, _ = write_page(tmp_path, sha256=hashlib.sha256(b"other bytes").hexdigest())
    with pytest.raises(RecordError, match="digest"):
        check_record(members(path)[1], "wrong digest")


def test_records_compressed_by_the_earlier_zlib_writer_still_check(tmp_path: Path) -> None:
    path, _ = write_page(tmp_path)
    records = [gzip.decompress(m) for m in members(path)]
    path.write_bytes(b"".join(zlib_member(r) for r in records))
    assert [m.problem for m in walk_members(path)] == [None, None]
    assert check_record(zlib_member(records[1]), "zlib").payload == PAGE


def test_a_field_value_with_a_line_break_is_refused(tmp_path: Path) -> None:
    assert warc_fields([("A", "b c")]) == b"A: b c\r\n"
    for value in ("a\r\nWARC-Type: forged", "a\nb", "a\rb"):
        with pytest.raises(ValueError, match="line break"):
            warc_fields([("WARC-Target-URI", value)])
    with WarcLog(tmp_path) as log, pytest.raises(ValueError, match="line break"):
        log.write_resource("urn:x:a\r\nWARC-Type: forged", b"data", "text/plain")


def test_the_header_block_is_what_warcio_reads(tmp_path: Path) -> None:
    path, pointer = write_page(tmp_path)
    with open(path, "rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.length) for r in ArchiveIterator(fh)]
    (info_type, info, _), (kind, resource, length) = records
    assert (info_type, kind, length) == ("warcinfo", "resource", len(PAGE))
    assert info.protocol == resource.protocol == "WARC/1.1"
    assert info.get_header("WARC-Filename") == path.name
    assert resource.get_header("WARC-Warcinfo-ID") == info.get_header("WARC-Record-ID")
    assert resource.get_header("WARC-Record-ID") == pointer.record_id
    assert resource.get_header("WARC-Target-URI") == "file:///story.html"
    assert resource.get_header("WARC-Date") == pointer.date
    assert resource.get_header("Content-Type") == "text/html"


@pytest.mark.parametrize("os_byte", [3, 10, 19])  # zlib on Unix, Windows, macOS
def test_members_written_on_any_system_are_checked_alike(tmp_path: Path, os_byte: int) -> None:
    path, _ = write_page(tmp_path)
    data = bytearray(path.read_bytes())
    for member in walk_members(path):
        data[member.offset + 9] = os_byte  # the one header byte no CRC covers
    path.write_bytes(bytes(data))
    assert [m.problem for m in walk_members(path)] == [None, None]
    data[0] = 0x1E  # and a wrong magic byte is still refused
    path.write_bytes(bytes(data))
    assert walk_members(path).__next__().problem == "not a gzip member of this archive's writer"


def test_checking_a_file_costs_its_size_not_its_size_times_its_records(tmp_path: Path) -> None:
    """Each member used to be inflated from a copy of the rest of the file: 4,000 records of
    20 KB took 144 CPU-seconds, 1,000 took 1.9. Now about 0.75 and 0.2."""
    page = random.Random(15).randbytes(20_000)  # incompressible: a 60 MB file
    with WarcLog(tmp_path, max_bytes=10**10) as log:
        for number in range(3000):
            log.write_resource(f"file:///{number}.html", page, "text/html", durable=False)
    (path,) = tmp_path.glob("*.warc.gz")
    started = time.process_time()
    checked = list(walk_members(path))
    assert time.process_time() - started < 30  # quadratic, this was over a minute
    assert len(checked) == 3001 and all(m.problem is None for m in checked)
