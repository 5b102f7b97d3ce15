"""Faults of the machine: kill -9 at random points, concurrent writers, read-only and full
disks. After each: integrity_check ok, no duplicate rows, no half-written article, and the
next run completes the work."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from archiver.config import load_config
from archiver.db import open_database
from archiver.errors import DatabaseError
from archiver.scan import run_scan
from archiver.scan_targets import iter_targets
from archiver.worker import Worker

from .faults import (
    ARCHIVE,
    calibrate,
    kill_loop,
    make_site,
    run,
    site_server,
    write_worker_config,
)
from .invariants import counts, problems

SEED = int(os.environ.get("RELIABILITY_SEED", "7"))
# The kill -9 the tests inject (docs/guarantees.md counts them): the scan's loop goes on until
# it has SCAN_KILLS; the worker's runs WORKER_ROUNDS rounds and needs WORKER_KILLS of them,
# then kills it once more after it has recorded its run.
SCAN_KILLS = 5
WORKER_ROUNDS, WORKER_KILLS = 6, 3


def assert_sound(db_path: Path, expected: dict[str, int]) -> None:
    assert problems(db_path, expected) == []


def test_kill_9_of_a_big_directory_scan(tmp_path):
    rng = random.Random(SEED)
    expected = make_site(tmp_path / "site", 300)  # >= 64 files: worker processes are used
    db_path = tmp_path / "archive.db"
    command = [*ARCHIVE, "scan", str(tmp_path / "site"), "--db", str(db_path)]
    full = calibrate(command, db_path)
    stats = kill_loop(
        command, rounds=30, rng=rng, min_delay=0.2, max_delay=0.95 * full, enough_kills=SCAN_KILLS
    )
    assert stats.kills >= SCAN_KILLS
    if db_path.exists():
        assert_sound(db_path, expected)
    final = run(command)
    assert final.returncode == 0, final.stderr
    assert_sound(db_path, expected)
    total = counts(db_path)
    assert total["articles"] == len(expected)
    assert total["embeds"] == sum(expected.values())
    assert all("database is locked" not in out for out in stats.outputs)


def test_kill_9_of_the_worker(tmp_path):
    rng = random.Random(SEED + 1)
    server, expected = site_server(40)
    with server:
        config = write_worker_config(tmp_path / "worker.toml", server)
        db_path = tmp_path / "archive.db"
        base = [*ARCHIVE, "worker", "--config", str(config), "--db", str(db_path)]
        stats = kill_loop(base, rounds=WORKER_ROUNDS, rng=rng, min_delay=0.5, max_delay=3.0)
        assert stats.kills >= WORKER_KILLS
        # The random kills (0.5-3 s) may all land before a loaded machine's worker has
        # recorded its run (4-5 s at a load average of 11 here): one more kill once it has,
        # so the next start always has a run to mark "died".
        kill_once_running(base, db_path)
        if db_path.exists():
            assert_sound(db_path, expected)
        final = run([*base, "--once"])
        assert final.returncode == 0, final.stderr
        assert "Traceback" not in final.stderr
    assert_sound(db_path, expected)
    db = sqlite3.connect(db_path)
    scanned = db.execute("select count(*) from articles where scan_count > 0").fetchone()[0]
    assert scanned == len(expected)
    assert db.execute("select count(*) from embeds").fetchone()[0] == sum(expected.values())
    assert db.execute("select count(*) from posts where status != 'live'").fetchone()[0] == 0
    runs = db.execute("select state from worker_runs order by id").fetchall()
    assert runs[-1] == ("stopped",) and ("died",) in runs


def kill_once_running(command: list[str], db_path: Path, limit: float = 120) -> None:
    """Start ``command`` (a worker) and SIGKILL it once its run is recorded as running."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + limit
        while not _running(db_path, process.pid):
            assert process.poll() is None, "the worker exited before its run was recorded"
            assert time.monotonic() < deadline, "the worker never recorded its run"
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _running(db_path: Path, pid: int) -> bool:
    if not db_path.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as conn:
            row = conn.execute(
                "select 1 from worker_runs where pid = ? and state = 'running'", (pid,)
            ).fetchone()
    except sqlite3.OperationalError:  # no table yet: the archive is being created
        return False
    return row is not None


def test_two_scans_of_the_same_targets_at_once(tmp_path):
    expected = make_site(tmp_path / "site", 200)
    db_path = tmp_path / "archive.db"
    command = [*ARCHIVE, "scan", str(tmp_path / "site"), "--db", str(db_path)]

    first, second = (
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    )
    outputs = [p.communicate(timeout=120)[1] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert all("locked" not in out and "Traceback" not in out for out in outputs)
    assert_sound(db_path, expected)
    total = counts(db_path)
    assert total["articles"] == len(expected) and total["scans"] == 2 * len(expected)
    assert total["embeds"] == sum(expected.values())


def _scan_in_process(db, paths, config_path):
    config = load_config(str(config_path))
    outcomes = []
    run_scan(db, list(iter_targets([str(p) for p in paths])), config, on_outcome=outcomes.append)
    return outcomes


def test_full_disk_fails_each_article_cleanly_and_loses_nothing(tmp_path, strict_config):
    expected = make_site(tmp_path / "site", 30)
    files = sorted((tmp_path / "site").glob("*.html"))
    db_path = tmp_path / "archive.db"
    db = open_database(db_path)
    first = _scan_in_process(db, files[:10], strict_config)
    assert not any(o.error for o in first)
    before = counts(db_path)
    # The disk is full: the archive may not grow by a single page.
    pages = db.conn.execute("pragma page_count").fetchone()[0]
    db.conn.execute(f"pragma max_page_count = {pages}")
    outcomes = _scan_in_process(db, files[10:], strict_config)
    errors = [o.error for o in outcomes if o.error]
    # A few may still fit in free space inside the last pages; the rest fail, each alone.
    assert len(errors) >= 10, errors
    assert all("database or disk is full" in e and "\n" not in e for e in errors), errors
    after = counts(db_path)
    assert all(after[table] >= before[table] for table in before)
    assert after["articles"] == 10 + len(outcomes) - len(errors)
    assert_sound(db_path, expected)
    # Space comes back: the next run completes the work.
    db.conn.execute("pragma max_page_count = 1073741823")
    assert not any(o.error for o in _scan_in_process(db, files, strict_config))
    db.conn.close()
    assert counts(db_path)["articles"] == 30
    assert_sound(db_path, expected)


@contextlib.contextmanager
def read_only(path: Path):
    """Make ``path`` unwritable even for root (``chattr +i``); plain chmod for other users."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_file_size_limit_gives_a_clear_error(tmp_path):
    """A real process whose writes fail (RLIMIT_FSIZE, the closest thing to a full disk
    without a tiny filesystem): one-line errors, exit 1, nothing committed lost."""
    expected = make_site(tmp_path / "site", 20)
    files = sorted((tmp_path / "site").glob("*.html"))
    db_path = tmp_path / "archive.db"
    assert run([*ARCHIVE, "scan", *map(str, files[:5]), "--db", str(db_path)]).returncode == 0
    size = 65_536  # room for the -shm index and a few WAL frames, then every write fails
    before = counts(db_path)

    limited = subprocess.run(
        [*ARCHIVE, "scan", *map(str, files[5:]), "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size)),
    )
    assert limited.returncode == 1, limited.stderr
    assert "Traceback" not in limited.stderr + limited.stdout
    lines = [line for line in limited.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 15 and all("cannot save" in line for line in lines), limited.stderr
    after = counts(db_path)
    assert after["articles"] >= before["articles"] and after["embeds"] >= before["embeds"]
    assert_sound(db_path, expected)
    final = run([*ARCHIVE, "scan", *map(str, files), "--db", str(db_path)])
    assert final.returncode == 0, final.stderr
    assert counts(db_path)["articles"] == 20
    assert_sound(db_path, expected)


@pytest.mark.parametrize("what", ["file", "directory"])
def test_read_only_archive_gives_a_clear_error(tmp_path, what, strict_config):
    expected = make_site(tmp_path / "site", 5)
    files = [str(p) for p in sorted((tmp_path / "site").glob("*.html"))]
    (tmp_path / "db").mkdir()
    db_path = tmp_path / "db" / "archive.db"
    assert run([*ARCHIVE, "scan", files[0], "--db", str(db_path)]).returncode == 0
    before = counts(db_path)
    writer = sqlite3.connect(db_path)
    writer.execute("pragma wal_checkpoint(truncate)")
    writer.close()  # the last writer's close removes -wal and -shm
    assert not db_path.with_name("archive.db-wal").exists()
    with read_only(db_path if what == "file" else db_path.parent):
        result = run([*ARCHIVE, "scan", *files, "--db", str(db_path)])
        checks = run([*ARCHIVE, "snapshot", "20", "--db", str(db_path)])
        with pytest.raises(DatabaseError, match=r"cannot (write the|open) archive") as raised:
            Worker(str(db_path), load_config(str(strict_config))).run_once()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    if what == "file":  # refused as it opens: one line (each page failed alone, and the
        # snapshot said "damaged or locked")
        line = f"Error: {db_path}: cannot write the archive (the file is read-only; "
        for done in (result, checks):
            assert done.returncode == 1 and done.stdout == "", done.stdout
            assert done.stderr.startswith(line) and done.stderr.count("\n") == 1, done.stderr
    else:
        assert "readonly database" in output or "unable to open" in output, output
    assert "\n" not in str(raised.value)
    assert counts(db_path) == before
    assert_sound(db_path, expected)


def test_worker_cli_on_a_read_only_archive_prints_one_line(tmp_path):
    make_site(tmp_path / "site", 1)
    db_path = tmp_path / "archive.db"
    run([*ARCHIVE, "scan", str(tmp_path / "site"), "--db", str(db_path)])
    with read_only(db_path):
        result = run([*ARCHIVE, "worker", "--once", "--db", str(db_path)])
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["stats"], "1 articles, 2 embeds, 2 posts (2 pending)"),
        (["verify"], "1 WARC file(s) checked: OK"),
        (["timemap", "1763000000000999999"], 'rel="original"'),
        (["export", "--wacz", "{out}/all.wacz"], "1 record(s), 1 page(s)"),
    ],
    ids=["stats", "verify", "timemap", "export"],
)
def test_commands_that_only_read_work_on_a_read_only_archive(tmp_path, command, says):
    """In a directory that cannot be written (so SQLite cannot make the -wal and -shm files
    it reads a WAL archive through), before: "attempt to write a readonly database"."""
    make_site(tmp_path / "site", 1)
    (tmp_path / "db").mkdir()
    db_path = tmp_path / "db" / "archive.db"
    assert run([*ARCHIVE, "scan", str(tmp_path / "site"), "--db", str(db_path)]).returncode == 0
    with sqlite3.connect(db_path) as writer:  # the last writer's close removes -wal and -shm
        writer.execute("pragma wal_checkpoint(truncate)")
    writer.close()
    files = sorted(path.name for path in db_path.parent.iterdir())
    arguments = [argument.format(out=tmp_path) for argument in command]
    with read_only(db_path.parent):
        result = run([*ARCHIVE, *arguments, "--db", str(db_path)])
    assert result.returncode == 0, result.stderr
    assert says in result.stdout + result.stderr
    assert sorted(path.name for path in db_path.parent.iterdir()) == files
