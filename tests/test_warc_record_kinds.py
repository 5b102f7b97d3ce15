"""Pages kept otherwise than as an HTTP response: a ``resource`` record holding a saved page
(ArchiveWeb.page, a page saved with warcio), a Browsertrix text (``urn:text:URL``), a
``conversion`` record with no Content-Type. Each is read back by its pointer with warcio."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from pages import embed_page
from test_wacz import validate
from test_wacz_input import WACZ_CLI
from warc_data import DATE, TEXT, Page, article, chunked, write_warc
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archiver import warc_input
from archiver.errors import TargetError
from archiver.warc_input import WarcCounts, WarcPage, iter_warc_pages

PAGE = "https://news.example.org/story/1"


def resource(writer: WARCWriter, uri: str, body: bytes, content_type: str | None):
    """A ``resource`` record of ``body``, as ArchiveWeb.page or Browsertrix writes one."""
    return writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=content_type,
        warc_headers_dict={"WARC-Date": DATE},
    )


def write_resources(path: Path, records: list[tuple[str, bytes, str | None]]) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"), warc_version="1.1")
        for uri, body, content_type in records:
            writer.write_record(resource(writer, uri, body, content_type))
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_page_saved_as_a_resource_is_scanned_verified_and_exported(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """Its block is the page (no HTTP headers): the embed's bytes point into it, verify reads
    it back, and the export lists it as a page. A screenshot or an image is no page."""
    page = embed_page(post_id="1763000000000000101", text="Saved whole").encode()
    warc = write_resources(
        tmp_path / "saved.warc.gz",
        [
            (PAGE, page, "text/html"),
            ("urn:view:" + PAGE, b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
            ("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
        ],
    )
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned; skipped 1 non-HTML" in result.stderr
    record = rows(db_path, "select record_type, target_uri, http_status, content_type from records")
    assert record == [("resource", PAGE, None, "text/html")]
    embed = rows(db_path, "select post_id from embeds")
    assert embed == [("1763000000000000101",)]
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "out.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as package:
        pages = package.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert [json.loads(line)["url"] for line in pages] == [PAGE]
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_browsertrix_text_is_the_text_of_its_page(tmp_path: Path, run_cli, db_path: Path) -> None:
    """``urn:text:URL`` is read as the page's text, under the page's identity; its record
    keeps its own URI, verify reads it back, and the export lists no page for it."""
    text = write_resources(
        tmp_path / "text.warc.gz",
        [("urn:text:" + PAGE + "?utm_source=x", TEXT.encode(), "text/plain")],
    )
    result = run_cli("scan", str(text))
    assert result.exit_code == 0, result.output
    assert "0 HTML page(s) and 1 extracted text(s) scanned" in result.stderr
    assert rows(db_path, "select url from articles") == [(PAGE,)]
    kept = rows(db_path, "select record_type, target_uri, http_status from records")
    assert kept == [("resource", f"urn:text:{PAGE}?utm_source=x", None)]
    assert rows(db_path, "select final_url from articles") == [(f"{PAGE}?utm_source=x",)]
    assert rows(db_path, "select count(*) from embeds") == [(1,)]
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "out.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as package:
        assert len(package.read("pages/pages.jsonl").decode().splitlines()) == 1  # the header


def test_a_crawls_texts_of_pages_it_holds_as_html_add_nothing(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A Browsertrix WACZ (``wacz create``) of the pages' HTML and their texts (at load and
    final): one article and one scan per page, from the HTML; a text of a page with no HTML
    is scanned, once."""
    pages = write_warc(tmp_path / "rec.warc.gz", [article(1, True), article(2, False)])
    texts = write_resources(
        tmp_path / "text.warc.gz",
        [
            ("urn:text:https://news.example.org/story/1", TEXT.encode(), "text/plain"),
            ("urn:textFinal:https://news.example.org/story/1", TEXT.encode(), "text/plain"),
            ("urn:text:https://news.example.org/story/2", b"No post here.", "text/plain"),
            ("urn:text:https://news.example.org/story/3", TEXT.encode(), "text/plain"),
            ("urn:textFinal:https://news.example.org/story/3", TEXT.encode(), "text/plain"),
        ],
    )
    wacz = tmp_path / "crawl.wacz"
    subprocess.run(
        [WACZ_CLI, "create", "-o", str(wacz), str(pages), str(texts)], check=True, timeout=120
    )
    result = run_cli("scan", str(wacz))
    assert result.exit_code == 0, result.output
    assert "2 HTML page(s) and 1 extracted text(s) scanned" in result.stderr
    assert "4 text(s) of a page read as HTML or text" in result.stderr
    scans = "select a.url, r.record_type, s.embeds from scans s join articles a on a.id ="
    scans += " s.article_id join records r on r.id = s.record_id order by a.url"
    assert rows(db_path, scans) == [
        ("https://news.example.org/story/1", "response", 1),
        ("https://news.example.org/story/2", "response", 0),
        ("https://news.example.org/story/3", "resource", 1),
    ]
    assert run_cli("verify").exit_code == 0


def test_a_conversion_without_a_content_type_is_read_as_text(tmp_path: Path) -> None:
    """As a text file is; one holding binary bytes is counted as non-HTML."""
    path = tmp_path / "texts.warc"
    with open(path, "wb") as fh:
        for number, body in enumerate((TEXT.encode(), b"\x00\x01binary\x00")):
            block = body
            head = (
                "WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:"
                f"{number:08d}-0000-4000-8000-000000000000>\r\nWARC-Date: {DATE}\r\n"
                f"WARC-Target-URI: https://news.example.org/t/{number}\r\n"
                f"Content-Length: {len(block)}\r\n\r\n"
            )
            fh.write(head.encode() + block + b"\r\n\r\n")
    counts = WarcCounts()
    pages = list(iter_warc_pages(str(path), counts))
    assert [page.ref.target_uri for page in pages] == ["https://news.example.org/t/0"]
    assert (counts.texts, counts.non_html) == (1, 1)
    ref = pages[0].ref
    with open(path, "rb") as fh:
        fh.seek(ref.warc_offset)
        record = next(iter(ArchiveIterator(io.BytesIO(fh.read(ref.warc_length)))))
        assert record.content_stream().read() == TEXT.encode()


def raw_record(kind: str, uri: str, block: bytes, number: int, version: str = "1.0") -> bytes:
    """A record written byte for byte (warcio's writer would rewrite its headers)."""
    content_type = "application/http; msgtype=response" if kind == "response" else "text/plain"
    head = (
        f"WARC/{version}\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{number:08d}-0000-4000"
        f"-8000-000000000000>\r\nWARC-Date: {DATE}\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


@pytest.mark.parametrize("name", ["wget.warc", "wget.warc.gz"])
def test_older_and_other_writers_shapes_are_scanned_and_verified(
    tmp_path: Path, run_cli, db_path: Path, name: str
) -> None:
    """WARC/1.0 with the target in angle brackets (wget 1.19), HTTP/2 status lines (as
    browser-based crawlers record them), a wget log resource (no page)."""
    records = []
    for number, status in enumerate(("HTTP/2 200", "HTTP/2.0 200 OK", "HTTP/1.1 200")):
        page = embed_page(post_id=f"176300000000000080{number}", text=f"Shape {number}")
        block = f"{status}\r\nContent-Type: text/html\r\n\r\n{page}".encode()
        uri = f"<https://news.example.org/{number}>"
        records.append(raw_record("response", uri, block, number, "1.1" if number else "1.0"))
    records.append(
        raw_record("resource", "<urn:text:https://news.example.org/9>", TEXT.encode(), 7)
    )
    log = "metadata://gnu.org/software/wget/warc/wget.log"
    records.append(raw_record("resource", log, b"wget log\n", 8))
    path = tmp_path / name
    gzipped = name.endswith(".gz")
    path.write_bytes(b"".join(gzip.compress(r) if gzipped else r for r in records))
    result = run_cli("scan", str(path))
    assert result.exit_code == 0, result.output
    assert "3 HTML page(s) and 1 extracted text(s) scanned" in result.stderr
    kept = rows(db_path, "select target_uri, http_status, warc_offset, warc_length from records")
    assert [row[:2] for row in kept] == [
        *((f"https://news.example.org/{n}", 200) for n in range(3)),
        ("urn:text:https://news.example.org/9", None),
    ]
    data = path.read_bytes()
    for uri, _, offset, length in kept:
        record = next(iter(ArchiveIterator(io.BytesIO(data[offset : offset + length]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == uri
    assert rows(db_path, "select count(*) from embeds") == [(4,)]
    assert run_cli("verify").exit_code == 0


@pytest.mark.parametrize(
    "stray", [b"", b'PM\x88\xaf#"V', b"\x01\x7f", b"Content-Type: text/html", b"Qz:\x88 ;a"]
)
def test_digest_fields_that_declare_no_digest_are_not_checked(
    tmp_path: Path, run_cli, db_path: Path, stray: bytes
) -> None:
    """wget 1.21 run with ``--no-warc-digests`` writes both digest fields from buffers it never
    filled: empty, or stray bytes, no ``algorithm:`` label. They declare no digest: the page
    is scanned and verify passes. A labelled digest that fails is still refused."""
    records = []
    for number, digest in enumerate((stray, b"sha1:AAAA")):
        page = embed_page(post_id=f"176300000000000090{number}", text=f"Unfilled {number}")
        block = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{page}".encode()
        uri = f"<https://news.example.org/{number}>"
        fields = b"\r\nWARC-Block-Digest: %s\r\nWARC-Payload-Digest: %s" % (stray, digest)
        record = raw_record("response", uri, block, number)
        records.append(record.replace(b"\r\nContent-Type", fields + b"\r\nContent-Type", 1))
    path = tmp_path / "wget.warc.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in records))
    result = run_cli("scan", str(path))
    assert result.exit_code == 1
    assert "(https://news.example.org/1) fails its digest check" in result.stderr
    assert rows(db_path, "select target_uri from records") == [("https://news.example.org/0",)]
    assert rows(db_path, "select post_id from embeds") == [("1763000000000000900",)]
    assert run_cli("verify").exit_code == 0


def test_the_text_of_a_page_whose_html_is_refused_is_read(tmp_path: Path) -> None:
    """A page refused for its framing (chunks under ``Chunked``) is not read: its text is."""
    page = article(1, with_embed=True)
    page.headers = [("Transfer-Encoding", "Chunked")]
    page.body = chunked(page.body, 500)
    html = write_warc(tmp_path / "html.warc.gz", [page])
    text = write_resources(
        tmp_path / "t.warc.gz", [(f"urn:text:{page.uri}", TEXT.encode(), "text/plain")]
    )
    both = tmp_path / "both.warc.gz"
    both.write_bytes(html.read_bytes() + text.read_bytes())
    counts = WarcCounts()
    read = list(iter_warc_pages(str(both), counts))
    assert [type(item).__name__ for item in read] == ["DamagedRecord", "WarcPage"]
    assert (counts.texts, counts.same_page) == (1, 0)


def test_a_revisit_of_a_page_in_the_file_adds_no_scan(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """An identical-payload-digest revisit (as a deduplicating crawler writes it, referring
    to the response before it) holds no page: it is counted, and the page is the one scan."""
    from warcio.statusandheaders import StatusAndHeaders

    page = embed_page(post_id="1763000000000000901", text="Fetched twice").encode()
    path = tmp_path / "dedup.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        first = writer.create_warc_record(
            PAGE, "response", payload=io.BytesIO(page), length=len(page), http_headers=http
        )
        writer.write_record(first)
        headers = first.rec_headers
        revisit = writer.create_revisit_record(
            PAGE,
            headers.get_header("WARC-Payload-Digest"),
            PAGE,
            headers.get_header("WARC-Date"),
            http_headers=http,
        )
        revisit.rec_headers.add_header("WARC-Refers-To", headers.get_header("WARC-Record-ID"))
        writer.write_record(revisit)
    result = run_cli("scan", str(path))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned; skipped 0 non-HTML, 1 revisit" in result.stderr
    assert rows(db_path, "select count(*), sum(embeds) from scans") == [(1, 1)]
    assert run_cli("verify").exit_code == 0


def text_of(uri: str, kind: str = "conversion") -> Page:
    """A page's extracted text: a conversion under its URI, or a Browsertrix ``urn:text:``."""
    if kind == "conversion":
        return Page(uri, TEXT.encode(), kind="conversion", content_type="text/plain")
    return Page(f"urn:text:{uri}", TEXT.encode(), kind="conversion", content_type="text/plain")


def kinds_read(path: Path) -> tuple[list[str], WarcCounts]:
    counts = WarcCounts()
    read = list(iter_warc_pages(str(path), counts))
    kinds = [item.ref.record_type if isinstance(item, WarcPage) else "damaged" for item in read]
    return kinds, counts


@pytest.mark.parametrize("kind", ["conversion", "urn:text"])
def test_a_text_before_its_pages_html_adds_no_scan(tmp_path: Path, kind: str) -> None:
    """The order of an input's records does not matter: a page's text before its HTML was
    scanned, then the HTML too (two scans of one article, the second's embeds replacing
    the first's). The text waits for its page: one scan, from the HTML."""
    first, second = article(1, True), article(2, True)
    records = [text_of(first.uri, kind), text_of(PAGE.replace("1", "9"), kind), first, second]
    kinds, counts = kinds_read(write_warc(tmp_path / "texts-first.warc.gz", records))
    assert kinds == ["response", "response", "conversion"]  # the text of a page not held
    assert (counts.texts, counts.same_page) == (1, 1)


def test_a_browsertrix_wacz_listing_its_texts_first_adds_no_scan(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A WACZ whose ZIP lists Browsertrix's file of texts (``text-…``) before the pages' own:
    the pages are read first, their texts add nothing."""
    pages = write_warc(tmp_path / "rec-1.warc.gz", [article(1, True), article(2, False)])
    texts = write_resources(
        tmp_path / "text-1.warc.gz",
        [(f"urn:text:{PAGE}", TEXT.encode(), "text/plain")] * 2,
    )
    wacz = tmp_path / "crawl.wacz"
    subprocess.run(
        [WACZ_CLI, "create", "-o", str(wacz), str(texts), str(pages)], check=True, timeout=120
    )
    with zipfile.ZipFile(wacz) as package:
        names = [name for name in package.namelist() if name.startswith("archive/")]
    assert names == ["archive/text-1.warc.gz", "archive/rec-1.warc.gz"]
    result = run_cli("scan", str(wacz))
    assert result.exit_code == 0, result.output
    assert "2 HTML page(s) scanned" in result.stderr
    assert "2 text(s) of a page read as HTML or text" in result.stderr
    assert rows(db_path, "select count(*) from scans") == [(2,)]


def test_the_text_of_a_page_whose_html_fails_its_digest_is_read(tmp_path: Path) -> None:
    """A page that fails its digest check is not scanned: it counted as read all the same,
    its text was skipped and the page lost. Its text is read, before or after it."""
    page = article(1, with_embed=True)
    page.warc_headers = {"WARC-Payload-Digest": "sha1:" + "A" * 32}
    for order in ([page, text_of(PAGE)], [text_of(PAGE), page]):
        kinds, counts = kinds_read(write_warc(tmp_path / "damaged.warc.gz", order))
        assert sorted(kinds) == ["conversion", "damaged"]
        assert (counts.texts, counts.same_page) == (1, 0)


def test_texts_wait_for_their_pages_a_bounded_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts are held for their page's HTML only so far (``HELD_TEXTS``): a WET file of many
    texts is read with a few in memory, each scanned, in order; a file cut after them keeps
    them, before its error."""
    monkeypatch.setattr(warc_input, "HELD_TEXTS", 2)
    texts = [text_of(f"https://news.example.org/text/{n}") for n in range(5)]
    wet = write_warc(tmp_path / "many.warc.wet.gz", texts)
    pages = iter_warc_pages(str(wet), WarcCounts())
    first = next(pages)
    assert first.ref.target_uri.endswith("/0")  # given out while the fourth was read
    assert [page.ref.target_uri[-1] for page in pages] == ["1", "2", "3", "4"]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(wet.read_bytes()[:-20])
    read: list[str] = []
    with pytest.raises(TargetError, match="truncated"):
        read.extend(page.ref.target_uri[-1] for page in iter_warc_pages(str(cut), WarcCounts()))
    assert read == ["0", "1", "2", "3"]


def test_the_archive_s_own_records_of_local_pages_are_counted_as_passed_over(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A page file and standard input scanned with their embeds are kept as ``resource``
    records of ``file:`` and ``stdin:`` URIs: no web address, no article. Scanned back, from
    the archive's own WARC files or from the WACZ it exports, they are passed over and the
    summary says so (it read as if the files held nothing)."""
    page = tmp_path / "story.html"
    page.write_text(embed_page(post_id="1763000000000000102"), encoding="utf-8")
    assert run_cli("scan", str(page)).exit_code == 0
    stdin = embed_page(post_id="1763000000000000103").encode()
    assert run_cli("scan", "-", input=stdin).exit_code == 0
    out = tmp_path / "out.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    again = tmp_path / "again.db"
    for scanned in (db_path.with_name("archive-warc"), out):
        result = run_cli("scan", str(scanned), "--db", str(again), use_defaults=False)
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines()[-1] == (
            "WARC records: 0 HTML page(s) scanned; skipped 0 non-HTML, 0 revisit, 0 non-2xx,"
            " 0 unreadable, 2 local page(s) (file: or stdin: resources)"
        )
    assert rows(again, "select count(*) from articles") == [(0,)]
