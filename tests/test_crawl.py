"""``archive crawl`` on real Dask clusters, ``archive import``, and ``archive scan`` of WARC
files: a cluster run and a local scan of the same files give the same rows.

Cluster start-up is slow on a busy 2-core machine: one local cluster for the module, and
every wait is for an event (a file, a worker count, a manifest line) with a generous limit.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from shared_corpus import absent
from warc_data import (
    CORPUS_WARC,
    article,
    crawl_files,
    mixed_records,
    split_corpus,
    wet_records,
    write_wacz,
    write_warc,
)

from archiver.crawl import open_client, run_crawl
from archiver.crawl_files import MANIFEST, read_manifest

ARCHIVE = [sys.executable, "-m", "archiver"]
DASK = str(Path(sys.executable).with_name("dask"))
WAIT = 180  # seconds: only ever reached when something is broken

#: Natural-key rows of every table a scan writes (no autoincrement ids: a local scan and an
#: import need not number rows alike).
ROW_QUERIES = {
    "articles": "select url, final_url, canonical_url, title, site, published_at, first_seen_at,"
    " last_scanned_at, http_status, content_sha256, source, scan_count from articles",
    "posts": "select * from posts",
    "embeds": "select a.url, e.post_id, e.position, e.method, e.occurrence, e.author_name,"
    " e.handle, e.text, e.date, e.media, e.raw, e.raw_sha256, e.first_seen_at, e.last_seen_at,"
    " e.removed_at, e.raw_start, e.raw_end, r.warc_file, r.warc_offset from embeds e"
    " join articles a on a.id ="
    " e.article_id left join records r on r.id = e.record_id",
    "scans": "select a.url, s.started_at, s.finished_at, s.http_status, s.content_sha256,"
    " s.embeds, s.error, r.warc_file, r.warc_offset, r.record_id from scans s join articles a"
    " on a.id = s.article_id left join records r on r.id = s.record_id",
    "records": "select warc_file, warc_offset, warc_length, record_id, record_type, target_uri,"
    " date, http_status, content_type, payload_sha256 from records",
}


def archive_rows(db_path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db_path) as conn:
        return {
            table: sorted(conn.execute(sql).fetchall(), key=repr)
            for table, sql in ROW_QUERIES.items()
        }


def archive(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*ARCHIVE, *args], capture_output=True, text=True, timeout=WAIT, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def manifest_lines(out: Path) -> list[dict]:
    path = out / MANIFEST
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def wait_for(condition: Callable[[], object], what: str, limit: float = WAIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def bad_inputs(directory: Path) -> list[Path]:
    """A file that is not a WARC, a WARC whose last gzip member is cut, a missing file."""
    directory.mkdir(parents=True, exist_ok=True)
    not_warc = directory / "notes.warc.gz"
    not_warc.write_text("these are notes, not a web archive\n")
    whole = write_warc(directory / "whole.warc.gz", mixed_records(start=900))
    cut = directory / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-150])
    whole.unlink()
    return [not_warc, cut, directory / "missing.warc.gz"]


@pytest.fixture(scope="module")
def local_client() -> Iterator:
    """A real LocalCluster: two worker processes of one thread each."""
    with open_client(None, 2) as client:
        client.wait_for_workers(2, timeout=WAIT)
        yield client


def _attempts(prefix: str, dask_scheduler=None) -> dict[str, int]:
    """How many times the scheduler sent each task whose key starts with ``prefix`` to a
    worker (runs on the scheduler)."""
    counts: dict[str, int] = {}
    for key, _start, finish, *_ in dask_scheduler.transition_log:
        if finish == "processing" and str(key).startswith(prefix):
            counts[str(key)] = counts.get(str(key), 0) + 1
    return counts


def check_same_as_local_scan(tmp_path: Path, inputs: list[Path], out: Path) -> Path:
    """Import ``out`` and scan ``inputs`` locally: the two archives hold the same rows.
    Returns the imported archive."""
    imported, scanned = tmp_path / "imported.db", tmp_path / "scanned.db"
    first = archive("import", str(out), "--db", str(imported))
    archive("scan", *map(str, inputs), "--db", str(scanned))
    rows = archive_rows(imported)
    assert rows == archive_rows(scanned)
    assert rows["records"] and len(rows["scans"]) == len(rows["records"])
    again = archive("import", str(out), "--db", str(imported))
    assert archive_rows(imported) == rows, "a second import adds no rows"
    assert first.returncode == again.returncode
    return imported


def test_local_cluster_finds_what_a_local_scan_finds(tmp_path: Path, local_client) -> None:
    good = crawl_files(tmp_path / "warcs", files=6, pages_per_file=15)
    good.append(write_warc(tmp_path / "warcs" / "mixed.warc", mixed_records(start=500)))
    good.append(write_warc(tmp_path / "warcs" / "texts.warc.wet.gz", wet_records()))
    packed = write_warc(tmp_path / "packed.warc.gz", [article(7000 + n, n == 0) for n in range(3)])
    good.append(write_wacz(tmp_path / "warcs" / "packed.wacz", {"archive/p.warc.gz": packed}))
    bad = bad_inputs(tmp_path / "bad")
    out = tmp_path / "out"
    out.mkdir()
    inputs = [str(p.resolve()) for p in good + bad]
    seen: list[str] = []
    summary = run_crawl(
        local_client, inputs, str(out), on_entry=lambda e, s: seen.append(e["input"])
    )
    assert sorted(seen) == sorted(inputs) and summary.done == len(inputs)

    entries = read_manifest(out)
    assert {entries[str(p)]["status"] for p in good} == {"ok"}
    assert len(summary.workers) == 2, "both workers did a share of the work"
    statuses = {Path(path).name: entry["status"] for path, entry in entries.items()}
    assert [statuses[p.name] for p in bad] == ["failed", "partial", "failed"]
    assert (summary.failed, summary.partial) == (3, 1)  # ``archive crawl``: 2 failed, 1 partial
    for path in bad:
        error = entries[str(path.resolve())]["error"]
        assert "\n" not in error and path.name in error
    assert "after 3 attempts" in entries[str(bad[2].resolve())]["error"]  # retried, then failed
    attempts = local_client.run_on_scheduler(_attempts, "archive-scan-missing.warc.gz")
    assert list(attempts.values()) == [3], "the scheduler ran the task three times"
    mixed = entries[str(good[-3].resolve())]["records"]
    assert (mixed["pages"], mixed["non_html"], mixed["revisit"], mixed["truncated"]) == (3, 1, 1, 0)
    texts = entries[str(good[-2].resolve())]["records"]
    assert (texts["pages"], texts["texts"], texts["non_html"], texts["truncated"]) == (2, 2, 1, 0)
    assert entries[str(good[-1].resolve())]["records"]["pages"] == 3
    embeds = 6 * 5 + 2 + 1 + 1 + 1  # the files of 15 pages, mixed, texts and the WACZ
    assert sum(e.get("embeds", 0) for e in entries.values()) == summary.embeds == embeds

    rerun = run_crawl(local_client, inputs, str(out))
    assert rerun.skipped == len(good) and rerun.done == len(bad), "finished inputs are skipped"
    imported = check_same_as_local_scan(tmp_path, good + bad[:2], out)
    with sqlite3.connect(imported) as conn:
        warc_files = {row[0] for row in conn.execute("select distinct warc_file from records")}
    assert warc_files == {str(p.resolve()) for p in good + bad[1:2]}, "absolute paths"


@pytest.mark.skipif(not CORPUS_WARC.exists(), reason=absent(CORPUS_WARC))
def test_local_cluster_on_the_crawl_corpus(tmp_path: Path, local_client) -> None:
    inputs = split_corpus(tmp_path / "warcs", files=4)
    out = tmp_path / "out"
    out.mkdir()
    summary = run_crawl(local_client, [str(p) for p in inputs], str(out))
    assert summary.pages == 1000 and summary.failed == 0 and len(summary.workers) == 2
    check_same_as_local_scan(tmp_path, inputs, out)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` and two ``dask worker`` processes, started as separate commands."""
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    worker = [DASK, "worker", "--nthreads", "1", "--no-dashboard"]
    processes = [
        subprocess.Popen(
            [*scheduler, "--scheduler-file", str(scheduler_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        wait_for(scheduler_file.exists, "the scheduler file")
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [*worker, "--scheduler-file", str(scheduler_file)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        wait_for(lambda: json.loads(scheduler_file.read_text() or "{}").get("address"), "address")
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout=WAIT) as client:
            client.wait_for_workers(2, timeout=WAIT)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def test_scheduler_and_two_workers_started_as_commands(tmp_path: Path, dask_cluster) -> None:
    if CORPUS_WARC.exists():
        inputs = split_corpus(tmp_path / "warcs", files=6, limit=300)
    else:  # the generated crawl still tests the cluster
        inputs = crawl_files(tmp_path / "warcs", files=6, pages_per_file=20)
    bad = bad_inputs(tmp_path / "bad")
    out = tmp_path / "out"
    first = archive(
        "crawl", *map(str, inputs + bad), "--out", str(out), "--scheduler", dask_cluster
    )
    assert first.returncode == 1, first.stderr  # the bad inputs failed, the rest went on
    errors = [line for line in first.stderr.splitlines() if "failed" in line or "error" in line]
    assert any("notes.warc.gz: not a readable WARC file" in line for line in errors)
    assert any("missing.warc.gz: No such file or directory" in line for line in errors)
    assert "Traceback" not in first.stderr
    assert f"[{len(inputs) + 3}/{len(inputs) + 3}]" in first.stderr  # progress per input
    assert "2 failed, 1 partial;" in first.stderr  # the cut file's pages before the cut are in
    entries = read_manifest(out)
    ok = [entries[str(p.resolve())] for p in inputs]
    assert {e["status"] for e in ok} == {"ok"}
    assert len({e["worker"] for e in ok}) == 2, "both workers did a share of the work"

    again = archive("crawl", *map(str, inputs), "--out", str(out), "--scheduler", dask_cluster)
    assert again.returncode == 0 and f"{len(inputs)} already done" in again.stderr
    assert len(manifest_lines(out)) == len(inputs) + 3, "a re-run adds no line for done inputs"
    check_same_as_local_scan(tmp_path, inputs + bad[1:2], out)


def test_a_killed_crawl_resumes(tmp_path: Path, dask_cluster) -> None:
    """One worker is stopped (SIGSTOP) holding a task; the client is killed once the other
    worker has done everything else; the re-run does only what is left."""
    from distributed import Client

    inputs = crawl_files(tmp_path / "warcs", files=5, pages_per_file=10)
    out = tmp_path / "out"
    with Client(dask_cluster, timeout=WAIT) as watcher:
        stopped_address, stopped_pid = sorted(watcher.run(os.getpid).items())[0]
        os.kill(stopped_pid, signal.SIGSTOP)
        options = ["--out", str(out), "--scheduler", dask_cluster, "--retries", "0"]
        crawl = subprocess.Popen(
            [*ARCHIVE, "crawl", *map(str, inputs), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:

            def held() -> list:
                return watcher.processing().get(stopped_address, [])

            wait_for(
                lambda: held() and len(manifest_lines(out)) + len(held()) == len(inputs),
                "the running worker to finish all it can",
            )
            crawl.kill()
            crawl.wait(timeout=WAIT)
        finally:
            os.kill(stopped_pid, signal.SIGCONT)
    before = len(manifest_lines(out))
    assert 0 < before < len(inputs)
    rerun = archive("crawl", *map(str, inputs), "--out", str(out), "--scheduler", dask_cluster)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(inputs) - before} input(s) scanned, {before} already done" in rerun.stderr
    entries = read_manifest(out)
    assert sorted(entries) == sorted(str(p.resolve()) for p in inputs)
    assert {e["status"] for e in entries.values()} == {"ok"}
    assert len(manifest_lines(out)) == len(inputs), "no input was done twice"


def test_the_command_starts_its_own_local_cluster(tmp_path: Path) -> None:
    inputs = crawl_files(tmp_path / "warcs", files=2, pages_per_file=6)
    out = tmp_path / "out"
    result = archive("crawl", str(tmp_path / "warcs"), "--out", str(out), "--local", "1")
    assert result.returncode == 0, result.stderr
    assert "[2/2] ok" in result.stderr and "pages/s" in result.stderr
    assert "Traceback" not in result.stderr and "warn" not in result.stderr.lower()
    entries = read_manifest(out)
    assert sorted(entries) == sorted(str(p.resolve()) for p in inputs)
    assert {e["records"]["pages"] for e in entries.values()} == {6}


@pytest.mark.parametrize("address", ["bogus", "foo://127.0.0.1:1"])
def test_a_malformed_scheduler_address_is_one_line(tmp_path: Path, address: str) -> None:
    crawl_files(tmp_path / "warcs", files=1, pages_per_file=1)
    result = archive(
        "crawl", str(tmp_path / "warcs"), "--out", str(tmp_path / "out"), "--scheduler", address
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot reach the Dask scheduler at {address} (")
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_warc_file_whose_name_is_not_utf8_is_a_problem_not_a_task(tmp_path):
    """A cluster's messages carry text: one such name failed every task of the run, the
    good inputs' too ('NoneType: None'). It is now reported before the run, and left out."""
    from archiver.crawl import crawl_inputs

    try:
        odd = write_warc(Path(os.fsdecode(bytes(tmp_path) + b"/cr\xe9.warc.gz")), mixed_records())
    except (OSError, UnicodeError):
        pytest.skip("this file system wants UTF-8 names")
    good = write_warc(tmp_path / "good.warc.gz", mixed_records())
    for arguments in ([str(tmp_path)], [str(odd), str(good)]):
        found, problems = crawl_inputs(arguments)
        assert found == [str(good)]
        assert problems == [
            f"{odd}: the file's name is not UTF-8; rename it (the archive keeps"
            " the name of a WARC file it points into as text)"
        ]


def test_the_manifest_keeps_an_input_name_that_is_not_utf8(tmp_path):
    """Its line is UTF-8 (the name's byte as a JSON escape) and reads back as the same name."""
    from archiver.crawl_files import append_manifest

    name = os.fsdecode(b"/data/cr\xe9.warc.gz")
    append_manifest(tmp_path, {"input": name, "status": "failed"})
    assert b"cr\\udce9" in (tmp_path / MANIFEST).read_bytes()
    assert list(read_manifest(tmp_path)) == [name]
    assert os.fsencode(name) == b"/data/cr\xe9.warc.gz"


def test_a_directory_without_crawl_files_names_every_kind_crawl_reads(tmp_path):
    """It said "no .warc or .warc.gz files", though WET and WACZ files are read too."""
    from archiver.crawl import crawl_inputs

    (tmp_path / "page.html").write_text("<p>not a crawl</p>", encoding="utf-8")
    assert crawl_inputs([str(tmp_path)]) == (
        [],
        [f"{tmp_path}: no WARC, WET, WACZ or ARC files in this directory"],
    )
    arc = tmp_path / "old" / "crawl.arc.gz"  # read since ARC input came, never named here
    arc.parent.mkdir()
    arc.write_bytes(b"")
    assert crawl_inputs([str(arc.parent)]) == ([str(arc)], [])
    wet = write_warc(tmp_path / "texts.warc.wet.gz", mixed_records())
    assert crawl_inputs([str(tmp_path)]) == ([str(arc), str(wet)], [])


def test_without_dask_the_crawl_says_how_to_install_it(tmp_path):
    """The line named ``pip install 'archiver[dask]'``: archiver is installed from its
    folder, and that name on a package index may be another project's. Then it named
    ``.venv/bin/pip``, which a venv of one's own does not have: it names the running
    Python's pip."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "distributed.py").write_text("raise ImportError('not installed')\n")
    warc = write_warc(tmp_path / "crawl.warc.gz", mixed_records())
    env = {**os.environ, "PYTHONPATH": str(blocked)}
    done = subprocess.run(
        [*ARCHIVE, "crawl", str(warc), "--out", str(tmp_path / "out"), "--local", "1"],
        capture_output=True,
        text=True,
        timeout=WAIT,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"Error: archive crawl needs Dask: in archiver's folder, {shlex.quote(sys.executable)}"
        " -m pip install -e '.[dask]' (make install includes it)"
    )
