"""``archive scan CRAWL.wacz``: the WARC files inside a WACZ are read in place, and their
records are pointed at in the WACZ file itself."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from test_wacz import validate
from warc_data import article, mixed_records, wet_records, write_wacz, write_warc

WACZ_CLI = shutil.which("wacz") or str(Path(sys.executable).with_name("wacz"))
SCAN_ROWS = (
    "select a.url, s.content_sha256, s.embeds, r.record_id, r.record_type, r.warc_file,"
    " r.warc_offset from scans s join articles a on a.id = s.article_id"
    " join records r on r.id = s.record_id order by a.url"
)


def rows(db: Path, sql: str = SCAN_ROWS) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_wacz_made_by_py_wacz_is_scanned_where_it_lies(
    tmp_path: Path, run_cli, db_path: Path, config_file: Path
) -> None:
    """The same pages, posts and record IDs as the WARC file scanned alone; each record
    read back from the WACZ by its pointer (warcio), and ``archive verify`` passes."""
    from warcio.archiveiterator import ArchiveIterator

    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    wacz = tmp_path / "crawl.wacz"
    subprocess.run([WACZ_CLI, "create", "-o", str(wacz), str(warc)], check=True, timeout=120)
    result = run_cli("scan", str(wacz), "--json")
    assert result.exit_code == 0, result.output
    alone = tmp_path / "alone.db"
    scanned = run_cli("scan", str(warc), "--db", str(alone), use_defaults=False)
    assert scanned.exit_code == 0, scanned.output
    in_wacz, in_warc = rows(db_path), rows(alone)
    assert [r[:5] for r in in_wacz] == [r[:5] for r in in_warc] and len(in_wacz) == 3
    assert {r[5] for r in in_wacz} == {str(wacz.resolve())}
    for *_, record_id, _, warc_file, offset in in_wacz:
        with open(warc_file, "rb") as fh:
            fh.seek(offset)
            assert next(iter(ArchiveIterator(fh))).rec_headers["WARC-Record-ID"] == record_id
    verified = run_cli("verify")
    assert verified.exit_code == 0 and "3 records, 2 embed byte ranges" in verified.stdout


def test_every_warc_file_of_a_wacz_is_read_in_turn(tmp_path: Path, run_cli, db_path: Path) -> None:
    first = write_warc(tmp_path / "a.warc", [article(1, True), article(2, False)])
    second = write_warc(tmp_path / "b.warc.gz", [article(3, True)])
    texts = write_warc(tmp_path / "t.warc.wet.gz", wet_records())
    members = {"archive/a.warc": first, "archive/b.warc.gz": second, "pages/t.warc.gz": texts}
    wacz = write_wacz(tmp_path / "two.wacz", members)
    result = run_cli("scan", str(wacz), "--json")
    assert result.exit_code == 0, result.output
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    assert urls == [f"https://news.example.org/story/{n}" for n in (1, 2, 3)]  # not pages/
    assert run_cli("verify").exit_code == 0


def test_bad_wacz_files_are_one_line_errors_and_lose_nothing(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    warc = write_warc(tmp_path / "w.warc.gz", [article(1, True)])
    deflated = write_wacz(
        tmp_path / "deflated.wacz", {"archive/w.warc.gz": warc}, zipfile.ZIP_DEFLATED
    )
    empty = write_wacz(tmp_path / "empty.wacz", {})
    not_zip = tmp_path / "junk.wacz"
    not_zip.write_bytes(b"not a zip at all")
    cut = tmp_path / "cut.wacz"
    cut.write_bytes(
        write_wacz(tmp_path / "whole.wacz", {"archive/w.warc.gz": warc}).read_bytes()[:-40]
    )
    good = write_wacz(tmp_path / "good.wacz", {"archive/w.warc.gz": warc})
    result = run_cli("scan", str(deflated), str(empty), str(not_zip), str(cut), str(good))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert "deflated.wacz (archive/w.warc.gz): compressed or encrypted inside the WACZ" in errors[0]
    assert "empty.wacz: no WARC file in the WACZ" in errors[1]
    assert "junk.wacz: not a readable WACZ file" in errors[2]
    assert "cut.wacz: not a readable WACZ file" in errors[3]
    assert rows(db_path, "select count(*) from records") == [(1,)], "the good one is stored"


def test_a_directory_scan_takes_its_wacz_files_too(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "crawls"
    folder.mkdir()
    warc = write_warc(tmp_path / "w.warc.gz", [article(7, True)])
    write_wacz(folder / "one.wacz", {"archive/w.warc.gz": warc})
    result = run_cli("scan", str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == [
        "https://news.example.org/story/7"
    ]


def test_an_exported_wacz_scans_back_to_the_same_embeds(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """``archive export --wacz`` then ``archive scan`` of the package: what was kept."""
    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    assert run_cli("scan", str(warc)).exit_code == 0
    out = tmp_path / "out.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = tmp_path / "again.db"
    assert run_cli("scan", str(out), "--db", str(again), use_defaults=False).exit_code == 0
    embeds = "select post_id, raw_sha256 from embeds order by post_id"
    assert rows(again, embeds) == rows(db_path, embeds) and len(rows(again, embeds)) == 2


def test_a_bad_warc_file_in_a_wacz_is_one_line_and_the_next_ones_are_read(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """A WARC file cut short, one that is not a WARC and one the ZIP compressed: each its
    one line (the cut one after its pages before the cut), and the WARC files after each
    are read in the same run, as a directory's files are."""
    first = write_warc(tmp_path / "a.warc.gz", [article(1, True)])
    whole = write_warc(tmp_path / "b.warc.gz", [article(2, True), article(3, False)])
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-30])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is no WARC file\r\n" * 20)
    last = write_warc(tmp_path / "d.warc", [article(4, True)])
    members = {"archive/a.warc.gz": first, "archive/b.warc.gz": cut, "archive/c.warc": junk}
    wacz = write_wacz(tmp_path / "mixed.wacz", members)
    with zipfile.ZipFile(wacz, "a") as archive:
        archive.write(first, "archive/deflated.warc.gz", zipfile.ZIP_DEFLATED)
        archive.write(last, "archive/d.warc")
    result = run_cli("scan", str(wacz))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3, result.output
    assert "mixed.wacz (archive/b.warc.gz): record at byte" in errors[0]
    assert "truncated" in errors[0]
    assert "mixed.wacz (archive/c.warc): not a readable WARC file" in errors[1]
    assert "mixed.wacz (archive/deflated.warc.gz): compressed or encrypted" in errors[2]
    urls = [row[0] for row in rows(db_path)]
    assert urls == [f"https://news.example.org/story/{n}" for n in (1, 2, 4)]
    assert run_cli("verify").exit_code == 0
