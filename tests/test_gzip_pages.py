"""Page files kept gzip-compressed (``story.html.gz``; wget keeps a page as the server sent it,
compressed when it compressed it unasked): scanned as the page they hold, kept as the file,
the embeds' byte ranges in the page, as a gzip-encoded HTTP response's are, and checked so by
``archive verify``."""

from __future__ import annotations

import gzip
import hashlib
import tracemalloc
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archiver.evidence.warc import default_warc_dir
from archiver.small_files import MAX_PAGE_BYTES, NotReadable, gunzipped

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="en">Caf\u00e9 &amp; news</p>&mdash; Ada'
    ' (@ada) <a href="https://twitter.com/ada/status/20">March 1, 2024</a></blockquote>'
)
PAGE = f"<html><head><title>t</title></head><body><p>intro</p>\n{EMBED}\n</body></html>".encode()
TEXT = (
    b"Some article prose about the vote.\n"
    b'Jane Example on X (formerly Twitter): "We did it. Thank you all for the support. / X"\n'
    b"We did it. Thank you all for the support.\n"
    b"More prose.\n"
)


def rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def resources(db_path: Path) -> list:
    found = []
    for path in sorted(default_warc_dir(db_path).glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                if record.rec_type == "resource":
                    block = record.content_stream().read()
                    assert record.digest_checker.passed is True
                    found.append((record.rec_headers, block))
    return found


def test_a_gzip_page_is_scanned_as_its_page_and_kept_as_the_file(run_cli, tmp_path, db_path):
    page = tmp_path / "story.html.gz"
    page.write_bytes(gzip.compress(PAGE))
    result = run_cli("scan", str(page))
    assert result.exit_code == 0, result.output
    assert "1 embedded post(s)" in result.output
    # The archive keeps what the file held, byte for byte, typed as what it is.
    ((headers, block),) = resources(db_path)
    assert block == page.read_bytes()
    assert headers.get_header("Content-Type") == "application/gzip"
    assert headers.get_header("WARC-Target-URI") == page.as_uri()
    # Its row, and the embed's byte range, are the page's, as a gzip-encoded response's are.
    digest = hashlib.sha256(PAGE).hexdigest()
    (record,) = rows(db_path, "select * from records")
    assert (record["content_type"], record["payload_sha256"]) == ("text/html", digest)
    assert rows(db_path, "select content_sha256 from articles")[0]["content_sha256"] == digest
    (embed,) = rows(db_path, "select * from embeds")
    assert PAGE[embed["raw_start"] : embed["raw_end"]] == EMBED.encode()
    assert embed["record_id"] == record["id"]
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
    assert "1 records, 1 embed byte ranges" in verified.output


def test_verify_checks_a_gzip_page_s_embed_range_in_its_page(run_cli, tmp_path, db_path):
    page = tmp_path / "story.html.gz"
    page.write_bytes(gzip.compress(PAGE))
    assert run_cli("scan", str(page)).exit_code == 0
    sqlite_utils.Database(db_path).execute("update embeds set raw_start = raw_start + 1")
    result = run_cli("verify")
    assert result.exit_code == 1 and "embed 1: bytes" in result.output
    assert "payload SHA-256 differs" not in result.output


def test_a_gzip_page_whose_embed_vanished_is_read_again_and_kept(run_cli, tmp_path, db_path):
    page = tmp_path / "story.html.gz"
    page.write_bytes(gzip.compress(PAGE))
    assert run_cli("scan", str(page)).exit_code == 0
    gone = PAGE.replace(EMBED.encode(), b"<p>the post is gone</p>")
    page.write_bytes(gzip.compress(gone))
    assert run_cli("scan", str(page)).exit_code == 0
    scans = rows(db_path, "select record_id from scans order by id")
    assert len(scans) == 2 and all(scan["record_id"] for scan in scans)
    assert rows(db_path, "select removed_at from embeds")[0]["removed_at"]
    assert [block for _, block in resources(db_path)][1] == page.read_bytes()
    assert run_cli("verify").exit_code == 0


def test_a_directory_s_gzip_pages_and_texts_are_scanned(run_cli, tmp_path, db_path):
    site = tmp_path / "mirror"
    (site / "news").mkdir(parents=True)
    (site / "news" / "a.html.gz").write_bytes(gzip.compress(PAGE))
    (site / "news" / "b.HTM.gz").write_bytes(gzip.compress(PAGE.replace(b"intro", b"b")))
    (site / "notes.txt.gz").write_bytes(gzip.compress(TEXT))
    (site / "notes.md.gz").write_bytes(gzip.compress(TEXT + b"\n# End\n"))
    (site / "logs.tar.gz").write_bytes(gzip.compress(b"not a page\x00" * 10))
    (site / "data.gz").write_bytes(gzip.compress(b"<p>no page suffix</p>"))
    result = run_cli("scan", str(site), "--json")
    assert result.exit_code == 0, result.output
    urls = sorted(row["url"] for row in rows(db_path, "select url from articles"))
    names = ["news/a.html.gz", "news/b.HTM.gz", "notes.md.gz", "notes.txt.gz"]
    assert urls == sorted((site / name).as_uri() for name in names)
    # A text file's page is read as text, as notes.txt is: its embed is the text's post.
    plain = tmp_path / "notes.txt"
    plain.write_bytes(TEXT)
    assert run_cli("scan", str(plain)).exit_code == 0
    found = rows(
        db_path,
        "select articles.url, embeds.method, embeds.text from embeds"
        " join articles on articles.id = embeds.article_id order by articles.url",
    )
    by_url = {row["url"]: (row["method"], row["text"]) for row in found}
    assert by_url[(site / "notes.txt.gz").as_uri()] == by_url[plain.as_uri()]
    kinds = rows(db_path, "select target_uri, content_type from records")
    assert {r["target_uri"]: r["content_type"] for r in kinds}[
        (site / "notes.txt.gz").as_uri()
    ] == "text/plain"


def test_a_file_of_two_gzip_members_is_one_page(run_cli, tmp_path, db_path):
    half = len(PAGE) // 2
    page = tmp_path / "story.html.gz"
    page.write_bytes(gzip.compress(PAGE[:half]) + gzip.compress(PAGE[half:]) + b"\0" * 8)
    assert run_cli("scan", str(page)).exit_code == 0
    digest = hashlib.sha256(PAGE).hexdigest()
    assert rows(db_path, "select payload_sha256 from records")[0]["payload_sha256"] == digest
    assert run_cli("verify").exit_code == 0


def zero_bomb(path: Path, size: int) -> None:
    """A gzip file of ``size`` zero bytes (about a thousandth of that on disk)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    piece = bytes(1 << 20)
    with path.open("wb") as fh:
        for _ in range(size >> 20):
            fh.write(compressor.compress(piece))
        fh.write(compressor.flush())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (gzip.compress(PAGE)[:-6], "gzip-compressed, gzip data cut short"),
        (gzip.compress(PAGE)[:-8] + bytes(8), "gzip-compressed, damaged gzip data"),
        (gzip.compress(PAGE) + b"junk", "gzip-compressed, bytes after the gzip data"),
        (gzip.compress(b"\x89PNG\r\n\x1a\n\x00\x00" * 50), "(gzip-compressed): binary file"),
        (gzip.compress(b" \n"), "(gzip-compressed): empty file"),
        (gzip.compress(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n\r\n" + PAGE), "a gzip-compressed web"),
        (
            gzip.compress(b"filedesc://crawl.arc 0.0.0.0 20240302 text/plain 9\n"),
            "name it .warc.gz",
        ),
    ],
    ids=["cut", "crc", "junk-after", "binary", "empty", "warc", "arc"],
)
def test_a_gzip_file_that_holds_no_page_fails_alone(run_cli, tmp_path, db_path, content, reason):
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(content)
    good = tmp_path / "good.html"
    good.write_bytes(PAGE)
    result = run_cli("scan", str(bad), str(good))
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if str(bad) in line]
    assert line.startswith(f"error: {bad}") and reason in line, line
    assert "Traceback" not in result.output
    assert rows(db_path, "select url from articles") == [{"url": good.as_uri()}]


def test_a_gzip_bomb_is_refused_in_one_line(run_cli, tmp_path, db_path):
    bomb = tmp_path / "bomb.html.gz"
    zero_bomb(bomb, MAX_PAGE_BYTES + (4 << 20))
    assert bomb.stat().st_size < MAX_PAGE_BYTES // 500
    good = tmp_path / "good.html"
    good.write_bytes(PAGE)
    result = run_cli("scan", str(bomb), str(good))
    assert result.exit_code == 1
    limit = f"larger than {MAX_PAGE_BYTES:,} bytes once decompressed"
    assert f"error: {bomb}: gzip-compressed, {limit}" in result.output
    assert len(rows(db_path, "select * from embeds")) == 1


def test_gunzipped_stops_at_its_limit_without_inflating_the_rest() -> None:
    data = gzip.compress(bytes(64 << 20), 1)
    tracemalloc.start()
    try:
        with pytest.raises(NotReadable, match="larger than 4,000,000 bytes once decompressed"):
            gunzipped(data, 4_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # a quarter of what the file holds: it stopped near its limit


def test_gunzipped_reads_each_byte_of_many_members_about_once(monkeypatch) -> None:
    """A file of many small members (as bgzip writes them, or made so) is read member by
    member, not handed to zlib again from each member's end to the file's: 20,000 members
    made zlib read 5 GB, and a 10 MB file held a scan for minutes."""
    import archiver.small_files as small_files

    fed = [0]

    class Counting:
        def __init__(self, wbits: int) -> None:
            self._inner = zlib.decompressobj(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            fed[0] += len(data)
            return self._inner.decompress(data, max_length)

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

    monkeypatch.setattr(
        small_files,
        "zlib",
        SimpleNamespace(decompressobj=Counting, MAX_WBITS=zlib.MAX_WBITS, error=zlib.error),
    )
    member = gzip.compress(b"<p>x</p>", mtime=0)
    data = member * 20_000 + bytes(10)
    size = len(data)
    assert gunzipped(data) == b"<p>x</p>" * 20_000
    assert fed[0] < 4 * size  # a few times its size (a member's first piece is 64 bytes)
