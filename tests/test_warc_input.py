"""Reading WARC files as scan input: every kind of record, offsets read back with warcio,
encodings, and damaged files."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest
from warc_data import (
    CORPUS_WARC,
    Page,
    article,
    mixed_records,
    payload_digest,
    raw_response,
    record_offsets,
    truncated_page,
    write_warc,
)
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archiver.errors import TargetError
from archiver.warc_input import (
    DamagedRecord,
    WarcCounts,
    WarcPage,
    is_warc_path,
    iter_warc_pages,
)
from archiver.warc_scan import scan_warc_file


def read_back(path: str, offset: int, length: int):
    """The record at ``offset`` as warcio reads it, and whether it spans ``length`` bytes."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        iterator = ArchiveIterator(fh)
        record = next(iterator)
        payload = record.content_stream().read() if record.rec_type == "response" else b""
        raw = record.raw_stream.read() if record.rec_type == "response" else b""
        del raw
        iterator.read_to_end()
        spans = iterator.get_record_length() == length
        return record.rec_headers, payload, spans


@pytest.mark.parametrize("name", ["mixed.warc.gz", "mixed.warc"])
def test_every_kind_of_record_is_scanned_or_counted(tmp_path: Path, name: str) -> None:
    path = write_warc(tmp_path / name, mixed_records())
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert [page.ref.target_uri for page in pages] == [
        "https://news.example.org/story/0",
        "https://news.example.org/story/1",
        "https://news.example.org/encoded",
    ]
    assert counts.as_dict() == {
        "pages": 3,
        "texts": 0,
        "same_page": 0,
        "non_html": 1,
        "revisit": 1,
        "truncated": 0,
        "not_ok": 1,
        "unreadable": 0,
        "local": 0,
        "other": 2,
    }
    for page in pages:
        ref = page.ref
        assert ref.warc_file == str(path.resolve())
        assert ref.date == "2024-03-02T10:20:30Z"
        assert ref.record_type == "response" and ref.http_status == 200
        headers, _, spans = read_back(ref.warc_file, ref.warc_offset, ref.warc_length)
        assert spans, "warc_length is the record's whole extent in the file"
        assert headers.get_header("WARC-Record-ID") == ref.record_id
        assert headers.get_header("WARC-Target-URI") == ref.target_uri
    # The payload is the body decoded (chunked, gzip), as warcio reads it too.
    encoded = pages[2]
    assert b"Encoded post" in encoded.body and b"<blockquote" in encoded.body
    for page in pages:
        _, payload, _ = read_back(page.ref.warc_file, page.ref.warc_offset, page.ref.warc_length)
        assert payload == page.body
        assert page.ref.payload_sha256 == hashlib.sha256(payload).hexdigest()


def test_detection_runs_on_decoded_bodies_and_dates_scans_by_the_crawl(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "mixed.warc.gz", mixed_records())
    records = list(scan_warc_file(str(path), include_links=False, counts=WarcCounts()))
    assert [[e.status_id for e in r.embeds] for r in records] == [
        ["1763000000000000000"],
        [],
        ["1763000000000000999"],
    ]
    assert {r.started_at for r in records} == {"2024-03-02T10:20:30Z"}
    assert records[0].page.title == "Story 0" and records[0].source == "warc"


def test_a_truncated_gzip_member_keeps_the_pages_before_it(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "whole.warc.gz", [article(n, True) for n in range(4)])
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 200])  # the last gzip member loses its end
    counts = WarcCounts()
    seen = []
    with pytest.raises(TargetError) as error:
        for page in iter_warc_pages(str(cut), counts):
            seen.append(page.ref.target_uri)
    assert len(seen) == 3 and counts.pages == 3
    message = str(error.value)
    assert "\n" not in message and str(cut.resolve()) in message and "truncated" in message


@pytest.mark.parametrize(
    "content", [b"hello, this is not a WARC\n", b"\x1f\x8b\x08\x00garbage", b"WARC/1.0\r\nbroken"]
)
def test_a_file_that_is_not_a_warc_is_one_line_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(TargetError) as error:
        list(iter_warc_pages(str(path), WarcCounts()))
    assert "\n" not in str(error.value) and "bad.warc.gz" in str(error.value)


def test_a_missing_file_raises_oserror_for_a_retry(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(iter_warc_pages(str(tmp_path / "gone.warc.gz"), WarcCounts()))


def test_warc_names() -> None:
    assert is_warc_path("a/b.WARC.GZ") and is_warc_path("x.warc")
    assert not is_warc_path("x.warc.gz.txt") and not is_warc_path("page.html")


@pytest.mark.skipif(not CORPUS_WARC.exists(), reason=f"crawl corpus absent: {CORPUS_WARC}")
def test_the_crawl_corpus_reads_whole_with_exact_record_offsets() -> None:
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(CORPUS_WARC), counts))
    assert counts.pages == len(pages) == 1000 and counts.skipped == 0
    ends = [p.ref.warc_offset + p.ref.warc_length for p in pages]
    assert [p.ref.warc_offset for p in pages[1:]] == ends[:-1]  # contiguous records
    assert ends[-1] == CORPUS_WARC.stat().st_size
    for page in pages[::97]:
        headers, payload, spans = read_back(
            page.ref.warc_file, page.ref.warc_offset, page.ref.warc_length
        )
        assert spans and headers.get_header("WARC-Record-ID") == page.ref.record_id
        assert hashlib.sha256(payload).hexdigest() == page.ref.payload_sha256


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
@pytest.mark.parametrize("into", [3, 40, 330, 420])  # the WARC headers, then the HTTP ones
def test_a_file_cut_inside_a_records_headers_is_an_error(
    tmp_path: Path, name: str, into: int
) -> None:
    whole = write_warc(tmp_path / f"whole-{name}", [article(n, True) for n in range(4)])
    third = record_offsets(whole)[2]
    cut = tmp_path / name
    cut.write_bytes(whole.read_bytes()[: third + into])
    counts = WarcCounts()
    seen = []
    with pytest.raises(TargetError) as error:
        for page in iter_warc_pages(str(cut), counts):
            seen.append(page)
    assert [p.ref.warc_offset for p in seen] == record_offsets(whole)[:2] and counts.pages == 2
    for page in seen:
        assert read_back(str(cut), page.ref.warc_offset, page.ref.warc_length)[2]
    message = str(error.value)
    assert "\n" not in message and f"at byte {third}" in message, message


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
@pytest.mark.parametrize("kind", ["revisit", "request", "response"])
def test_a_cut_record_is_its_error_alone_and_no_count(tmp_path: Path, name: str, kind: str) -> None:
    """A record cut by the end of the file was reported in the closing error and counted
    too: as unreadable, non-HTML (a page cut in its HTTP headers), revisit or other."""
    last = article(2, True) if kind == "response" else Page(article(2, True).uri, kind=kind)
    whole = write_warc(tmp_path / f"whole-{name}", [article(0, True), article(1, True), last])
    third = record_offsets(whole)[2]
    data = whole.read_bytes()
    cut = tmp_path / name
    for into in range(1, len(data) - third, 11):  # its WARC headers, HTTP headers, body
        cut.write_bytes(data[: third + into])
        counts = WarcCounts()
        with pytest.raises(TargetError, match=f"at byte {third}[ :]"):
            list(iter_warc_pages(str(cut), counts))
        assert counts == WarcCounts(pages=2), f"cut {into} bytes into the record"


def test_a_gzip_member_without_its_trailer_is_an_error(tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", [article(n, True) for n in range(3)])
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-4])  # the last member's length, not its record
    counts = WarcCounts()
    with pytest.raises(TargetError) as error:
        list(iter_warc_pages(str(cut), counts))
    assert counts.pages == 2
    assert f"record at byte {record_offsets(whole)[2]} is truncated" in str(error.value)


@pytest.mark.parametrize("name", ["big.warc", "big.warc.gz"])
def test_an_http_header_fastwarc_cannot_read_skips_its_record_alone(
    tmp_path: Path, name: str
) -> None:
    big = Page(
        "https://news.example.org/big",
        b"<html><body>big cookie</body></html>",
        headers=[("Set-Cookie", "a=" + "x" * 33_000)],
    )
    path = write_warc(tmp_path / name, [article(0, True), big, article(2, True)])
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert [p.ref.target_uri for p in pages] == [
        "https://news.example.org/story/0",
        "https://news.example.org/story/2",
    ]
    assert counts.pages == 2 and counts.unreadable == 1
    for page in pages:
        assert read_back(str(path), page.ref.warc_offset, page.ref.warc_length)[2]


@pytest.mark.parametrize("name", ["big.warc", "big.warc.gz"])
def test_a_warc_header_fastwarc_cannot_read_keeps_the_page_before_it(
    tmp_path: Path, name: str
) -> None:
    big = Page("https://news.example.org/big", b"<html></html>", warc_headers={"X": "x" * 33_000})
    path = write_warc(tmp_path / name, [article(0, True), big, article(2, True)])
    counts = WarcCounts()
    seen = []
    with pytest.raises(TargetError) as error:
        for page in iter_warc_pages(str(path), counts):
            seen.append(page)
    assert [p.ref.target_uri for p in seen] == ["https://news.example.org/story/0"]
    assert read_back(str(path), seen[0].ref.warc_offset, seen[0].ref.warc_length)[2]
    assert "not a readable WARC file" in str(error.value)


def test_a_warc_gzipped_as_one_stream_is_refused_before_any_page(tmp_path: Path) -> None:
    """``gzip crawl.warc`` makes one member of every record: no offset points at one record,
    so what was stored could never be verified (and the reading broke off after 3 pages)."""
    plain = write_warc(tmp_path / "plain.warc", [article(n, True) for n in range(5)])
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    pages = iter_warc_pages(str(whole), WarcCounts())
    with pytest.raises(TargetError, match="compressed as one gzip stream") as raised:
        next(pages)
    assert "gunzip it, or recompress it per record" in str(raised.value)
    per_record = write_warc(tmp_path / "members.warc.gz", [article(n, True) for n in range(5)])
    assert len(list(iter_warc_pages(str(per_record), WarcCounts()))) == 5


def test_blank_bytes_after_the_last_record_are_no_cut_record(tmp_path: Path) -> None:
    """An extra CRLF after the last record was reported as a truncated record (exit 1)."""
    path = write_warc(tmp_path / "padded.warc", [article(n, True) for n in range(3)])
    path.write_bytes(path.read_bytes() + b"\r\n")
    assert len(list(iter_warc_pages(str(path), WarcCounts()))) == 3
    path.write_bytes(path.read_bytes() + b"WARC/1.1\r\nWARC-Type: resp")
    with pytest.raises(TargetError, match="truncated"):
        list(iter_warc_pages(str(path), WarcCounts()))


@pytest.mark.parametrize("name", ["padded.warc", "padded.warc.gz"])
@pytest.mark.parametrize("tail", [b"\r\n", b"\r\n\r\n", b" \t\n", b"\0" * 8])
def test_blank_bytes_after_the_last_gzip_member_are_accepted_too(
    tmp_path: Path, name: str, tail: bytes
) -> None:
    """An extra CRLF after a gzip WARC's last member failed as a decompression error (where
    an uncompressed WARC's was accepted), and so did zeros after an uncompressed one."""
    path = write_warc(tmp_path / name, [article(n, True) for n in range(3)])
    end = path.stat().st_size
    path.write_bytes(path.read_bytes() + tail)
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=3) and pages[-1].ref.warc_offset < end
    last = pages[-1].ref
    assert read_back(str(path), last.warc_offset, last.warc_length)[2]
    path.write_bytes(path.read_bytes() + b"junk")  # anything else stays an error, at its byte
    counts = WarcCounts()
    with pytest.raises(TargetError, match=f"not a readable WARC file \\(at byte {end}: "):
        list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=3)


@pytest.mark.parametrize("where", [(1,), (3,), (1, 1, 2, 3), (0,), (0, 0, 2)])
def test_empty_gzip_members_between_or_after_records_are_read_past(
    tmp_path: Path, where: tuple[int, ...]
) -> None:
    """FastWARC stops at an empty gzip member: the records after one were lost, and the
    file reported as truncated (exit 1), where warcio reads them all. Every record is read,
    each at its own offset and length (not counting the empty member after it)."""
    path = write_warc(tmp_path / "w.warc.gz", [article(n, True) for n in range(3)])
    data, offsets = path.read_bytes(), [*record_offsets(path), path.stat().st_size]
    empty = gzip.compress(b"")
    path.write_bytes(
        b"".join(empty * where.count(n) + data[offsets[n] : offsets[n + 1]] for n in range(3))
        + empty * where.count(3)
    )
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=3)
    for page in pages:
        _, payload, spans = read_back(str(path), page.ref.warc_offset, page.ref.warc_length)
        assert spans and hashlib.sha256(payload).hexdigest() == page.ref.payload_sha256
    with path.open("ab") as fh:  # a record cut after an empty member is still an error
        fh.write(empty + data[offsets[0] : offsets[0] + 40])
    with pytest.raises(TargetError, match="truncated"):
        list(iter_warc_pages(str(path), WarcCounts()))


@pytest.mark.parametrize("tail", [b"\r\n", b"\r\n\r\n\n", b"\n"])
def test_newlines_after_a_record_in_its_gzip_member_are_no_second_record(
    tmp_path: Path, run_cli, tail: bytes
) -> None:
    """A writer that ends each record with more than its CRLF CRLF, inside the record's gzip
    member: the first member was taken for a whole file compressed as one stream and the
    file refused. Each record is read at its member's offset and length, and verified."""
    path = write_warc(tmp_path / "w.warc.gz", [article(n, True) for n in range(3)])
    data, offsets = path.read_bytes(), [*record_offsets(path), path.stat().st_size]
    members = [data[offsets[n] : offsets[n + 1]] for n in range(3)]
    path.write_bytes(b"".join(gzip.compress(gzip.decompress(m) + tail) for m in members))
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=3)
    for page in pages:
        _, payload, spans = read_back(str(path), page.ref.warc_offset, page.ref.warc_length)
        assert spans and hashlib.sha256(payload).hexdigest() == page.ref.payload_sha256
    assert run_cli("scan", str(path)).exit_code == 0
    assert run_cli("verify").exit_code == 0
    first = gzip.decompress(members[0])  # a second record in the member stays an error
    path.write_bytes(gzip.compress(first + b"\r\n" + first) + b"".join(members[1:]))
    with pytest.raises(TargetError, match="compressed as one gzip stream"):
        list(iter_warc_pages(str(path), WarcCounts()))


def test_a_gzip_member_holding_two_records_past_the_first_is_an_error(tmp_path: Path) -> None:
    """Records of one member share its offset: the first was stored with length 0 (every
    verify failed) and the second pointed at the first's bytes. Only the records before it
    are pages, the member is the file's one-line error."""
    path = write_warc(tmp_path / "w.warc.gz", [article(n, True) for n in range(3)])
    data, offsets = path.read_bytes(), record_offsets(path)
    inflated = gzip.decompress(data[offsets[1] :])  # records 1 and 2 in one member
    for empty in (b"", gzip.compress(b"")):
        path.write_bytes(data[: offsets[1]] + empty + gzip.compress(inflated))
        counts = WarcCounts()
        pages = []
        with pytest.raises(TargetError, match="more than one record"):
            for page in iter_warc_pages(str(path), counts):
                pages.append(page)
        assert [page.ref.warc_offset for page in pages] == [0]
        assert pages[0].ref.warc_length == offsets[1]


DIGEST_FORMS = ["sha1 base32", "sha1 hex", "sha256 base32", "sha256 hex", "sha512 base64"]


@pytest.mark.parametrize("name", ["digests.warc", "digests.warc.gz"])
@pytest.mark.parametrize("form", DIGEST_FORMS)
def test_a_page_failing_its_payload_digest_is_an_error_in_its_place(
    tmp_path: Path, name: str, form: str
) -> None:
    """A response whose payload did not match its WARC-Payload-Digest was scanned (and
    stored, then refused by ``archive verify``): it is now its one-line error, in file
    order, and the other records are read as before."""
    pages = [article(n, with_embed=n != 1) for n in range(4)]
    pages[1].warc_headers["WARC-Payload-Digest"] = payload_digest(pages[1].body, form)
    pages[2].warc_headers["WARC-Payload-Digest"] = payload_digest(b"other bytes", form)
    path = write_warc(tmp_path / name, pages)
    counts = WarcCounts()
    items = list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=3)
    damaged = items[2]
    assert isinstance(damaged, DamagedRecord) and damaged.uri == pages[2].uri
    at = record_offsets(path)[2]
    assert damaged.error == (
        f"{path.resolve()}: record at byte {at} ({pages[2].uri}) fails its digest check, not"
        f" scanned (payload digest failed {payload_digest(b'other bytes', form)})"
    )
    for page in items[:2] + items[3:]:
        assert not isinstance(page, DamagedRecord)
        assert read_back(page.ref.warc_file, page.ref.warc_offset, page.ref.warc_length)[2]


def test_a_digest_verify_cannot_check_is_an_error_too(tmp_path: Path) -> None:
    """``archive verify`` (warcio) fails a record whose digest of a known algorithm holds a
    value in no encoding: storing it would fail every verify. A digest of an algorithm
    hashlib does not know cannot be checked by either and is passed over, as no digest is
    (stray bytes in an unfilled field look labelled: ``declared_digest``); verify passes."""
    pages = [article(n, with_embed=True) for n in range(3)]
    pages[0].warc_headers["WARC-Payload-Digest"] = "blake9:ABCDEFGH"
    pages[1].warc_headers["WARC-Payload-Digest"] = "sha1:not base32!"
    path = write_warc(tmp_path / "odd.warc.gz", pages)
    counts = WarcCounts()
    first, second, third = iter_warc_pages(str(path), counts)
    assert not isinstance(first, DamagedRecord) and isinstance(second, DamagedRecord)
    assert "(unreadable payload digest sha1:not base32! (" in second.error
    assert not isinstance(third, DamagedRecord) and counts == WarcCounts(pages=2)
    from archiver.evidence.read import parse_record

    with open(first.ref.warc_file, "rb") as fh:  # as archive verify reads it: no ValueError
        fh.seek(first.ref.warc_offset)
        data = fh.read(first.ref.warc_length)
    assert parse_record(gzip.decompress(data)).payload_sha256


@pytest.mark.parametrize("algorithm", ["shake_128", "shake_256"])
def test_a_digest_of_a_hash_with_no_fixed_length_is_an_error_too(
    tmp_path: Path, algorithm: str
) -> None:
    """hashlib knows SHAKE, but its digest needs a length: warcio's check raised TypeError,
    a traceback that ended the scan (and failed the crawl's task) instead of one line."""
    pages = [article(n, with_embed=True) for n in range(2)]
    pages[0].warc_headers["WARC-Payload-Digest"] = f"{algorithm}:AAAAAAAA"
    path = write_warc(tmp_path / "shake.warc.gz", pages)
    counts = WarcCounts()
    first, second = iter_warc_pages(str(path), counts)
    assert isinstance(first, DamagedRecord) and "\n" not in first.error
    assert f"(unreadable payload digest {algorithm}:AAAAAAAA (" in first.error
    assert not isinstance(second, DamagedRecord) and counts == WarcCounts(pages=1)


def _digest_forms(payload: bytes) -> list[str]:
    import base64

    sha1 = hashlib.sha1(payload).digest()
    return [
        "sha1:" + base64.b32encode(sha1).decode(),
        "sha256:" + base64.b32encode(hashlib.sha256(payload).digest()).decode(),
        "sha1:" + sha1.hex(),
        "sha1:" + base64.b32encode(sha1).decode().lower(),
        "sha1:" + base64.b64encode(sha1).decode(),
        "SHA1:" + base64.b32encode(sha1).decode(),
        "md5:" + base64.b32encode(hashlib.md5(payload).digest()).decode(),
        "sha1:" + base64.b32encode(hashlib.sha1(b"other").digest()).decode(),
        "sha1:AAAA",
        "nohash:AAAA",
    ]


@pytest.mark.parametrize("declared", _digest_forms(b"<p>hello</p>"))
def test_the_quick_digest_match_agrees_with_verify(declared: str) -> None:
    """The base32 sha1/sha256 a crawler writes is matched without warcio; any digest it
    matches, verify's own check passes too (the others go to that check)."""
    from archiver.evidence.read import digest_problem
    from archiver.warc_input import _digest_matches

    quick = _digest_matches(declared, b"<p>hello</p>")
    assert quick == (declared in _digest_forms(b"<p>hello</p>")[:2])
    if quick:
        assert digest_problem(b"", b"<p>hello</p>", declared, None) is None


@pytest.mark.parametrize(
    ("end", "kept"),
    [(b"\r\n \r\n", False), (b"\r\n\t\r\n", False), (b"\n\r\n", True), (b"\r\n\n", True)],
    ids=["spaces", "tab", "lf-crlf", "lf"],
)
def test_http_headers_are_ended_as_a_browser_ends_them(
    tmp_path: Path, end: bytes, kept: bool
) -> None:
    """FastWARC ends HTTP headers at a CRLF line only, reading on into the body: such a page
    was stored with another payload than verify reads. A browser (and warcio, which verify
    reads with) ends them at an LF-only blank line: the page is read so. At a line of blanks
    warcio ends them and a browser does not: one line naming the file and the record, and
    not scanned (before, both were counted unreadable without a word)."""
    body = b"<html>\r\n<p>one</p>\r\n\r\n<p>two</p></html>"
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html" + end + body
    path = tmp_path / "w.warc.gz"
    path.write_bytes(raw_response("https://news.example.org/a", block))
    counts = WarcCounts()
    (page,) = iter_warc_pages(str(path), counts)
    if kept:
        assert isinstance(page, WarcPage) and page.body == body
        assert counts == WarcCounts(pages=1)
        return
    verify = block.index(end) + len(end)  # after the line of blanks
    browser = block.index(b"</p>\r\n\r\n") + 8  # a folded line, then the body's first lines
    assert isinstance(page, DamagedRecord)
    assert page.error == (
        f"{path}: record at byte 0 (https://news.example.org/a) has HTTP headers that archive"
        f" verify ends at byte {verify} of its block and a browser at byte {browser}"
        " (a line of blanks among them), not scanned"
    )
    assert counts == WarcCounts()


def test_a_record_bigger_than_a_page_is_not_read(tmp_path: Path, monkeypatch) -> None:
    """Every response's block is read whole, about three times over, to check where its
    HTTP headers end and its digests: one past the page limit (a film in a crawl) is passed
    over as no page before it is read, as a page file that big is refused."""
    from archiver import warc_input

    small, big = article(0, True), article(1, True)
    big.body += b"<!-- " + b"x" * 2000 + b" -->"
    path = write_warc(tmp_path / "big.warc.gz", [small, big])
    monkeypatch.setattr(warc_input, "MAX_PAGE_BYTES", 1500)
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert counts == WarcCounts(pages=1, non_html=1) and pages[0].ref.target_uri == small.uri


def test_a_truncated_page_is_scanned_as_kept_where_a_crawl_s_workers_scan_it(
    tmp_path: Path,
) -> None:
    """``scan_warc_file`` is what ``archive crawl`` maps over its files on Dask workers: a
    truncated page there keeps its whole embeds and drops the one the cut went through, and
    is counted."""
    path = write_warc(tmp_path / "cc.warc.gz", [truncated_page(True), truncated_page(False)])
    counts = WarcCounts()
    records = list(scan_warc_file(str(path), include_links=False, counts=counts))
    found = [[embed.status_id for embed in record.embeds] for record in records]
    assert found == [
        ["1763000000000000555"],
        ["1763000000000000555", "1763000000000000777"],
    ]
    assert (counts.pages, counts.truncated) == (2, 2)


def test_the_first_segment_of_a_segmented_page_is_scanned_as_a_page_cut_short(
    tmp_path: Path,
) -> None:
    """WARC 1.0/1.1 (section 7, segmentation): a record too big for one file is written as
    a first segment (its own type, ``WARC-Segment-Number: 1``) and ``continuation`` records
    holding the rest. The reading does not join them: the first segment holds the page's
    start, and was scanned as if whole, so an embed the segment's end went through came out
    as a post of part of its text. It is scanned as a page the crawler cut (``WARC-Truncated``),
    and counted so; the continuation is no page."""
    whole = truncated_page(True)
    rest = b"rest of the page</p></blockquote></body></html>"
    first = Page(whole.uri, whole.body, warc_headers={"WARC-Segment-Number": "1"})
    path = write_warc(tmp_path / "segments.warc", [first, article(2, True)])
    with open(path, "ab") as fh:
        writer = WARCWriter(fh, gzip=False, warc_version="1.1")
        headers = {"WARC-Segment-Number": "2", "WARC-Segment-Origin-ID": "<urn:uuid:x>"}
        writer.write_record(
            writer.create_warc_record(
                whole.uri,
                "continuation",
                payload=io.BytesIO(rest),
                length=len(rest),
                warc_headers_dict={"WARC-Date": "2024-03-02T10:20:30Z", **headers},
            )
        )
    counts = WarcCounts()
    records = list(scan_warc_file(str(path), include_links=False, counts=counts))
    found = [[embed.status_id for embed in record.embeds] for record in records]
    assert found == [["1763000000000000555"], ["1763000000000000002"]]
    assert (counts.pages, counts.truncated, counts.other) == (2, 1, 1)
