"""``archive scan FILE.arc[.gz]``: ARC files (the Internet Archive's format before WARC),
written here by hand (warcio writes no ARC) and read back with warcio."""

from __future__ import annotations

import gzip
import io
import sqlite3
from pathlib import Path

import pytest
from pages import embed_page
from warcio.archiveiterator import ArchiveIterator

from archiver.errors import TargetError
from archiver.warc_input import DamagedRecord, WarcCounts, iter_warc_pages

VERSION = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
# The ARC spec's version 2 block (Alexa's): five more fields in every header line.
VERSION_2 = (
    b"2 0 Alexa Internet\nURL IP-address Archive-date Content-type Result-code Checksum"
    b" Location Offset Filename Archive-length\n"
)
HTML = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"


def arc_record(
    uri: str, content: bytes, content_type: str = "text/html", version: int = 1
) -> bytes:
    """One ARC record: its header line (version 1's or 2's), then its content (and the
    newline after it)."""
    more = " 200 - - 0 crawl.arc" if version == 2 else ""  # result, checksum, location...
    line = f"{uri} 93.184.216.34 20240302102030 {content_type}{more} {len(content)}\n"
    return line.encode() + content + b"\n"


def arc_records(version: int = 1) -> list[bytes]:
    """The version block, two pages with posts (one gzip-encoded), a DNS answer, a 404 and
    an image."""
    if version == 2:
        return [arc_record(*args, version=2) for args in _arc_contents(VERSION_2)]
    return [arc_record(*args) for args in _arc_contents(VERSION)]


def _arc_contents(block: bytes) -> list[tuple[str, bytes, str] | tuple[str, bytes]]:
    page = embed_page(post_id="1763000000000000701", text="Posted in 2004").encode()
    other = embed_page(post_id="1763000000000000702", text="Gzip body").encode()
    encoded = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    return [
        ("filedesc://crawl.arc", block, "text/plain"),
        (
            "dns:news.example.org",
            b"20240302102030\nnews.example.org. 300 IN A 1.2.3.4\n",
            "text/dns",
        ),
        ("http://news.example.org/a", HTML + page),
        (
            "http://news.example.org/gone",
            b"HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>",
        ),
        (
            "http://news.example.org/i.png",
            b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            "image/png",
        ),
        ("http://news.example.org/b", encoded + gzip.compress(other, mtime=0)),
    ]


def write_arc(path: Path, records: list[bytes]) -> Path:
    """An ARC file: a gzip member per record when its name ends in .gz, as the IA writes it."""
    gzipped = path.name.endswith(".gz")
    path.write_bytes(b"".join(gzip.compress(r) if gzipped else r for r in records))
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("name", ["crawl.arc", "crawl.arc.gz"])
def test_an_arc_file_is_scanned_and_verified_by_its_records_bytes(
    tmp_path: Path, run_cli, db_path: Path, name: str, version: int
) -> None:
    arc = write_arc(tmp_path / name, arc_records(version))
    result = run_cli("scan", str(tmp_path))  # a directory scan takes it too
    assert result.exit_code == 0, result.output
    assert "2 HTML page(s) scanned; skipped 2 non-HTML, 0 revisit, 1 non-2xx" in (result.stderr)
    kept = rows(
        db_path,
        "select warc_file, warc_offset, warc_length, target_uri, record_id,"
        " date, http_status from records order by id",
    )
    assert [row[3] for row in kept] == ["http://news.example.org/a", "http://news.example.org/b"]
    assert {row[0] for row in kept} == {str(arc.resolve())}
    assert all(row[4].startswith("<urn:sha1:") and row[5] == "2024-03-02T10:20:30Z" for row in kept)
    posts = rows(db_path, "select post_id from embeds order by post_id")
    assert posts == [("1763000000000000701",), ("1763000000000000702",)]
    data = arc.read_bytes()
    for _, offset, length, uri, *_ in kept:
        record = next(iter(ArchiveIterator(io.BytesIO(data[offset : offset + length]))))
        assert record.rec_headers.get_header("uri").split(" ")[0] == uri  # v2: more fields
    verified = run_cli("verify")
    assert verified.exit_code == 0 and "2 records, 2 embed byte ranges" in verified.stdout


def test_a_changed_byte_of_an_arc_record_fails_verify(tmp_path: Path, run_cli) -> None:
    """An ARC record has no digest: its ID, the SHA-1 of its bytes, is its check."""
    arc = write_arc(tmp_path / "crawl.arc", arc_records())
    assert run_cli("scan", str(arc)).exit_code == 0
    data = bytearray(arc.read_bytes())
    at = data.index(b"Posted in 2004")
    data[at] = ord("p")
    arc.write_bytes(bytes(data))
    verified = run_cli("verify")
    assert verified.exit_code == 1 and "WARC-Record-ID is <urn:sha1:" in verified.stdout


def test_an_export_of_an_arc_record_is_refused_in_one_line(tmp_path: Path, run_cli) -> None:
    arc = write_arc(tmp_path / "crawl.arc.gz", arc_records())
    assert run_cli("scan", str(arc)).exit_code == 0
    out = tmp_path / "out.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "is an ARC record" in result.output and "WACZ holds WARC records only" in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["cut.arc", "cut.arc.gz"])
def test_a_cut_arc_file_keeps_the_pages_before_the_cut(tmp_path: Path, name: str) -> None:
    whole = write_arc(tmp_path / f"whole-{name}", arc_records())
    cut = tmp_path / name
    cut.write_bytes(whole.read_bytes()[:-25])
    counts = WarcCounts()
    pages = []
    with pytest.raises(TargetError, match=rf"{name}: record at byte \d+ is truncated"):
        for page in iter_warc_pages(str(cut), counts):
            pages.append(page)
    assert [page.ref.target_uri for page in pages] == ["http://news.example.org/a"]


@pytest.mark.parametrize(
    "content",
    [
        b"this is no ARC file\nat all\n",  # warcio takes such a line for a record
        arc_record("http://news.example.org/a", HTML + b"<p>no version block</p>"),
        gzip.compress(b"not an ARC record\n"),
    ],
)
def test_a_file_that_is_no_arc_is_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ("junk.arc.gz" if content.startswith(b"\x1f\x8b") else "junk.arc")
    path.write_bytes(content)
    with pytest.raises(TargetError, match=r"junk\.arc(\.gz)?: not a"):
        list(iter_warc_pages(str(path), WarcCounts()))


def test_an_arc_file_compressed_as_one_gzip_stream_is_refused(tmp_path: Path) -> None:
    """No offset in it points at one record (``gzip crawl.arc``)."""
    path = tmp_path / "one.arc.gz"
    path.write_bytes(gzip.compress(b"".join(arc_records())))
    with pytest.raises(TargetError, match="gzip member at byte 0 holds more than one record"):
        list(iter_warc_pages(str(path), WarcCounts()))


@pytest.mark.parametrize("name", ["crawl.arc", "crawl.arc.gz"])
def test_a_blank_line_after_the_version_block_is_no_record(
    tmp_path: Path, run_cli, name: str
) -> None:
    """Writers disagree on whether the version block's length covers the newline that ends
    its last line (the Internet Archive's live-web writer leaves it out, then writes a blank
    line): a gzip member holding a record and blank bytes after it is one record, not a
    file compressed as one stream (the whole file was refused)."""
    records = arc_records()
    records[0] = arc_record("filedesc://crawl.arc", VERSION[:-1], "text/plain") + b"\n"
    arc = write_arc(tmp_path / name, records)
    result = run_cli("scan", str(arc))
    assert result.exit_code == 0, result.output
    assert "2 HTML page(s) scanned; skipped 2 non-HTML, 0 revisit, 1 non-2xx" in result.stderr
    verified = run_cli("verify")
    assert verified.exit_code == 0 and "2 records, 2 embed byte ranges" in verified.stdout


def test_a_record_longer_than_its_content_ends_the_file_at_the_next_junk(tmp_path: Path) -> None:
    """A header line declaring more bytes than its record holds (a record edited or cut by
    hand) lands the reading inside the next record: any line there ending in a number
    ("Content-Length: 20") was taken for a record's header line, and the file's rest was
    read as junk records, counted as unreadable or non-2xx without a word. A header line
    is the spec's: URL, IP address, archive date (digits), content type, (version 2's five
    more fields,) length; anything else is the file's one-line error at its byte."""
    records = arc_records()
    gone = b"HTTP/1.0 404 Not Found\r\nContent-Length: 20\r\nContent-Type: text/html\r\n\r\n"
    records[3] = arc_record("http://news.example.org/gone", gone + b"<p>no page here</p>\n")
    line, _, content = records[2].partition(b"\n")
    into = records[3].index(b"Content-Length: 20")  # the reading lands on that line
    declared = len(content) + into
    records[2] = line.rsplit(b" ", 1)[0] + b" %d\n" % declared + content
    arc = write_arc(tmp_path / "long.arc", records)
    junk = arc.read_bytes().index(b"Content-Length: 20")
    counts = WarcCounts()
    with pytest.raises(TargetError, match=rf"long\.arc: not a readable ARC file \(at byte {junk}:"):
        list(iter_warc_pages(str(arc), counts))
    assert counts.unreadable == 0 and counts.not_ok == 0


def test_a_record_its_gzip_member_holds_only_part_of_is_one_line(tmp_path: Path) -> None:
    """A whole gzip member (CRC and length good) holding fewer bytes than its header line
    declares: the record was counted unreadable without a word. It is one line naming the
    file, the offset and what is missing, and the members after it are read."""
    records = arc_records()
    records[2] = records[2].replace(b"<p>Closing", b"<p>Cut here")[:-200]
    arc = write_arc(tmp_path / "short.arc.gz", records)
    offset = len(b"".join(gzip.compress(r) for r in records[:2]))
    counts = WarcCounts()
    items = list(iter_warc_pages(str(arc), counts))
    damaged = [item for item in items if isinstance(item, DamagedRecord)]
    assert [item.uri for item in damaged] == ["http://news.example.org/a"]
    assert damaged[0].error.startswith(f"{arc}: record at byte {offset} is cut short")
    assert "its gzip member holds" in damaged[0].error and counts.unreadable == 0
    kept = [item.ref.target_uri for item in items if not isinstance(item, DamagedRecord)]
    assert kept == ["http://news.example.org/b"]


SECOND = (
    '<blockquote class="twitter-tweet"><p>The second post, whose end never came</p>&mdash;'
    ' Other (@other) <a href="https://twitter.com/other/status/1763000000000000788">March 2,'
    " 2024</a></blockquote>"
)


def dropped_content(framing: str) -> bytes:
    """An HTTP response as a crawler kept it in an ARC record when the connection dropped
    inside the second embed: its headers frame the whole page, its body holds what came."""
    body = embed_page(post_id="1763000000000000787", extra=SECOND).encode()
    cut = body.index(b"&mdash; Other")
    if framing == "length":
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}"
        return f"{head}\r\n\r\n".encode() + body[:cut]
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    return head + b"%x\r\n%s\r\n" % (cut, body[:cut])


@pytest.mark.parametrize("framing", ["length", "chunked"])
@pytest.mark.parametrize("name", ["dropped.arc", "dropped.arc.gz"])
def test_an_arc_page_whose_connection_dropped_is_read_as_cut_short(
    tmp_path: Path, run_cli, db_path: Path, name: str, framing: str
) -> None:
    """The rule a WARC response is read by: a body short of its Content-Length or its last
    chunk is a page cut short, and the post the cut went through is no post of the page."""
    records = [
        arc_record("filedesc://crawl.arc", VERSION, "text/plain"),
        arc_record("http://news.example.org/dropped", dropped_content(framing)),
    ]
    arc = write_arc(tmp_path / name, records)
    result = run_cli("scan", str(arc))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned (1 of them cut short by the crawler)" in result.stderr
    assert rows(db_path, "select post_id from embeds") == [("1763000000000000787",)]
    assert run_cli("verify").exit_code == 0


def test_an_arc_206_holding_part_of_a_page_is_no_page(tmp_path: Path, run_cli, db_path) -> None:
    body = embed_page(post_id="1763000000000000789").encode()
    records = [arc_record("filedesc://crawl.arc", VERSION, "text/plain")]
    for number, start in enumerate((40, 0)):
        part = body[start:]
        content = (
            f"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html\r\nContent-Range: bytes"
            f" {start}-{len(body) - 1}/{len(body)}\r\nContent-Length: {len(part)}\r\n\r\n"
        ).encode() + part
        records.append(arc_record(f"http://news.example.org/part/{number}", content))
    result = run_cli("scan", str(write_arc(tmp_path / "parts.arc.gz", records)))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned; skipped 0 non-HTML, 0 revisit, 1 non-2xx" in result.stderr
    kept = rows(db_path, "select target_uri, http_status from records")
    assert kept == [("http://news.example.org/part/1", 206)]
