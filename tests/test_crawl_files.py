"""Result files and the manifest of ``archive crawl``, without a cluster."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from pathlib import Path

import pytest
from warc_data import article, mixed_records, payload_digest, truncated_page, write_warc

from archiver.crawl import failed_entry, scan_input
from archiver.crawl_files import (
    MANIFEST,
    RESULT_FORMAT,
    append_manifest,
    file_sha256,
    read_manifest,
    read_results,
)
from archiver.small_files import NOT_REGULAR
from archiver.warc_input import WarcCounts
from archiver.warc_scan import scan_warc_file


def test_a_result_file_gives_back_the_scans(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "in.warc.gz", mixed_records())
    entry = scan_input(str(warc.resolve()), str(tmp_path), include_links=False)
    assert entry["status"] == "ok" and entry["worker"] == "local"
    assert (entry["pages_with_embeds"], entry["embeds"]) == (2, 2)
    expected = list(scan_warc_file(str(warc), False, WarcCounts()))
    assert list(read_results(tmp_path / entry["result"])) == expected


def test_a_result_file_keeps_which_pages_were_cut_short(tmp_path: Path) -> None:
    """A page kept cut short marks no embed removed on import, as in a scan: the result
    file says which (``cut``, written for those pages alone)."""
    warc = write_warc(tmp_path / "in.warc.gz", [truncated_page(True), article(1, True)])
    entry = scan_input(str(warc.resolve()), str(tmp_path), include_links=False)
    with gzip.open(tmp_path / entry["result"], "rt") as lines:
        assert [json.loads(line).get("cut") for line in lines] == [True, None]
    scans = list(read_results(tmp_path / entry["result"]))
    assert [scan.cut for scan in scans] == [True, False]
    assert scans == list(scan_warc_file(str(warc), False, WarcCounts()))


def test_a_page_failing_its_payload_digest_makes_the_input_partial(tmp_path: Path) -> None:
    """It was in the result file (then imported, and refused by ``archive verify``)."""
    pages = [article(n, True) for n in range(4)]
    for page in pages[1:3]:
        page.warc_headers["WARC-Payload-Digest"] = payload_digest(b"other bytes")
    warc = write_warc(tmp_path / "in.warc.gz", pages)
    entry = scan_input(str(warc.resolve()), str(tmp_path), include_links=False)
    assert entry["status"] == "partial" and entry["records"]["pages"] == 2
    assert entry["error"].startswith(f"{warc.resolve()}: record at byte ")
    assert entry["error"].endswith(" (and 1 more error(s) in this input)")
    assert f"({pages[1].uri}) fails its digest check" in entry["error"]
    urls = [record.url for record in read_results(tmp_path / entry["result"])]
    assert urls == [pages[0].uri, pages[3].uri]


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


def _crawled(tmp_path: Path, number: int) -> tuple[Path, dict]:
    """An output directory's entry for one crawled input of three articles."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    pages = [article(n, True) for n in range(number * 10, number * 10 + 3)]
    warc = write_warc(tmp_path / f"in{number}.warc.gz", pages)
    return out, scan_input(str(warc.resolve()), str(out), include_links=False)


def _rewritten(out: Path, entry: dict, change) -> dict:
    """The entry after its result file is rewritten by hand, its SHA-256 updated."""
    path = out / entry["result"]
    lines = [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    change(lines[1])
    path.write_bytes(gzip.compress(b"".join(json.dumps(line).encode() + b"\n" for line in lines)))
    return {**entry, "sha256": file_sha256(path)}


def _set_embed_id(value):
    return lambda line: line["embeds"][0].update(status_id=value)


@pytest.mark.parametrize(
    "change",
    [
        _set_embed_id("notanid"),
        _set_embed_id("99999999999999999999999"),
        _set_embed_id("../../etc"),
        _set_embed_id("00123"),
        lambda line: line.update(http_status={}),
        lambda line: line["record"].update(warc_offset=2**70),
        lambda line: line["record"].update(warc_length=-1),
        lambda line: line["embeds"][0].update(media="abc"),
        lambda line: line["page"].update(title=["x"]),
        lambda line: line.update(cut="yes"),
    ],
)
def test_a_result_file_rewritten_by_hand_is_refused_alone(
    tmp_path: Path, run_cli, db_path: Path, change
) -> None:
    out, bad = _crawled(tmp_path, 0)
    _, good = _crawled(tmp_path, 1)
    append_manifest(out, _rewritten(out, bad, change))
    append_manifest(out, good)
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1, imported.output
    errors = [line for line in imported.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and bad["result"] in errors[0] and "damaged result file" in errors[0]
    assert "Traceback" not in imported.output
    with sqlite3.connect(db_path) as conn:
        posts = {row[0] for row in conn.execute("select id from posts")}
        uris = {row[0] for row in conn.execute("select target_uri from records")}
    assert posts == {str(1763000000000000000 + n) for n in (10, 11, 12)}
    assert uris == {f"https://news.example.org/story/{n}" for n in (10, 11, 12)}


@pytest.mark.parametrize(
    ("field", "value"),
    [("result", 5), ("sha256", ["x"]), ("status", {}), ("result", "../elsewhere.jsonl.gz")],
)
def test_a_damaged_manifest_line_fails_its_input_alone(
    tmp_path: Path, run_cli, db_path: Path, field: str, value
) -> None:
    out, bad = _crawled(tmp_path, 0)
    _, good = _crawled(tmp_path, 1)
    append_manifest(out, {**bad, "status": "ok", field: value})
    append_manifest(out, good)
    entry = read_manifest(out)[bad["input"]]
    assert entry["status"] == "failed", "a crawl runs the input again"
    assert f"damaged manifest line ({field}" in entry["error"]
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1 and "Traceback" not in imported.output
    assert f"error: {bad['input']}: damaged manifest line" in imported.stderr
    assert "3 pages" in imported.stderr


def test_an_input_written_in_a_newer_format_is_named_as_such(
    tmp_path: Path, run_cli, db_path: Path
) -> None:
    """Not 'damaged': the entry says which format it is in, and the import says to upgrade
    (the result file may hold fields this archiver does not know)."""
    out, newer = _crawled(tmp_path, 0)
    _, good = _crawled(tmp_path, 1)
    assert newer["format"] == RESULT_FORMAT == 1
    append_manifest(out, {**newer, "format": 2})
    append_manifest(out, {**good, "format": "2"})
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1 and "Traceback" not in imported.output
    errors = [line for line in imported.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {newer['input']}: written by a newer archiver (result format 2; this one"
        " reads format 1): upgrade archiver to import it",
        f"error: {good['input']}: damaged manifest line (format is '2')",
    ]


def test_a_manifest_that_cannot_be_read_is_one_line(tmp_path: Path, run_cli) -> None:
    (tmp_path / MANIFEST).mkdir()
    imported = run_cli("import", str(tmp_path))
    assert imported.exit_code == 1 and "Traceback" not in imported.output
    assert "cannot read the crawl manifest (is a directory)" in imported.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_pipe_or_a_device_in_a_crawls_files_is_refused_at_once(tmp_path: Path, run_cli) -> None:
    """A named pipe as the manifest held import (and a re-run of crawl) for ever, and so did
    one named by a manifest line as its result file, hashed before it is read."""
    out, entry = _crawled(tmp_path, 0)
    pipe = out / "pipe.jsonl.gz"
    os.mkfifo(pipe)
    append_manifest(out, {**entry, "result": pipe.name})
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1 and "Traceback" not in imported.output
    errors = [line for line in imported.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {pipe}: {NOT_REGULAR}"]
    (out / MANIFEST).unlink()
    os.mkfifo(out / MANIFEST)
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1
    assert imported.stderr.splitlines() == [
        f"Error: {out / MANIFEST}: cannot read the crawl manifest ({NOT_REGULAR})"
    ]


def test_an_input_without_a_result_file_is_named(tmp_path: Path, run_cli) -> None:
    """Its line said 'error: no result file', naming nothing."""
    out, entry = _crawled(tmp_path, 0)
    append_manifest(out, {"input": entry["input"], "status": "partial", "result": None})
    imported = run_cli("import", str(out))
    assert imported.exit_code == 1
    assert f"error: {entry['input']}: no result file" in imported.stderr


@pytest.mark.parametrize("written", [0, -1, True, 1.0, 10**300])
def test_a_format_that_no_archiver_writes_is_damaged(written: object) -> None:
    """Format 0 or -1 was read as format 1, as if no format was given; a huge one filled the
    error with its digits."""
    from archiver.crawl_files import _checked_entry

    entry = {"input": "a.warc.gz", "status": "done", "result": "a.jsonl.gz", "format": written}
    checked = _checked_entry(entry)
    assert checked["status"] == "failed" and len(checked["error"]) < 200
