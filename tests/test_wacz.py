"""``archive export --wacz``: a package that py-wacz's ``wacz validate`` accepts, whose index
points at the exact records, with the articles and posts as pages."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlite_utils
from test_evidence import EMBED, PAGE
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Response

WACZ = shutil.which("wacz") or str(Path(sys.executable).with_name("wacz"))


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WACZ, "validate", "-f", str(path)], capture_output=True, text=True, timeout=300
    )


def scan_article(run_cli, httpserver, name: str, body: str) -> str:
    httpserver.expect_request(f"/{name}").respond_with_response(
        Response(
            gzip.compress(body.encode()),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )
    )
    url = httpserver.url_for(f"/{name}")
    result = run_cli("scan", url)
    assert result.exit_code == 0, result.output
    return url


def test_export_is_a_valid_wacz_with_every_kept_record(run_cli, httpserver, tmp_path, db_path):
    first = scan_article(run_cli, httpserver, "one", PAGE)
    second = scan_article(run_cli, httpserver, "two", PAGE.replace("intro", "other intro"))
    local = tmp_path / "local.html"
    local.write_text(PAGE)
    assert run_cli("scan", str(local)).exit_code == 0
    out = tmp_path / "all.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 0, result.output
    assert "3 record(s)" in result.output
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded" in checked.stdout
    with zipfile.ZipFile(out) as package:
        assert all(info.compress_type == zipfile.ZIP_STORED for info in package.infolist())
        names = set(package.namelist())
        assert {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl"} <= names
        warc = package.read("archive/data.warc.gz")
        index = package.read("indexes/index.cdx").decode().splitlines()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert {p["url"] for p in pages[1:]} >= {first, second}
    # Every index line names a record at its exact offset and length in the packed WARC.
    assert len(index) == 3
    for line in index:
        fields = json.loads(line.split(" ", 2)[2])
        start, length = int(fields["offset"]), int(fields["length"])
        record = next(iter(ArchiveIterator(io.BytesIO(warc[start : start + length]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        assert EMBED.encode() in record.content_stream().read()


def test_export_of_one_article(run_cli, httpserver, tmp_path, db_path):
    first = scan_article(run_cli, httpserver, "one", PAGE)
    scan_article(run_cli, httpserver, "two", PAGE.replace("intro", "other intro"))
    out = tmp_path / "one.wacz"
    assert run_cli("export", "--wacz", str(out), "--article", first).exit_code == 0
    assert validate(out).returncode == 0
    with zipfile.ZipFile(out) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert [p["url"] for p in pages[1:]] == [first]


def test_export_of_an_article_named_with_its_feed_s_tag(run_cli, httpserver, tmp_path, db_path):
    """``--article`` finds the row of the article its address names: a feed's tag or a
    fragment (dropped from the article's identity, as by m021 in an upgraded archive)."""
    first = scan_article(run_cli, httpserver, "one", PAGE)
    sqlite_utils.Database(db_path).execute("update articles set final_url = null")
    out = tmp_path / "one.wacz"
    result = run_cli("export", "--wacz", str(out), "--article", f"{first}?ref=rss#comments")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert [p["url"] for p in pages[1:]] == [first]


def test_an_article_the_archive_does_not_hold_is_named_as_such(
    run_cli, httpserver, tmp_path, db_path
):
    """As for --post: before, "nothing to export: no kept record matches the selection",
    the line of an article held without kept evidence. Nothing is written."""
    first = scan_article(run_cli, httpserver, "one", PAGE)
    out = tmp_path / "x.wacz"
    result = run_cli("export", "--wacz", str(out), "--article", first, "--article", first + "x")
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: {first}x: no such article in the archive"]
    assert not out.exists()


def test_export_selection_errors(run_cli, tmp_path, db_path):
    out = tmp_path / "x.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 1 and "no archive here" in result.output  # never created
    assert not db_path.exists()
    assert run_cli("init").exit_code == 0
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 1 and "nothing to export" in result.output
    assert not out.exists()
    result = run_cli("export", "--wacz", str(out), "--since", "last tuesday")
    assert result.exit_code == 2 and "not a date" in result.output
    result = run_cli("export", "--wacz", str(out), "--post", "not-a-post")
    assert result.exit_code == 2 and "not a post URL or ID" in result.output


def _scanned_with_records_dated(run_cli, tmp_path, db_path, date: str) -> Path:
    """A page scanned, its records dated ``date``: the WACZ file to export to."""
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    sqlite_utils.Database(db_path).execute("update records set date = ?", [date])
    return tmp_path / "new.wacz"


def test_export_since_leaves_out_older_records(run_cli, tmp_path, db_path):
    out = _scanned_with_records_dated(run_cli, tmp_path, db_path, "2020-01-01T00:00:00Z")
    result = run_cli("export", "--wacz", str(out), "--since", "2021-01-01")
    assert result.exit_code == 1 and "nothing to export" in result.output
    assert run_cli("export", "--wacz", str(out), "--since", "2019-12-31").exit_code == 0


def test_export_since_with_an_offset_compares_in_utc(run_cli, tmp_path, db_path):
    out = _scanned_with_records_dated(run_cli, tmp_path, db_path, "2026-12-03T10:30:00Z")
    result = run_cli("export", "--wacz", str(out), "--since", "2026-12-03T15:37:00+05:00")
    assert result.exit_code == 1 and "nothing to export" in result.output  # 10:37 UTC
    result = run_cli("export", "--wacz", str(out), "--since", "2026-12-03T15:29:00+05:00")
    assert result.exit_code == 0, result.output  # 10:29 UTC
    result = run_cli("export", "--wacz", str(out), "--since", "0001-01-01T00:00:00+05:00")
    assert result.exit_code == 2 and "out of range in UTC" in result.output


def test_export_writes_through_a_symlink_and_never_replaces_a_special_file(
    run_cli, tmp_path, db_path
):
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    fifo = tmp_path / "pipe.wacz"
    os.mkfifo(fifo)
    result = run_cli("export", "--wacz", str(fifo))
    assert result.exit_code == 1
    assert result.output == f"Error: {fifo}: not a regular file, so no WACZ is written there\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    real, link = tmp_path / "real.wacz", tmp_path / "link.wacz"
    real.write_bytes(b"old")
    link.symlink_to(real)
    assert run_cli("export", "--wacz", str(link)).exit_code == 0
    assert link.is_symlink() and zipfile.is_zipfile(real)


def test_export_to_a_symlink_loop_or_past_a_directory_in_the_way_is_one_line(
    run_cli, tmp_path, db_path
):
    _scanned_with_records_dated(run_cli, tmp_path, db_path, "2026-12-03T10:30:00Z")
    loop = tmp_path / "loop.wacz"
    loop.symlink_to(loop.name)
    result = run_cli("export", "--wacz", str(loop))
    assert result.exit_code == 1
    assert result.output == f"Error: {loop}: a symlink loop, so no WACZ is written there\n"
    (tmp_path / "d.wacz.partial").mkdir()  # where the file is written before its rename
    result = run_cli("export", "--wacz", str(tmp_path / "d.wacz"))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path}/d.wacz.partial: cannot write (Is a directory)\n"
    assert (tmp_path / "d.wacz.partial").is_dir() and not (tmp_path / "d.wacz").exists()
    nowhere = tmp_path / "missing" / "e.wacz"  # named as given, not as e.wacz.partial
    result = run_cli("export", "--wacz", str(nowhere))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {nowhere}: cannot write (no such directory {tmp_path / 'missing'})\n"
    )


def test_a_record_without_a_date_is_a_page_without_a_time(run_cli, tmp_path, db_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.html").write_text(PAGE.replace("intro", name))
        assert run_cli("scan", str(tmp_path / f"{name}.html")).exit_code == 0
    sqlite_utils.Database(db_path).execute("update records set date = null where id = 1")
    out = tmp_path / "out.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as wacz:
        lines = wacz.read("pages/pages.jsonl").decode().splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    assert [p["id"] for p in pages] == ["record-2", "record-1"]  # the unknown date last
    assert "ts" in pages[0] and "ts" not in pages[1]
    assert validate(out).returncode == 0


def test_export_to_an_empty_path_names_it(run_cli, tmp_path, db_path):
    """``--wacz "$UNSET"``: before, the error named the current directory (``.``)."""
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    result = run_cli("export", "--wacz", "")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--wacz': empty path (see 'archive export --help')"
    )


@pytest.fixture(autouse=True)
def _no_wacz_skip():
    if not Path(WACZ).exists():
        pytest.skip("py-wacz (the `wacz` command) is not installed: pip install -e '.[test]'")


def test_export_of_a_crawls_own_records(run_cli, tmp_path, db_path):
    """Records of a crawl's WARC (referenced in place, by absolute path) are packed too."""
    from warc_data import mixed_records, write_warc

    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    assert run_cli("scan", str(warc)).exit_code == 0
    out = tmp_path / "crawl.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 0, result.output
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(out) as package:
        index = package.read("indexes/index.cdx").decode().splitlines()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert len(index) == 3
    assert {p["url"] for p in pages[1:]} == {
        "https://news.example.org/story/0",
        "https://news.example.org/story/1",
        "https://news.example.org/encoded",
    }


def test_a_damaged_record_is_never_exported(run_cli, tmp_path, db_path):
    from archiver.evidence.warc import default_warc_dir

    page = tmp_path / "story.html"
    page.write_text(PAGE)
    assert run_cli("scan", str(page)).exit_code == 0
    (path,) = default_warc_dir(db_path).glob("*.warc.gz")
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    out = tmp_path / "x.wacz"
    result = run_cli("export", "--wacz", str(out))
    assert result.exit_code == 1 and "cannot export: record 1" in result.output
    assert not out.exists()


def test_export_of_a_post_not_in_the_archive_names_it(run_cli, tmp_path, db_path):
    """It was passed over in silence: the package held the other posts' evidence alone."""
    out = _scanned_with_records_dated(run_cli, tmp_path, db_path, "2026-12-03T10:30:00Z")
    assert run_cli("export", "--wacz", str(out), "--post", "20").exit_code == 0
    out.unlink()
    result = run_cli("export", "--wacz", str(out), "--post", "20", "--post", "12345")
    assert result.exit_code == 1 and not out.exists()
    assert result.output == "Error: 12345: no such post in the archive\n"


def test_export_of_a_post_known_only_from_its_text(run_cli, tmp_path, db_path):
    """Its ``text:`` ID was refused as 'not a post URL or ID', while ``archive timemap``
    took it: the post's evidence is the pages that showed it."""
    export = tmp_path / "reader-export.txt"
    export.write_text(
        "Council approves new cycle lanes\n\n"
        'Anna Lindqvist on X: "Seven votes for safer streets. / X"\n'
        "Seven votes for safer streets.\n",
        encoding="utf-8",
    )
    assert run_cli("scan", str(export)).exit_code == 0
    (post_id,) = [row["id"] for row in sqlite_utils.Database(db_path)["posts"].rows]
    assert post_id.startswith("text:")
    out = tmp_path / "text.wacz"
    result = run_cli("export", "--wacz", str(out), "--post", post_id)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        assert len(package.read("indexes/index.cdx").decode().splitlines()) == 1
    missing = run_cli("export", "--wacz", str(out), "--post", "text:0000000000000000")
    assert missing.output == "Error: text:0000000000000000: no such post in the archive\n"
