"""Result files and the manifest of ``archive crawl``, without a cluster."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from warc_data import mixed_records, write_warc

from archiver.crawl import failed_entry, scan_input
from archiver.crawl_files import MANIFEST, append_manifest, read_manifest, read_results
from archiver.warc_input import WarcCounts
from archiver.warc_scan import scan_warc_file


def test_a_result_file_gives_back_the_scans(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "in.warc.gz", mixed_records())
    entry = scan_input(str(warc.resolve()), str(tmp_path), include_links=False)
    assert entry["status"] == "ok" and entry["worker"] == "local"
    assert (entry["pages_with_embeds"], entry["embeds"]) == (2, 2)
    expected = list(scan_warc_file(str(warc), False, WarcCounts()))
    assert list(read_results(tmp_path / entry["result"])) == expected


def test_a_manifest_line_cut_by_a_kill_is_ignored(tmp_path: Path) -> None:
    append_manifest(tmp_path, {"input": "/a.warc.gz", "status": "failed"})
    append_manifest(tmp_path, {"input": "/b.warc.gz", "status": "ok"})
    append_manifest(tmp_path, {"input": "/a.warc.gz", "status": "ok"})
    with open(tmp_path / MANIFEST, "ab") as fh:
        fh.write(b'{"input": "/c.warc.gz", "sta')
    entries = read_manifest(tmp_path)
    assert list(entries) == ["/a.warc.gz", "/b.warc.gz"]
    assert entries["/a.warc.gz"]["status"] == "ok", "the last line of an input wins"


def test_a_failed_task_is_one_line(tmp_path: Path) -> None:
    missing = FileNotFoundError(2, "No such file or directory")
    entry = failed_entry("/x/gone.warc.gz", missing, 3)
    assert entry["error"] == "/x/gone.warc.gz: No such file or directory (after 3 attempts)"
    other = failed_entry("/x/y.warc.gz", RuntimeError("boom\nsecond line"), 1)
    assert "\n" not in other["error"] and other["status"] == "failed"


def test_a_damaged_result_file_is_refused_on_import(tmp_path: Path, run_cli) -> None:
    warc = write_warc(tmp_path / "in.warc.gz", mixed_records())
    out = tmp_path / "out"
    out.mkdir()
    entry = scan_input(str(warc.resolve()), str(out), include_links=False)
    append_manifest(out, entry)
    result = out / entry["result"]
    result.write_bytes(gzip.compress(b'{"url": "x"}\n'))  # not what the manifest recorded
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1
    assert "changed since the crawl wrote it" in imported.stderr
    with pytest.raises(KeyError):
        list(read_results(result))


def test_a_rerun_removes_what_killed_tasks_left(tmp_path: Path) -> None:
    from archiver.crawl_files import remove_temporaries, result_name

    name = result_name("/crawl/a[1].warc.gz")
    stale = [tmp_path / f".{name}.4242.tmp", tmp_path / f".{name}.77.tmp"]
    kept = [tmp_path / name, tmp_path / f".{result_name('/crawl/b.warc.gz')}.1.tmp"]
    for path in stale + kept:
        path.write_bytes(b"partial")
    assert remove_temporaries(tmp_path, [name]) == 2
    assert [p.exists() for p in stale + kept] == [False, False, True, True]
