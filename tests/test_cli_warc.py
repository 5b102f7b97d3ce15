"""``archive scan FILE.warc.gz``: every HTML response record is an article, with provenance."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import brotli
import pytest
from pages import embed_page
from warc_data import (
    Page,
    article,
    mixed_records,
    payload_digest,
    raw_response,
    record_offsets,
    scan_lines,
    truncated_page,
    write_warc,
)


def counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "scans", "embeds", "posts", "records")
        }


def test_scan_a_warc_file_with_provenance(tmp_path: Path, run_cli, db_path: Path) -> None:
    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    lines = scan_lines(run_cli, warc)
    assert [line["url"] for line in lines] == [
        "https://news.example.org/story/0",
        "https://news.example.org/story/1",
        "https://news.example.org/encoded",
    ]
    assert [len(line["embeds"]) for line in lines] == [1, 0, 1]
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select a.url, a.first_seen_at, s.started_at, r.warc_file, r.record_type,"
            " r.http_status, r.target_uri = a.url from scans s join articles a on a.id ="
            " s.article_id join records r on r.id = s.record_id order by r.warc_offset"
        ).fetchall()
        embed_records = conn.execute(
            "select count(*) from embeds e join scans s on s.record_id = e.record_id"
            " and s.article_id = e.article_id"
        ).fetchone()[0]
    assert len(rows) == 3 and embed_records == 2
    for _url, first_seen, started, warc_file, kind, status, same_uri in rows:
        assert first_seen == started == "2024-03-02T10:20:30Z"  # the crawl's fetch time
        assert (warc_file, kind, status, same_uri) == (str(warc.resolve()), "response", 200, 1)
    before = counts(db_path)
    assert before == {"articles": 3, "scans": 3, "embeds": 2, "posts": 2, "records": 3}
    again = run_cli("scan", str(warc))
    assert again.exit_code == 0 and counts(db_path) == before, "a re-scan adds no rows"
    assert "skipped 1 non-HTML, 1 revisit, 1 non-2xx" in again.stderr


def test_bad_warc_inputs_are_one_line_errors(tmp_path: Path, run_cli, db_path: Path) -> None:
    good = write_warc(tmp_path / "good.warc", mixed_records())
    not_warc = tmp_path / "notes.warc.gz"
    not_warc.write_text("not an archive")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(write_warc(tmp_path / "w.warc.gz", mixed_records(100)).read_bytes()[:-100])
    result = run_cli("scan", str(not_warc), str(cut), str(tmp_path / "gone.warc.gz"), str(good))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3 and "Traceback" not in result.output
    assert "notes.warc.gz: not a readable WARC file" in errors[0]
    assert "cut.warc.gz" in errors[1] and "truncated" in errors[1]
    assert "gone.warc.gz: no such file or directory" in errors[2]
    assert counts(db_path)["records"] == 3 + 2, "the good file, and the cut one up to the cut"


def test_crawl_usage_errors(tmp_path: Path, run_cli) -> None:
    """``archive crawl`` writes no archive, so it takes no ``--db``."""
    both = run_cli(
        *("crawl", "x.warc.gz", "--out", str(tmp_path), "--local", "1", "--scheduler", "a"),
        use_defaults=False,
    )
    assert both.exit_code == 2 and "--scheduler or --local, not both" in both.stderr
    no_out = run_cli("crawl", "x.warc.gz", use_defaults=False)
    assert no_out.exit_code == 2 and "--out" in no_out.stderr
    device = "/dev/null"  # click refuses a regular file; a device got "File exists"
    not_a_dir = run_cli("crawl", "x.warc.gz", "--out", device, "--local", "1", use_defaults=False)
    assert not_a_dir.exit_code == 1
    assert not_a_dir.stderr.splitlines()[-1] == f"Error: {device}: not a directory"
    loop = tmp_path / "loop"  # Python 3.11's Path.resolve(): a RuntimeError traceback
    loop.symlink_to(loop.name)
    looped = run_cli("crawl", "x.warc.gz", "--out", str(loop), "--local", "1", use_defaults=False)
    assert looped.exit_code == 1
    assert looped.stderr.splitlines()[-1] == f"Error: {loop}: not a directory"


def test_import_of_a_directory_without_a_crawl(tmp_path: Path, run_cli) -> None:
    result = run_cli("import", str(tmp_path))
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"Error: {tmp_path}: no crawl manifest (_manifest.jsonl)"
        " with any input in it"
    )


def test_a_page_the_crawler_truncated_is_scanned_as_kept(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """Common Crawl keeps a page's first MiB: the embeds in what was kept are the crawl's
    evidence. The embed the cut went through is not stored (it would be a text-only post
    holding half a text); one whole before the cut is."""
    warc = write_warc(tmp_path / "cc.warc.gz", [truncated_page(True), truncated_page(False)])
    result = run_cli("scan", str(warc), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    found = [[embed["post_id"] for embed in line["embeds"]] for line in lines]
    assert found == [
        ["1763000000000000555"],
        ["1763000000000000555", "1763000000000000777"],
    ]
    again = run_cli("scan", str(warc))  # its summary line counts them
    assert "2 HTML page(s) scanned (2 of them cut short by the crawler)" in again.stderr
    with sqlite3.connect(db_path) as conn:
        posts = [row[0] for row in conn.execute("select id from posts order by id")]
    assert posts == ["1763000000000000555", "1763000000000000777"], "no half-text post"
    assert run_cli("verify").exit_code == 0


CUT_SECOND = (
    '<blockquote class="twitter-tweet"><p>The second post, whose end never came</p>&mdash;'
    ' Other (@other) <a href="https://twitter.com/other/status/1763000000000000778">March 2,'
    " 2024</a></blockquote>"
)


def dropped_response(uri: str, framing: str, number: int = 1) -> bytes:
    """A response as wget keeps one whose connection dropped inside its second embed, after
    that post's text: its headers frame the whole page (``Content-Length``, or chunks), its
    body holds what came. Chunked, it breaks off after a whole chunk or inside one."""
    body = embed_page(post_id="1763000000000000556", extra=CUT_SECOND).encode()
    cut = body.index(b"&mdash; Other")
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    if framing == "length":
        block = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body[:cut]
    else:
        first, rest = body[:cut], body[cut:]
        stored = b"%x\r\n%s\r\n" % (len(first), first)
        if framing == "chunked-inside":
            stored += b"%x\r\n%s" % (len(rest), rest[:10])
        block = f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + stored
    return raw_response(uri, block, number)


@pytest.mark.parametrize("framing", ["length", "chunked-between", "chunked-inside"])
def test_a_page_whose_connection_dropped_is_scanned_as_cut_short(
    tmp_path: Path, run_cli, framing: str
) -> None:
    """wget keeps the part of a page that came before the connection dropped, unmarked: a
    body short of its ``Content-Length`` or of its last chunk is read as a page the crawler
    truncated. The post the drop went through is not a text-only post holding part of its
    text (and a chunked page cut after a whole chunk is no longer refused)."""
    warc = tmp_path / "dropped.warc.gz"
    warc.write_bytes(dropped_response("https://news.example.org/dropped", framing))
    lines = scan_lines(run_cli, warc)
    assert [[embed["post_id"] for embed in line["embeds"]] for line in lines] == [
        ["1763000000000000556"]
    ]
    again = run_cli("scan", str(warc))
    assert "1 HTML page(s) scanned (1 of them cut short by the crawler)" in again.stderr
    assert run_cli("verify").exit_code == 0


def test_a_page_on_one_line_recorded_de_chunked_is_not_cut_short(tmp_path: Path, run_cli) -> None:
    """A body a crawler recorded de-chunked under ``Transfer-Encoding: chunked`` is read as
    stored (as verify reads it): a minified page with no line break in it has no size line
    to end inside, so it is a whole page, not one cut short."""
    body = embed_page(post_id="1763000000000000558").replace("\n", " ").encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    warc = tmp_path / "one-line.warc.gz"
    warc.write_bytes(raw_response("https://news.example.org/one-line", head + body))
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned;" in result.stderr, result.stderr
    assert run_cli("verify").exit_code == 0


def test_a_206_holding_part_of_a_page_is_no_page(tmp_path: Path, run_cli, db_path: Path) -> None:
    """wget asks for the rest of a download that broke off and keeps the 206 that answers:
    the page's end, no page (it read as one that had lost its embeds). A 206 of all of the
    page (``bytes 0-N/N+1``) is the page."""
    body = embed_page(post_id="1763000000000000557").encode()
    records = []
    for number, start in enumerate((40, 0)):
        part = body[start:]
        block = (
            f"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html\r\nContent-Range: bytes"
            f" {start}-{len(body) - 1}/{len(body)}\r\nContent-Length: {len(part)}\r\n\r\n"
        ).encode() + part
        records.append(raw_response(f"https://news.example.org/part/{number}", block, number))
    warc = tmp_path / "parts.warc.gz"
    warc.write_bytes(b"".join(records))
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned; skipped 0 non-HTML, 0 revisit, 1 non-2xx" in result.stderr
    with sqlite3.connect(db_path) as conn:
        kept = conn.execute("select target_uri, http_status from records").fetchall()
    assert kept == [("https://news.example.org/part/1", 206)]


def test_a_page_cut_short_marks_no_embed_removed(tmp_path: Path, run_cli, db_path: Path) -> None:
    """A capture cut short says nothing of what came after its cut: an embed past it is not
    read as removed. A whole capture without it marks it removed, as before."""
    uri = "https://news.example.org/ferry"
    whole = embed_page(post_id="1763000000000000556", extra=CUT_SECOND).encode()
    earlier = Page(uri, whole, date="2024-03-01T09:00:00Z")
    dropped = tmp_path / "dropped.warc.gz"
    dropped.write_bytes(dropped_response(uri, "length"))
    later = Page(
        uri, embed_page(post_id="1763000000000000556").encode(), date="2024-03-03T09:00:00Z"
    )
    for warc in (write_warc(tmp_path / "whole.warc.gz", [earlier]), dropped):
        assert run_cli("scan", str(warc)).exit_code == 0
    sql = "select post_id, removed_at from embeds order by post_id"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(sql).fetchall() == [
            ("1763000000000000556", None),
            ("1763000000000000778", None),
        ]
        assert run_cli("scan", str(write_warc(tmp_path / "later.warc.gz", [later]))).exit_code == 0
        assert conn.execute(sql).fetchall()[1] == ("1763000000000000778", "2024-03-03T09:00:00Z")


def test_only_the_truncated_pages_scanned_are_counted_cut_short(tmp_path: Path) -> None:
    """The summary's "cut short" counts pages scanned: not a truncated text skipped for its
    page's HTML, nor a truncated page that fails its digest. Read here, and in worker
    processes (``archive scan`` of a WARC file on two cores or more)."""
    from archiver.scan_pool import process_pool, warc_in_workers
    from archiver.warc_input import WarcCounts
    from archiver.warc_scan import scan_warc_file

    cut = {"WARC-Truncated": "length"}
    uri = "https://news.example.org/whole"
    warc = write_warc(
        tmp_path / "cc.warc.gz",
        [
            Page(uri, embed_page().encode()),
            Page(
                uri,
                b"Its text, cut",
                kind="conversion",
                content_type="text/plain",
                warc_headers=cut,
            ),
            Page(
                f"{uri}/damaged",
                b"<html><p>Cut",
                warc_headers={**cut, "WARC-Payload-Digest": "sha1:" + "A" * 32},
            ),
            truncated_page(False),
        ],
    )
    here, in_workers = WarcCounts(), WarcCounts()
    list(scan_warc_file(str(warc), False, here))
    pool = process_pool(1)
    try:
        list(warc_in_workers(str(warc), False, in_workers, pool, lambda: None))
    finally:
        pool.shutdown()
    for counts in (here, in_workers):
        assert counts.line().startswith("2 HTML page(s) scanned (1 of them cut short by the")


def _state_page_cut(script_in_head: bool) -> Page:
    """``json_state_body.html`` as a crawler keeps its start: its state script (holding an
    embed the page leaves to script) where it is, cut in its footer; or moved into the head,
    cut inside the date of the page's own last embed."""
    body = (Path(__file__).parent / "fixtures" / "html" / "json_state_body.html").read_bytes()
    if script_in_head:
        start = body.index(b"<script>window.__STATE__")
        script = body[start : body.index(b"</script>", start) + len(b"</script>")]
        body = body.replace(script, b"").replace(b"</head>", script + b"</head>")
        end = body.rindex(b"2024</a></blockquote>")
    else:
        end = body.index(b'<script src="/static')
    uri = f"https://tarrow-times.example/news/state/{int(script_in_head)}"
    return Page(uri, body[:end], warc_headers={"WARC-Truncated": "length"})


def test_a_truncated_page_s_embeds_from_its_scripts_are_not_taken_for_the_cut_one(
    tmp_path: Path, run_cli
) -> None:
    """The embeds a page's script holds are numbered after the page's own: the cut goes
    through the page's own last embed, not through them (they are whole, before the cut)."""
    warc = write_warc(tmp_path / "cc.warc.gz", [_state_page_cut(False), _state_page_cut(True)])
    result = run_cli("scan", str(warc), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    found = [sorted(embed["post_id"] for embed in line["embeds"]) for line in lines]
    assert found == [
        ["1765001000000000001", "1765001000000000002"],  # both whole before the cut
        ["1765001000000000001"],  # the markup one is cut in its date
    ]


def test_embeds_point_at_their_bytes_in_the_crawl_record(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """``raw_start``/``raw_end`` index the record's payload (the body decoded, as warcio
    reads it), and ``archive verify`` checks the crawl's own file in place."""
    from warcio.archiveiterator import ArchiveIterator

    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    assert run_cli("scan", str(warc)).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "select e.raw, e.raw_start, e.raw_end, r.warc_file, r.warc_offset from embeds e"
            " join records r on r.id = e.record_id order by r.warc_offset"
        ).fetchall()
    assert len(rows) == 2  # the plain page and the chunked, gzip-encoded one
    for raw, start, end, warc_file, offset in rows:
        with open(warc_file, "rb") as fh:
            fh.seek(offset)
            payload = next(iter(ArchiveIterator(fh))).content_stream().read()
        assert payload[start:end].decode("utf-8") == raw and "twitter-tweet" in raw
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
    warc.write_bytes(warc.read_bytes()[:-300])  # the crawl's file changed after the scan
    assert run_cli("verify").exit_code == 1


def test_a_directory_scan_takes_its_warc_files_too(tmp_path: Path, run_cli, db_path: Path) -> None:
    folder = tmp_path / "saved"
    (folder / "crawl").mkdir(parents=True)
    write_warc(folder / "crawl" / "part-1.warc.gz", mixed_records())
    (folder / "page.html").write_text(
        '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/20">March 21, 2006</a></blockquote>'
    )
    (folder / "notes.csv").write_text("not scanned")
    result = run_cli("scan", str(folder), "--json")
    assert result.exit_code == 0, result.output
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    assert len(urls) == 4  # three pages of the WARC file, one HTML file
    assert sum(url.startswith("https://news.example.org/") for url in urls) == 3
    assert counts(db_path)["records"] >= 3


def test_a_crawl_page_that_breaks_detection_fails_alone(
    tmp_path: Path, run_cli, db_path: Path, monkeypatch
) -> None:
    """A WARC page on which a detector fails is that page's one-line error, with its scan row
    (the record is read once); the file's other pages are saved."""
    import archiver.detect
    from archiver.detect import find_posts

    def breaks_on_story_1(data, **kwargs):
        if kwargs.get("url", "").endswith("/story/1"):
            raise RecursionError("maximum recursion depth exceeded")
        return find_posts(data, **kwargs)

    monkeypatch.setattr(archiver.detect, "find_posts", breaks_on_story_1)
    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    result = run_cli("scan", str(warc))
    assert result.exit_code == 1
    assert "story/1: detection failed on this page (RecursionError)" in result.output
    assert "Traceback" not in result.output
    assert counts(db_path) == {"articles": 3, "scans": 3, "embeds": 2, "posts": 2, "records": 3}


def test_a_record_with_a_malformed_target_uri_is_kept_under_it(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A crawler's record of ``http://[::1/x`` (a host that does not parse) is scanned, its
    address kept as written, and the file's other pages too."""
    good, odd = article(1, with_embed=True), article(2, with_embed=True)
    odd.uri = "http://[::1/story/2"
    result = run_cli("scan", str(write_warc(tmp_path / "crawl.warc.gz", [odd, good])))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as conn:
        urls = {row[0] for row in conn.execute("select url from articles")}
    conn.close()
    assert urls == {"http://[::1/story/2", "https://news.example.org/story/1"}


def test_a_warc_file_whose_name_is_not_utf8_fails_alone(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """The archive keeps the WARC file's name as text, to point into it: a Latin-1 name
    ended the scan in a traceback at the first page's row."""
    try:
        odd = write_warc(Path(os.fsdecode(bytes(tmp_path) + b"/cr\xe9.warc.gz")), mixed_records())
    except (OSError, UnicodeError):
        pytest.skip("this file system wants UTF-8 names")
    good = write_warc(tmp_path / "good.warc.gz", mixed_records())
    result = run_cli("scan", str(odd), str(good))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {tmp_path}/cr\\udce9.warc.gz: the file's name is not UTF-8; rename it (the"
        " archive keeps the name of a WARC file it points into as text)"
    ]
    assert counts(db_path)["records"] == 3, "the other file's pages are stored"


def test_a_record_dated_out_of_the_range_of_dates_is_unreadable_alone(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """``9999-12-31T23:59:59-05:00`` is past the last date once in UTC: the scan ended in an
    OverflowError traceback."""
    late = article(7, True)
    late.date = "9999-12-31T23:59:59-05:00"
    warc = write_warc(tmp_path / "dates.warc.gz", [article(1, True), late, article(2, False)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 unreadable" in result.stderr
    with sqlite3.connect(db_path) as conn:
        urls = [row[0] for row in conn.execute("select url from articles order by id")]
    assert urls == ["https://news.example.org/story/1", "https://news.example.org/story/2"]


def test_a_record_dated_by_its_day_alone_is_read_verified_and_exported(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """WARC 1.1 allows W3CDTF's lower precisions (``2024-03-02``), which FastWARC reads as no
    date: such a page counted as unreadable. The record's row keeps the date as stored; the
    scan is at the day's start, in UTC; an impossible day is still unreadable."""
    day, impossible = article(1, True), article(2, True)
    day.date, impossible.date = "2024-03-02", "2024-02-30"
    warc = write_warc(tmp_path / "days.warc.gz", [day, impossible, article(3, True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "2 HTML page(s) scanned" in result.stderr and "1 unreadable" in result.stderr
    with sqlite3.connect(db_path) as conn:
        dates = conn.execute(
            "select records.date, scans.started_at, articles.first_seen_at from records"
            " join scans on scans.record_id = records.id join articles on"
            " articles.id = scans.article_id where records.target_uri like '%/1'"
        ).fetchall()
    assert dates == [("2024-03-02", "2024-03-02T00:00:00Z", "2024-03-02T00:00:00Z")]
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "days.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as wacz:
        pages = wacz.read("pages/pages.jsonl").decode()
    assert '"ts": "2024-03-02T00:00:00Z"' in pages
    since = tmp_path / "since.wacz"  # the day's record is captured from the day's start
    assert run_cli("export", "--wacz", str(since), "--since", "2024-03-02").exit_code == 0
    with zipfile.ZipFile(since) as wacz:
        assert "/story/1" in wacz.read("pages/pages.jsonl").decode()


def test_an_export_of_a_record_dated_with_an_offset_is_refused_in_one_line(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A WARC-Date with an offset (``+01:00``) is read and verified, but cdxj-indexer, which
    indexes an export, reads none: the export stopped in a TypeError traceback."""
    offset = article(1, True)
    offset.date = "2024-03-02T11:20:30+01:00"
    warc = write_warc(tmp_path / "offset.warc.gz", [offset])
    assert run_cli("scan", str(warc)).exit_code == 0
    assert run_cli("verify").exit_code == 0
    out = tmp_path / "out.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is dated 2024-03-02T11:20:30+01:00, not a time in UTC" in result.output
    assert not out.exists()


@pytest.mark.parametrize("uri", ["HTTP://NEWS.EXAMPLE.ORG/UPPER", "urn:x:story", "not a url"])
def test_a_record_verify_could_not_read_back_is_unreadable_alone(
    tmp_path: Path, run_cli, db_path: Path, uri: str
) -> None:
    """warcio parses a response's HTTP headers only under a lower-case http(s) URI: such a
    record was stored, then failed every ``archive verify`` and stopped every export."""
    odd = article(2, with_embed=True)
    odd.uri = uri
    warc = write_warc(tmp_path / "crawl.warc.gz", [odd, article(1, with_embed=True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 unreadable" in result.stderr
    assert run_cli("verify").exit_code == 0


def test_a_record_id_that_is_not_utf8_is_kept_as_verify_reads_it(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A WARC-Record-ID holding a Latin-1 byte: FastWARC read it with U+FFFD in the byte's
    place, warcio (verify's reader) as Latin-1, so the scan stored a row every verify failed."""
    plain = write_warc(tmp_path / "crawl.warc", [article(1, True), article(2, True)]).read_bytes()
    start = plain.index(b"WARC-Record-ID: <urn:uuid:") + len(b"WARC-Record-ID: <urn:uuid:")
    odd = plain[:start] + b"\xe9" + plain[start + 1 :]  # the ID's length, its digests unchanged
    warc = tmp_path / "odd.warc"
    warc.write_bytes(odd)
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as conn:
        ids = [row[0] for row in conn.execute("select record_id from records order by id")]
    conn.close()
    assert ids[0].startswith("<urn:uuid:\xe9") and len(ids) == 2
    verify = run_cli("verify")
    assert verify.exit_code == 0, verify.output
    assert run_cli("export", "--wacz", str(tmp_path / "out.wacz")).exit_code == 0


# A zstd frame: its magic number, then bytes no HTML page starts with (zstandard is not a
# dependency, so none is compressed here).
ZSTD_LIKE = b"\x28\xb5\x2f\xfd" + gzip.compress(b"<html>" * 50)[10:]


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("gzip, zstd", lambda _: ZSTD_LIKE),  # a stack is undone only whole (gzip, gzip is)
        ("zstd", lambda _: ZSTD_LIKE),
    ],
)
def test_a_record_in_a_coding_this_reader_does_not_undo_is_unreadable(
    tmp_path: Path, run_cli, db_path: Path, coding: str, encoded
) -> None:
    """Its compressed bytes were scanned as the page: an article of binary, with no embed."""
    odd = article(2, with_embed=True)
    odd.headers = [("Content-Encoding", coding)]
    odd.body = encoded(odd.body)
    warc = write_warc(tmp_path / "crawl.warc.gz", [odd, article(1, with_embed=True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0 and "1 unreadable" in result.stderr
    with sqlite3.connect(db_path) as conn:
        urls = [row[0] for row in conn.execute("select url from articles")]
    assert urls == ["https://news.example.org/story/1"]


# Three real crawl pages open so: no ``<html`` or ``<body`` in their first 8 KB.
STYLE_FIRST = b"\xef\xbb\xbf  <style>" + b"p { margin: 0 }\n" * 700 + b"</style>"


@pytest.mark.parametrize(
    ("headers", "lead"),
    [
        ([("Content-Encoding", "gzip")], b""),
        ([("Content-Encoding", "gzip")], STYLE_FIRST),
        ([("Content-Encoding", "br")], b""),
        ([("Content-Encoding", "deflate")], b""),
        ([("Content-Encoding", "zstd")], b""),
        ([("Transfer-Encoding", "chunked")], b""),
        ([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")], b""),
    ],
)
def test_a_page_stored_decoded_under_its_servers_coding_headers_is_scanned(
    tmp_path: Path, run_cli, db_path: Path, headers: list[tuple[str, str]], lead: bytes
) -> None:
    """Tools that record a browser's decoded bodies keep the server's headers. Such a page
    was skipped as unreadable; warcio (``archive verify``) and replay tools read its body as
    it is, and so does the scan now: its embed is found and verify passes. A first version
    looked for an HTML word in the first 8 KB, and still lost pages that open with 10 KB of
    ``<style>`` (after a byte order mark and blanks): the choice is now warcio's own."""
    page = article(1, with_embed=True)
    page.headers, page.body = headers, lead + page.body
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=False)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0 and "0 unreadable" in result.stderr, result.output
    assert counts(db_path)["embeds"] == 1
    assert run_cli("verify").exit_code == 0


def test_a_gzip_body_broken_after_its_start_is_unreadable(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """warcio decodes such a body up to the break, so neither it nor the compressed bytes
    are the page: nothing of it is stored, and verify passes."""
    page = article(1, with_embed=True)
    packed = gzip.compress(page.body * 40)
    page.body = packed[: len(packed) // 2] + bytes(len(packed) // 2)
    page.headers = [("Content-Encoding", "gzip")]
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0 and "1 unreadable" in result.stderr, result.output
    assert counts(db_path)["records"] == 1
    assert run_cli("verify").exit_code == 0


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("br", brotli.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),
        ("gzip, gzip", lambda body: gzip.compress(gzip.compress(body))),
        ("deflate, br", lambda body: brotli.compress(raw_deflate(body))),
        ("gzip, gzip", lambda body: body),  # recorded decoded under the server's header
    ],
)
def test_a_page_in_br_x_gzip_deflate_or_a_stack_is_scanned_verified_and_exported(
    tmp_path: Path, run_cli, db_path: Path, coding: str, encoded
) -> None:
    """warcio's own br reader raised AttributeError with the brotli package httpx installs
    (warcio issue #73): every ``archive verify`` and ``export`` of an archive holding a
    br-encoded page stopped in a traceback. warcio left an ``x-gzip`` body (gzip, by its
    other name) compressed, which the scan had decoded: verify failed such a page for ever.
    A ``deflate`` body in raw deflate (no zlib header, as some servers send it) was skipped
    as unreadable, where warcio reads it. A stack of codings (as the archive's own fetches
    keep them) was unreadable: verify undoes it, and so does the scan."""
    page = article(1, with_embed=True)
    page.headers = [("Content-Encoding", coding)]
    page.body = encoded(page.body)
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=False)])
    assert run_cli("scan", str(warc)).exit_code == 0
    assert counts(db_path)["embeds"] == 1
    result = run_cli("verify")
    assert result.exit_code == 0 and "OK" in result.output, result.output
    assert run_cli("export", "--wacz", str(tmp_path / "out.wacz")).exit_code == 0


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_page_failing_its_payload_digest_is_an_error_and_stores_nothing(
    tmp_path: Path, run_cli, db_path: Path, name: str
) -> None:
    """A page whose payload did not match its WARC-Payload-Digest was scanned and stored
    (article, embeds, a records row) from damaged bytes, with exit 0; ``archive verify``
    then failed. It is one error line naming the file, offset and URI, with exit 1; the
    file's other pages are stored, digests in base32 or hex, and verify passes."""
    pages = [article(n, with_embed=n != 2) for n in range(4)]
    wrong = [payload_digest(b"other bytes"), payload_digest(b"other bytes", "sha256 hex")]
    pages[0].warc_headers["WARC-Payload-Digest"] = payload_digest(pages[0].body, "sha1 hex")
    pages[1].warc_headers["WARC-Payload-Digest"] = wrong[0]  # a page with an embed
    pages[2].warc_headers["WARC-Payload-Digest"] = wrong[1]  # a page without one
    pages[3].warc_headers["WARC-Payload-Digest"] = payload_digest(pages[3].body, "sha256 base32")
    warc = write_warc(tmp_path / name, pages)
    result = run_cli("scan", str(warc))
    assert result.exit_code == 1 and "Traceback" not in result.output
    offsets = record_offsets(warc)
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {warc.resolve()}: record at byte {offsets[n]} ({pages[n].uri}) fails its"
        f" digest check, not scanned (payload digest failed {wrong[n - 1]})"
        for n in (1, 2)
    ]
    assert "WARC records: 2 HTML page(s) scanned; skipped 0 non-HTML" in result.stderr
    with sqlite3.connect(db_path) as conn:
        uris = [row[0] for row in conn.execute("select target_uri from records order by id")]
    conn.close()
    assert uris == [pages[0].uri, pages[3].uri]
    assert counts(db_path) == {"articles": 2, "scans": 2, "embeds": 2, "posts": 2, "records": 2}
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def _stored(db_path: Path) -> dict[str, list[tuple]]:
    queries = {
        "articles": "select url, title, content_sha256, http_status from articles order by id",
        "embeds": "select post_id, position, raw_start, raw_end, raw_sha256 from embeds"
        " order by id",
        "records": "select warc_offset, warc_length, record_id, payload_sha256 from records"
        " order by id",
    }
    with sqlite3.connect(db_path) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in queries.items()}


def test_a_big_warc_file_scanned_in_worker_processes_stores_what_one_process_does(
    tmp_path: Path, run_cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``PARALLEL_MIN_WARC_BYTES`` the pages are checked and detected in worker
    processes while the command reads on: the same rows, lines, counts and errors, in the
    same order (a page failing its digest, and the pages before a cut, included)."""
    from archiver import scan_pool

    pages = [page for start in range(0, 120, 10) for page in mixed_records(start)]
    pages[7].warc_headers["WARC-Payload-Digest"] = payload_digest(b"other bytes")
    whole = write_warc(tmp_path / "w.warc.gz", pages)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-100])
    outcomes = []
    for name, least in (("one.db", 10**12), ("workers.db", 0)):
        monkeypatch.setattr(scan_pool, "PARALLEL_MIN_WARC_BYTES", least)
        db = ["--db", str(tmp_path / name), "--config", str(config_file)]
        result = run_cli("scan", str(whole), str(cut), "--json", *db, use_defaults=False)
        outcomes.append((result.exit_code, result.stdout, result.stderr))
    assert outcomes[0] == outcomes[1]
    exit_code, lines, summary = outcomes[0]
    assert exit_code == 1 and lines.count("fails its digest check") == 2  # in both files
    assert "truncated" in lines and not summary
    alone, shared = _stored(tmp_path / "one.db"), _stored(tmp_path / "workers.db")
    assert alone == shared and len(alone["articles"]) == 25 and len(alone["records"]) > 30


def test_a_page_failing_its_block_digest_is_an_error_and_stores_nothing(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """One byte of a record's HTTP headers changed (its payload whole): the block digest
    fails. The page was stored, and then every ``archive verify`` failed and ``archive
    export`` refused the whole archive. It is now its one-line error, like a payload's."""
    pages = [article(n, with_embed=True) for n in range(3)]
    warc = write_warc(tmp_path / "headers.warc", pages)
    data = warc.read_bytes()
    second = record_offsets(warc)[1]
    at = data.index(b"charset=utf-8", second)
    warc.write_bytes(data[:at] + b"charset=utf-9" + data[at + len(b"charset=utf-8") :])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"record at byte {second} ({pages[1].uri})" in errors[0]
    assert "fails its digest check, not scanned (block digest failed: sha1:" in errors[0]
    assert counts(db_path)["records"] == 2
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output


def chunks(data: bytes, extension: bytes = b"", trailer: bytes = b"") -> bytes:
    """``data`` in chunks of 1,000 bytes, each size line with ``extension``, then the last
    chunk and ``trailer`` (header lines)."""
    parts = [
        b"%x%s\r\n%s\r\n" % (len(data[i : i + 1000]), extension, data[i : i + 1000])
        for i in range(0, len(data), 1000)
    ]
    return b"".join(parts) + b"0\r\n" + trailer + b"\r\n"


@pytest.mark.parametrize(
    ("transfer", "framed"),
    [
        ("chunked", chunks),
        ("chunked", lambda body: chunks(body, extension=b";name=value")),
        ("chunked", lambda body: chunks(body) + b"<p>after the last chunk</p>"),
        ("Chunked", lambda body: body),  # recorded de-chunked: read as stored, by both
    ],
    ids=["plain", "extension", "bytes-after-the-last-chunk", "Chunked-recorded-de-chunked"],
)
def test_a_chunked_page_is_read_as_verify_reads_it(
    tmp_path: Path, run_cli, db_path: Path, transfer: str, framed
) -> None:
    """warcio (``archive verify``) reads chunk extensions and stops at the last chunk, as a
    browser does: the page is stored as a browser reads it. (A page with chunk extensions
    was lost as unreadable.)"""
    page = article(1, with_embed=True)
    page.headers = [("Transfer-Encoding", transfer)]
    page.body = framed(page.body)
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0 and "0 unreadable" in result.stderr, result.output
    with sqlite3.connect(db_path) as conn:
        stored = {row[0] for row in conn.execute("select payload_sha256 from records")}
    pages = (article(1, with_embed=True).body, article(2, with_embed=True).body)
    assert stored == {hashlib.sha256(body).hexdigest() for body in pages}  # as a browser reads
    result = run_cli("verify")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_chunked_page_digested_de_chunked_is_scanned_verified_and_exported(
    tmp_path: Path, run_cli, db_path: Path, name: str
) -> None:
    """WARC 1.0 and 1.1 define a response's payload as its entity-body, the body with its
    transfer coding removed, and warcprox and wget-lua digest it so (warcio's
    example-iana.org-chunked.warc): such a page failed its digest check and was lost. It is
    read; a digest of neither the body as sent nor the de-chunked one is still an error."""
    pages = [article(n, with_embed=True) for n in range(3)]
    for page in pages[:2]:
        page.warc_headers["WARC-Payload-Digest"] = payload_digest(page.body, "sha1 hex")
        page.headers = [("Transfer-Encoding", "chunked")]
        page.body = chunks(page.body)
    wrong = payload_digest(b"other bytes")
    pages[1].warc_headers["WARC-Payload-Digest"] = wrong
    warc = write_warc(tmp_path / name, pages)
    result = run_cli("scan", str(warc))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"({pages[1].uri}) fails its digest check" in errors[0]
    assert f"(payload digest failed {wrong})" in errors[0]
    with sqlite3.connect(db_path) as conn:
        uris = [row[0] for row in conn.execute("select target_uri from records order by id")]
    conn.close()
    assert uris == [pages[0].uri, pages[2].uri]
    assert counts(db_path)["embeds"] == 2
    verified = run_cli("verify")
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output
    assert run_cli("export", "--wacz", str(tmp_path / "out.wacz")).exit_code == 0


BROKEN_OFF = (
    "has a chunked body whose framing breaks off after its first chunk (archive verify would"
    " read the rest as stored, a browser stops there)"
)


@pytest.mark.parametrize(
    ("transfer", "framed", "problem"),
    [
        ("chunked", lambda body: chunks(body, trailer=b"X-Trailer: 1\r\n"), BROKEN_OFF),
        ("chunked", lambda body: chunks(body)[:-2], BROKEN_OFF),  # no CRLF after the last chunk
        ("chunked", lambda body: chunks(body)[:-5] + b"<p>no last chunk</p>", BROKEN_OFF),
        ("chunked", lambda body: chunks(body)[:300] + b"\r\nzz\r\n" + body, BROKEN_OFF),
        (
            "Chunked",  # warcio de-chunks "chunked" only, to the letter
            chunks,
            "has a chunked body under 'Transfer-Encoding: Chunked', which a browser de-chunks"
            " and archive verify reads as stored",
        ),
        (
            "gzip, chunked",
            chunks,
            "has a chunked body under 'Transfer-Encoding: gzip, chunked', which a browser"
            " de-chunks and archive verify reads as stored",
        ),
    ],
    ids=["trailer", "no-crlf", "junk-for-the-last-chunk", "bad-size", "Chunked", "gzip-chunked"],
)
def test_a_chunked_page_verify_reads_otherwise_is_one_line_and_not_stored(
    tmp_path: Path, run_cli, db_path: Path, transfer: str, framed, problem: str
) -> None:
    """From a framing warcio does not expect after a first chunk, it reads on as stored (the
    last chunk's line, a trailer, junk), and it leaves a body under ``Chunked`` or ``gzip,
    chunked`` as stored: a page stored so held bytes a browser never shows as the page
    (``0\\r\\nX-Trailer: 1`` after the markup, the chunks' size lines). One line naming the
    file and the record, exit 1, and the file's other page stored."""
    page = article(1, with_embed=True)
    page.headers = [("Transfer-Encoding", transfer)]
    page.body = framed(page.body)
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=True)])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "not scanned" in line]
    assert errors == [f"error: {warc}: record at byte 0 ({page.uri}) {problem}, not scanned"]
    assert counts(db_path)["records"] == 1
    result = run_cli("verify")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("coding", ["deflate", "br"])
def test_a_decoded_page_under_a_chunked_header_is_kept_only_as_verify_reads_it(
    tmp_path: Path, run_cli, db_path: Path, coding: str
) -> None:
    """warcio reads a body that is not chunked from its start under ``Transfer-Encoding:
    chunked`` a first line at a time: a deflate or br reader fed that line alone (a blank
    one here) took it, and the rest of the page was read as stored without it. The scan
    stored the page with it, which failed verify for ever."""
    page = article(1, with_embed=True)
    page.headers = [("Transfer-Encoding", "chunked"), ("Content-Encoding", coding)]
    page.body = b"\r\n\n  " + page.body
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=True)])
    assert run_cli("scan", str(warc)).exit_code == 0
    result = run_cli("verify")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("coding", "encoded", "embeds"),
    [
        ("gzip", lambda body: gzip.compress(body) + gzip.compress(b"<p>more</p>"), 2),
        ("x-gzip", lambda body: gzip.compress(body) + b"junk after the member\r\n", 2),
        ("br", lambda body: brotli.compress(body) + b"junk", 1),
    ],
)
def test_bytes_after_a_compressed_page_are_read_as_verify_reads_them(
    tmp_path: Path, run_cli, db_path: Path, coding: str, encoded, embeds: int
) -> None:
    """warcio reads a gzip body's first member and ignores what follows it; it refuses a br
    stream with bytes after its end (and reads the compressed bytes as they are). The scan
    read every gzip member (verify then failed the page for ever), skipped a gzip page
    followed by junk, and read a br page followed by junk (verify failed it for ever)."""
    page = article(1, with_embed=True)
    page.headers = [("Content-Encoding", coding)]
    page.body = encoded(page.body)
    warc = write_warc(tmp_path / "crawl.warc.gz", [page, article(2, with_embed=True)])
    assert run_cli("scan", str(warc)).exit_code == 0
    assert counts(db_path)["embeds"] == embeds
    result = run_cli("verify")
    assert result.exit_code == 0, result.output


def test_a_warc_file_is_named_as_given_in_every_error(
    tmp_path: Path, run_cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cut file was named by its absolute path, an unreadable one as the user wrote it."""
    monkeypatch.chdir(tmp_path)
    Path("notes.warc.gz").write_text("not an archive")
    whole = write_warc(tmp_path / "w.warc.gz", mixed_records(100)).read_bytes()
    Path("cut.warc.gz").write_bytes(whole[:-100])
    Path("cut.warc").write_bytes(gzip.decompress(whole)[:-100])
    damaged = mixed_records(200)
    damaged[1].warc_headers["WARC-Payload-Digest"] = payload_digest(b"other bytes")
    write_warc(tmp_path / "damaged.warc.gz", damaged)
    result = run_cli("scan", "notes.warc.gz", "cut.warc.gz", "cut.warc", "damaged.warc.gz")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [line.split(" ")[1] for line in errors] == [
        "notes.warc.gz:",
        "cut.warc.gz:",
        "cut.warc:",
        "damaged.warc.gz:",
    ], errors


def test_http_framing_is_read_as_a_browser_reads_it_or_refused_in_one_line(tmp_path: Path) -> None:
    """HTTP header lines ending in CRLF and LF alone mixed (FastWARC read two fields as one:
    a ``Transfer-Encoding: chunked`` or ``Content-Encoding: gzip`` unseen, the page stored
    with its chunks or compressed, failing verify for ever), and bytes after the last chunk
    (not the page: a browser stops at the last chunk) are read as a browser reads them;
    headers a browser and verify end at different lines are one line naming the file and
    the record (exit 1), and the rest of the file is stored. Real processes, a WARC file
    written byte for byte, read back by ``archive verify`` (warcio)."""
    from warc_data import chunked, raw_response

    pages = {n: article(n, with_embed=True).body for n in range(1, 6)}
    junk = (
        b'<blockquote class="twitter-tweet"><a href="https://x.com/a/status/1763000000000000099">'
    )
    blocks = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked(pages[1]),
        b"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip\r\n\r\n"
        + gzip.compress(pages[2]),
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked(pages[3])
        + junk,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n  \r\n<p>no empty line</p>",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + pages[5],
    ]
    records = [raw_response(f"https://news.example.org/{n}", b, n) for n, b in enumerate(blocks, 1)]
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(b"".join(records))
    fourth = sum(len(record) for record in records[:3])

    def archive(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "archiver", *arguments, "--db", "a.db"]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    scanned = archive("scan", "crawl.warc.gz")
    assert scanned.returncode == 1, scanned.stderr
    errors = [line for line in scanned.stderr.splitlines() if "not scanned" in line]
    assert errors == [
        f"error: crawl.warc.gz: record at byte {fourth} (https://news.example.org/4) has HTTP"
        f" headers that archive verify ends at byte {blocks[3].index(b'  ') + 4} of its block"
        f" and a browser at byte {len(blocks[3])} (a line of blanks among them), not scanned"
    ], scanned.stderr
    assert "Traceback" not in scanned.stderr
    with sqlite3.connect(tmp_path / "a.db") as conn:
        stored = dict(conn.execute("select target_uri, payload_sha256 from records"))
        posts = {row[0] for row in conn.execute("select id from posts")}
    assert stored == {
        f"https://news.example.org/{n}": hashlib.sha256(pages[n]).hexdigest() for n in (1, 2, 3, 5)
    }
    assert "1763000000000000099" not in posts  # after the last chunk: not the page
    verified = archive("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("2019-08-15T01:02Z", "2019-08-15T01:02:00Z"),  # W3CDTF's minutes (FastWARC reads them)
        ("2019-08-15T01:02:03", "2019-08-15T01:02:03Z"),  # no zone: UTC, as WARC-Dates are
        ("20190815010203", "2019-08-15T01:02:03Z"),  # an ARC header's 14 digits, converted
        ("201908150102", "2019-08-15T01:02:00Z"),
    ],
)
def test_a_record_dated_in_a_form_fastwarc_does_not_read_is_scanned_and_verified(
    tmp_path: Path, run_cli, db_path: Path, stored: str, read: str
) -> None:
    """Crawls date records in forms FastWARC reads as no date (a page of each was counted
    unreadable and lost): the scan takes the time they name, in UTC, and verify reads the
    record back; a year alone or an impossible time is still unreadable. The digits are
    refused by an export, in one line."""
    page, year, impossible = article(1, True), article(2, True), article(3, True)
    page.date, year.date, impossible.date = stored, "2019", "2019-08-15T25:00Z"
    warc = write_warc(tmp_path / "dates.warc.gz", [page, year, impossible])
    result = run_cli("scan", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 HTML page(s) scanned" in result.stderr and "2 unreadable" in result.stderr
    with sqlite3.connect(db_path) as conn:
        started = conn.execute("select started_at from scans").fetchall()
    assert started == [(read,)]
    assert run_cli("verify").exit_code == 0
    # cdxj-indexer, which indexes an export, reads an ARC header's digits as no time (it
    # stopped in an OverflowError): such a record is refused in one line, as an offset is.
    exported = run_cli("export", "--wacz", str(tmp_path / "out.wacz"))
    if stored.isdigit():
        assert exported.exit_code == 1 and "Traceback" not in exported.output
        assert f"is dated {stored}, not a time in UTC" in exported.output
    else:
        assert exported.exit_code == 0, exported.output


HUGE = "9" * 5000  # past the 4,300 digits Python's int() reads from a string


def _huge_lengths(kind: str) -> tuple[str, bytes]:
    """A crawl file whose first record declares a length of ``HUGE`` digits (where
    ``kind`` says), then a sound page."""
    body = embed_page().encode()
    good = raw_response(
        "http://news.example.org/ok", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    )
    if kind == "arc":
        from test_arc_input import VERSION, arc_record

        line = f"filedesc://c.arc 0.0.0.0 20240302102030 text/plain {len(VERSION)}\n"
        page = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        record = arc_record("http://news.example.org/a", page).replace(
            f" {len(page)}\n".encode(), f" {HUGE}\n".encode(), 1
        )
        return "c.arc.gz", gzip.compress(line.encode() + VERSION + b"\n") + gzip.compress(record)
    head = {
        "http": f"HTTP/1.1 200 OK\r\nContent-Length: {HUGE}\r\n",
        "range": f"HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-{HUGE}/{HUGE}\r\n",
        "warc": "HTTP/1.1 200 OK\r\n",
    }[kind]
    bad = raw_response(
        "http://news.example.org/a", f"{head}Content-Type: text/html\r\n\r\n".encode() + body
    )
    if kind == "warc":
        bad = gzip.compress(
            gzip.decompress(bad).replace(b"Content-Length: ", f"Content-Length: {HUGE}".encode(), 1)
        )
    return "c.warc.gz", bad + good


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        ("http", "1 of them cut short by the crawler"),  # the body is short of it
        ("range", "1 non-2xx"),  # a part of a page
        ("warc", "record at byte 0 is truncated"),  # the file holds less than it declares
        ("arc", "is cut short (its gzip member holds"),
    ],
)
def test_a_length_of_thousands_of_digits_is_read_as_past_any_file(
    tmp_path: Path, run_cli, kind: str, shown: str
) -> None:
    name, data = _huge_lengths(kind)
    (tmp_path / name).write_bytes(data)
    result = run_cli("scan", str(tmp_path / name))  # a traceback raises here
    assert shown in result.output, result.output
