"""``archive scan FILE.warc.wet.gz``: a crawl's extracted texts (``conversion`` records, as
Common Crawl's WET files hold them) are read as text files are, with provenance."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from warc_data import (
    QUIET,
    TEXT,
    payload_digest,
    record_offsets,
    scan_lines,
    text_record,
    wet_records,
    write_warc,
)


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_a_wet_file_is_scanned_as_text_with_provenance(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    wet = write_warc(tmp_path / "CC-NEWS-1.warc.wet.gz", wet_records())
    lines = scan_lines(run_cli, wet)
    assert [line["url"] for line in lines] == [
        "https://news.example.org/text/0",
        "https://news.example.org/text/1",
    ]
    (embed,) = lines[0]["embeds"]
    assert (embed["handle"], embed["date"], embed["method"]) == ("janedoe", "2024-03-03", "text")
    assert embed["text"] == "We did it. Thank you all https://t.co/AbCdEf1234"
    assert lines[1]["embeds"] == []
    again = run_cli("scan", str(wet))  # a re-scan adds no rows; its summary counts them
    summary = "0 HTML page(s) and 2 extracted text(s) scanned; skipped 1 non-HTML, 0 revisit,"
    assert again.exit_code == 0 and f"{summary} 0 non-2xx" in again.stderr
    stored = rows(
        db_path,
        "select r.warc_file, r.record_type, r.http_status, r.content_type, s.started_at"
        " from scans s join records r on r.id = s.record_id order by r.warc_offset",
    )
    assert (
        stored
        == [(str(wet.resolve()), "conversion", None, "text/plain", "2024-03-02T10:20:30Z")] * 2
    )
    verified = run_cli("verify")
    assert verified.exit_code == 0, verified.output
    assert "2 records, 1 embed byte ranges" in verified.stdout


def test_an_embed_in_a_text_points_at_its_lines_in_the_record(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """The range indexes the record's block: the text as the crawler stored it."""
    from warcio.archiveiterator import ArchiveIterator

    wet = write_warc(tmp_path / "t.warc.wet", wet_records())
    assert run_cli("scan", str(wet)).exit_code == 0
    ((raw, start, end, warc_file, offset),) = rows(
        db_path,
        "select e.raw, e.raw_start, e.raw_end, r.warc_file, r.warc_offset from embeds e"
        " join records r on r.id = e.record_id",
    )
    with open(warc_file, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_type == "conversion"
        block = record.content_stream().read()
    assert block[start:end].decode("utf-8") == raw and raw.startswith("We did it.")
    assert raw.endswith("March 3, 2024")


def test_a_directory_scan_takes_its_wet_files_too(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    write_warc(folder / "part-1.warc.wet.gz", wet_records())
    write_warc(folder / "part-2.wet", [text_record(5)])
    result = run_cli("scan", str(folder), "--json")
    assert result.exit_code == 0, result.output
    urls = [json.loads(line)["url"] for line in result.stdout.splitlines()]
    assert sorted(urls) == [f"https://news.example.org/text/{n}" for n in (0, 1, 5)]


def test_a_text_failing_its_digest_is_an_error_and_stores_nothing(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    bad = text_record(7)
    bad.warc_headers["WARC-Block-Digest"] = payload_digest(b"other text")
    wet = write_warc(tmp_path / "bad.warc.wet.gz", [text_record(0), bad])
    result = run_cli("scan", str(wet))
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    second = record_offsets(wet)[1]
    assert len(errors) == 1 and f"record at byte {second} ({bad.uri})" in errors[0]
    assert "fails its digest check" in errors[0]
    assert rows(db_path, "select count(*) from records") == [(1,)]
    assert run_cli("verify").exit_code == 0


def test_a_big_wet_file_in_worker_processes_stores_what_one_process_does(
    tmp_path: Path, run_cli, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver import scan_pool

    texts = [text_record(n, TEXT if n % 2 else QUIET) for n in range(40)]
    wet = write_warc(tmp_path / "big.warc.wet.gz", texts)
    outcomes = []
    for name, least in (("one.db", 10**12), ("workers.db", 0)):
        monkeypatch.setattr(scan_pool, "PARALLEL_MIN_WARC_BYTES", least)
        db = ["--db", str(tmp_path / name), "--config", str(config_file)]
        result = run_cli("scan", str(wet), *db, use_defaults=False)
        outcomes.append((result.exit_code, result.stderr))
        stored = rows(tmp_path / name, "select count(*), sum(embeds) from scans")
        outcomes.append(stored)
    assert outcomes[0] == outcomes[2] and outcomes[1] == outcomes[3] == [(40, 20)]
    assert "0 HTML page(s) and 40 extracted text(s) scanned" in outcomes[0][1]


def test_an_export_keeps_the_texts_as_records_not_as_pages(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """Replay tools have nothing to show for an extracted text: the WACZ holds its record
    (byte for byte) and lists no page for it; py-wacz's validator accepts the package."""
    import shutil
    import subprocess
    import sys
    import zipfile

    from warcio.archiveiterator import ArchiveIterator

    wet = write_warc(tmp_path / "t.warc.wet.gz", wet_records())
    assert run_cli("scan", str(wet)).exit_code == 0
    out = tmp_path / "texts.wacz"
    assert run_cli("export", "--wacz", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as package:
        pages = package.read("pages/pages.jsonl").decode().splitlines()
        kinds = [r.rec_type for r in ArchiveIterator(package.open("archive/data.warc.gz"))]
    assert len(pages) == 1 and kinds == ["conversion", "conversion"]
    wacz = shutil.which("wacz") or str(Path(sys.executable).with_name("wacz"))
    subprocess.run([wacz, "validate", "-f", str(out)], check=True, timeout=120)
