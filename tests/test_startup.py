"""Start-up: what each command imports, and the light way into an up-to-date archive.

The wall-clock targets are measured in ``bench/`` (``make bench``); these tests check the
causes instead, in fresh interpreters: modules a command does not use are not imported.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archiver.cli import cli
from archiver.db import connection, open_archive, open_database
from archiver.db.schema import migrations
from archiver.errors import DatabaseError
from archiver.scan_pool import WORKER_DIED

HEAVY = (
    "sqlite_utils",
    "httpx",
    "datasette",
    "concurrent.futures.process",
    "dateparser",
    "warcio",  # the page's record is written without it (archiver/evidence/fields.py)
)

ARCHIVE = [sys.executable, "-m", "archiver"]
SCAN_INTERRUPTED = "interrupted: every article finished before the interruption is stored"
RUN_CLI = """
import json, sys
from archiver.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str, cwd: Path) -> set[str]:
    """The modules loaded by an ``archive`` command run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args], cwd=cwd, capture_output=True, text=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_neither_the_detector_nor_the_database(tmp_path):
    loaded = modules_after("--help", cwd=tmp_path)
    assert "archiver.cli" in loaded
    assert not loaded & {
        "archiver.detect",
        "archiver.db",
        "lxml.etree",
        "selectolax.lexbor",
        *HEAVY,
    }


def test_scan_of_one_file_into_an_existing_archive_stays_light(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/20">March 21, 2006</a></blockquote>'
    )
    db = tmp_path / "archive.db"
    open_database(db).conn.close()  # the archive exists and is up to date
    loaded = modules_after("scan", str(page), "--db", str(db), cwd=tmp_path)
    assert {"archiver.detect.html", "archiver.db"} <= loaded  # it did scan and save
    assert not loaded & set(HEAVY)
    # Nor what only other commands or errors use: the worker's and the sources' tables, the
    # machine's mime.types (read by mimetypes on first use), difflib's suggestions.
    assert not loaded & {"archiver.db.daemon", "archiver.listings", "mimetypes", "difflib"}
    # Nor a pool (the file is read in this process), TOML without a config file, or the
    # worker's log formatter.
    assert not loaded & {"concurrent.futures", "tomllib", "archiver.logs"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("select post_id from embeds").fetchall() == [("20",)]
        assert conn.execute("select record_type from records").fetchall() == [("resource",)]


@pytest.mark.parametrize("pages", [1, 70])  # read in this process, or in worker processes
def test_a_command_closes_its_archive_before_it_exits(tmp_path, pages):
    """The command closes the archive's connection itself (``launch._before_exit``) before
    freezing its objects out of the exit's garbage collections: SQLite folds the WAL into
    the archive as it closes, so no -wal file is left beside it (a connection is freed only
    by the collector, which the frozen exit no longer runs on it)."""
    for n in range(pages):
        (tmp_path / f"p{n}.html").write_text(EMBED_PAGE.format(n=n + 20))
    db = tmp_path / "archive.db"
    done = subprocess.run([*ARCHIVE, "scan", str(tmp_path), "--db", str(db)], cwd=tmp_path)
    assert done.returncode == 0
    assert not Path(f"{db}-wal").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from embeds").fetchone() == (pages,)


CLOSE_OPEN = """
import sqlite3, sys
from archiver.db import open_archive
from archiver.db.connection import close_open
kept = open_archive(sys.argv[1] + "/a.db").conn
reading = open_archive(sys.argv[1] + "/a.db", read_only=True).conn
closed = open_archive(sys.argv[1] + "/b.db").conn
closed.close()
close_open()
for conn in (kept, reading, closed):
    try:
        conn.execute("select 1")
    except sqlite3.ProgrammingError:
        continue
    sys.exit("a connection is still open")
"""


def test_close_open_closes_every_archive_connection_still_open(tmp_path):
    """In a fresh interpreter: it closes every connection of the process."""
    done = subprocess.run([sys.executable, "-c", CLOSE_OPEN, str(tmp_path)], capture_output=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("reader_first", [True, False])
def test_close_open_folds_the_wal_in_whichever_kind_it_meets_last(
    tmp_path, monkeypatch, reader_first
):
    """A read-only connection cannot fold the WAL into the archive: were it closed last,
    the -wal file would stay beside it. Both orders of the set are tried."""
    path = tmp_path / "a.db"
    writer = open_archive(path).conn
    reader = open_archive(path, read_only=True).conn
    assert reader.execute("select count(*) from scans").fetchone() == (0,)
    assert Path(f"{path}-wal").exists()
    met = [reader, writer] if reader_first else [writer, reader]
    monkeypatch.setattr(connection, "_OPEN", met)
    connection.close_open()
    assert not Path(f"{path}-wal").exists()
    with pytest.raises(sqlite3.ProgrammingError):
        writer.execute("select 1")
    with pytest.raises(sqlite3.ProgrammingError):
        reader.execute("select 1")


BEFORE_EXIT = """
import sys
import archiver.db.connection as connection
from archiver import launch
def fails():
    raise {error}
connection.close_open = fails
launch._before_exit()
print("went on")
"""


@pytest.mark.parametrize(("error", "ends"), [("KeyboardInterrupt", False), ("OSError(5)", True)])
def test_a_ctrl_c_while_the_command_closes_its_archive_is_passed_over(tmp_path, error, ends):
    """The command had ended: a Ctrl-C then leaves it its own status; any other error is
    raised as before."""
    code = BEFORE_EXIT.format(error=error)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ("went on" not in done.stdout) == ends
    assert (done.returncode != 0) == ends


EMBED_PAGE = (
    '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; A (@a) '
    '<a href="https://twitter.com/a/status/{n}">March 21, 2006</a></blockquote>'
)


def test_open_archive_creates_and_migrates_a_new_archive(tmp_path):
    archive = open_archive(tmp_path / "new.db")
    names = [
        row[0] for row in archive.conn.execute("select name from _sqlite_migrations order by rowid")
    ]
    assert names == migrations.names
    assert archive.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert archive.conn.execute("pragma foreign_keys").fetchone()[0] == 1
    assert archive.conn.execute("pragma recursive_triggers").fetchone()[0] == 1


@pytest.mark.parametrize("read_only", [False, True])
def test_open_archive_applies_a_pending_migration(tmp_path, read_only):
    """Also when the command only reads: it gets an archive it can read."""
    path = tmp_path / "old.db"
    older = sqlite_utils.Database(path)  # an archive made before the last migration existed
    migrations.apply(older, stop_before=migrations.names[-1])
    older.conn.close()
    archive = open_archive(path, read_only=read_only)
    applied = [r[0] for r in archive.conn.execute("select name from _sqlite_migrations")]
    assert applied == migrations.names
    assert not migrations.pending(sqlite_utils.Database(archive.conn))


def test_open_archive_on_a_file_that_is_not_an_archive(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the bytes of an SQLite database" * 100)
    with pytest.raises(DatabaseError, match="cannot open archive"):
        open_archive(path)
    assert path.read_bytes().startswith(b"these are not")


def test_worker_processes_start_early_only_for_many_files(tmp_path):
    """``file_workers`` starts the pool before the archive is opened, for the scans that will
    use it: as many page files as ``_results`` needs to share them out, directories' files
    included (counted only that far), or WARC files big enough to share their pages out;
    URLs and stdin are read elsewhere."""
    from archiver.scan_pool import PARALLEL_MIN_FILES, PARALLEL_MIN_WARC_BYTES, file_workers

    few, many = tmp_path / "few", tmp_path / "many" / "deep"
    few.mkdir()
    many.mkdir(parents=True)
    for n in range(3):
        (few / f"{n}.html").write_text("<p>x</p>")
        (few / f"{n}.warc.gz").write_bytes(b"")
    for n in range(PARALLEL_MIN_FILES):
        (many / f"{n}.html").write_text("<p>x</p>")
    big = tmp_path / "big.warc.gz"
    with big.open("wb") as fh:
        fh.truncate(PARALLEL_MIN_WARC_BYTES)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for n in range(PARALLEL_MIN_FILES):
        (mixed / f"a{n:03d}.warc.gz").write_bytes(b"")
        (mixed / f"b{n:03d}.html").write_text("<p>x</p>")
    cases = {
        (str(few),): False,
        (str(few), *[f"https://example.org/{n}" for n in range(PARALLEL_MIN_FILES)]): False,
        tuple(str(few / f"{n}.warc.gz") for n in range(3)) * PARALLEL_MIN_FILES: False,
        (str(tmp_path / "many"),): True,
        (str(few), *[str(many / f"{n}.html") for n in range(PARALLEL_MIN_FILES - 3)]): True,
        tuple(str(tmp_path / "gone" / f"{n}.html") for n in range(PARALLEL_MIN_FILES)): False,
        (str(mixed),): True,  # its WARC files, listed first, do not use up the count
        (str(big),): True,  # its pages are detected in the workers too
        (str(few / "0.warc.gz"), str(big)[:-1]): False,  # small and missing WARC files
    }
    for arguments, started in cases.items():
        with file_workers(arguments) as pool:
            assert (pool is not None) == (started and (os.cpu_count() or 1) >= 2), arguments
            if pool is not None:
                assert pool.submit(sum, [1, 2]).result() == 3


def test_a_bad_config_with_worker_processes_started_is_one_line(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(70):
        (pages / f"{n:03d}.html").write_text("<p>x</p>")
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "scan", str(pages), "--config", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"Error: {bad}: not valid TOML (Expected ']' at the end of a table declaration"
        " (at line 1, column 7))"
    ]
    assert not (tmp_path / "archive.db").exists()


def _pages_then_pipe(
    tmp_path: Path, count: int, page: Callable[[int], bytes], pipe_name: str
) -> tuple[Path, Path, Path]:
    """A directory of ``count`` pages, a named pipe, and where the archive goes."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(count):
        (pages / f"{n:03d}.html").write_bytes(page(n))
    pipe = tmp_path / pipe_name
    os.mkfifo(pipe)
    return pages, pipe, tmp_path / "archive.db"


def _scan_json(*targets: Path, db_path: Path) -> subprocess.Popen:
    """``archive scan TARGETS --json`` in a session of its own (its process group)."""
    return subprocess.Popen(
        [*ARCHIVE, "scan", *map(str, targets), "--db", str(db_path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _articles(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute("select count(*) from articles").fetchone()[0]


def _titled(n: int) -> bytes:
    return f"<title>page {n}</title><p>x</p>".encode()


def _held_scan(tmp_path: Path, stop: Callable[[int], None]) -> tuple[int, str, int, int]:
    """A scan of 300 pages then a named pipe (read like a file when named on the command
    line), which holds the scan still until ``stop`` (given the command's pid) has run after
    the first reported outcome. Its exit code, stderr, outcomes printed and articles stored."""
    # The pipe comes after the first group (256 pages, or half a second's).
    pages, pipe, db_path = _pages_then_pipe(tmp_path, 300, _titled, "pipe.html")
    # Held open for writing (and reading: so that this open does not wait for a reader), the
    # pipe's reader waits for its end, which only closing this gives.
    held = os.open(pipe, os.O_RDWR)
    process = _scan_json(pages, pipe, db_path=db_path)
    try:
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["status"] == "ok"
        stop(process.pid)
        os.write(held, b"<p>late</p>")
    finally:
        os.close(held)  # the worker reading the pipe, if any, sees its end
    try:  # a worker process left behind would hold the output open: this would time out
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, err, 1 + len(out.splitlines()), _articles(db_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_ctrl_c_in_a_scan_of_many_files_is_one_line_and_keeps_what_was_stored(tmp_path):
    """Ctrl-C reaches the worker processes too (the whole process group): they ignore it,
    the command ends them without a traceback of their own and says it was interrupted.
    Every outcome printed is stored; the pages from the pipe's on never are."""
    code, err, printed, stored = _held_scan(tmp_path, lambda pid: os.killpg(pid, signal.SIGINT))
    assert code == 130, err
    assert err.strip().splitlines() == [SCAN_INTERRUPTED]
    assert printed <= stored < 300


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_sigterm_to_the_command_alone_leaves_no_worker_process_behind(tmp_path):
    """It ends as a Ctrl-C does, but silently: exit 143 and nothing on stderr."""
    code, err, printed, stored = _held_scan(tmp_path, lambda pid: os.kill(pid, signal.SIGTERM))
    assert code == 128 + signal.SIGTERM and err == "", err
    assert printed <= stored < 300


def _kill_the_workers(pid: int) -> None:
    """SIGKILL to the worker processes of the command ``pid`` (as the kernel's OOM killer
    would): the one reading the pipe among them."""
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        workers = [int(child) for child in fh.read().split()]
    assert workers, "the scan has no worker process"
    for worker in workers:
        os.kill(worker, signal.SIGKILL)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no worker processes")
def test_killed_worker_processes_end_the_scan_in_one_line_and_keep_what_was_stored(tmp_path):
    """It ended in a BrokenProcessPool traceback."""
    code, err, printed, stored = _held_scan(tmp_path, _kill_the_workers)
    assert code == 1, err
    assert err.strip().splitlines() == [f"Error: {WORKER_DIED}"]
    assert printed <= stored < 300


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG)")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no worker processes")
def test_a_command_killed_outright_leaves_no_worker_process_behind(tmp_path):
    """SIGKILL to the command alone (the OOM killer's choice): its worker processes waited
    for the next chunk for ever, holding their memory and the command's output open (then
    ``_held_scan`` times out). Every outcome printed is stored."""
    workers: list[int] = []

    def kill_the_command(pid: int) -> None:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            workers.extend(int(child) for child in fh.read().split())
        os.kill(pid, signal.SIGKILL)

    try:
        code, _, printed, stored = _held_scan(tmp_path, kill_the_command)
    finally:
        for worker in workers:  # only if this failed: none is left to end
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)
    assert workers, "the scan had no worker process"
    assert code == -signal.SIGKILL
    assert printed <= stored < 300


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.parametrize("page", [b"<title>a page</title><p>x</p>", b"\0binary"])
def test_pages_before_a_slow_one_are_committed_while_it_is_awaited(tmp_path, page):
    """A page that takes long (here a pipe whose writer waits) held back the commit of every
    page before it, and their lines, until it was done: a group is now committed once due
    while a result is awaited, and failed files are reported then too."""
    import select

    # Fewer pages than a group's 256: only its half second makes it due.
    pages, pipe, db_path = _pages_then_pipe(tmp_path, 100, lambda n: page, "slow.html")
    held = os.open(pipe, os.O_RDWR)  # a writer that has not written yet
    process = _scan_json(pages, pipe, db_path=db_path)
    ok = b"\0" not in page
    try:
        assert process.stdout is not None
        assert select.select([process.stdout], [], [], 120)[0], "nothing reported meanwhile"
        assert json.loads(process.stdout.readline())["status"] == ("ok" if ok else "error")
        assert (_articles(db_path) >= 1) is ok
        os.write(held, b"<p>late</p>")
    finally:
        os.close(held)
    try:
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == (0 if ok else 1), err
    assert _articles(db_path) == (101 if ok else 1)


def _processes_in_group(group: int) -> int:
    """How many processes are in a process group (Linux's ``/proc``)."""
    count = 0
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (OSError, ValueError):
            continue
        count += stat.rsplit(")", 1)[-1].split()[2] == str(group)  # after name: state ppid pgrp
    return count


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_ctrl_c_ends_a_scan_whose_worker_waits_for_a_pipe_nobody_writes(tmp_path):
    """A worker process opening a named pipe that no one ever opens for writing waits for
    ever. Before, a Ctrl-C then waited for that worker too: the command never ended. The
    workers are now ended at once (what they hold would not be saved)."""
    pages, pipe, db_path = _pages_then_pipe(tmp_path, 70, _titled, "never.html")
    process = _scan_json(pages, pipe, db_path=db_path)
    try:
        # Once the worker processes are forked, the command answers Ctrl-C; whether a worker
        # holds the pipe by then or not, the command must end.
        cores = os.cpu_count() or 1
        processes = 1 + cores if cores >= 2 else 1  # the command and its file workers
        for _ in range(1200):
            if _processes_in_group(process.pid) >= processes or process.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(2)  # for a worker to reach the pipe (if not, its chunk is cancelled)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.strip().splitlines() == [SCAN_INTERRUPTED]
    with pytest.raises(ProcessLookupError):  # no worker process left behind
        os.killpg(process.pid, 0)
    assert len(out.splitlines()) <= _articles(db_path) <= 70


INTERRUPTED_WRITE = """
import os, signal, sys
from archiver.db import group

write_all = group.GroupWriter._save_all


def interrupted(self, conn, items):  # a real Ctrl-C, while a group's rows are written
    if len(items) > 1:
        os.kill(os.getpid(), signal.SIGINT)
    return write_all(self, conn, items)


group.GroupWriter._save_all = interrupted
from archiver.cli import cli

cli(["scan", *sys.argv[1:]], prog_name="archive")
"""


def test_ctrl_c_while_a_group_is_written_commits_and_reports_it_first(tmp_path):
    """The group in hand is written and reported whole, then the command stops: no
    traceback, and every article printed is stored."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(100):
        (pages / f"{n:03d}.html").write_text(f"<title>page {n}</title><p>x</p>")
    db_path = tmp_path / "archive.db"
    done = _interrupted(tmp_path, INTERRUPTED_WRITE, str(pages), "--db", str(db_path), "--json")
    with sqlite3.connect(db_path) as db:
        stored = db.execute("select count(*) from articles").fetchone()[0]
    assert stored == len(done.stdout.splitlines()) > 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_directory_scan_passes_over_named_pipes(tmp_path):
    """Reading a pipe found in a directory might never end: only regular files are read."""
    (tmp_path / "a.html").write_text("<title>a</title>")
    os.mkfifo(tmp_path / "b.html")
    from archiver.scan_targets import page_files

    assert [Path(path).name for path, _ in page_files(str(tmp_path))] == ["a.html"]


INTERRUPTED_FORK = """
import os, signal, sys

real_fork, forks = os.fork, []


def fork():  # a real Ctrl-C, to the whole process group, just after a worker is forked
    pid = real_fork()
    if pid:
        forks.append(pid)
        if len(forks) == int(sys.argv[1]):
            os.killpg(0, signal.SIGINT)
    return pid


os.fork = fork
from archiver.cli import cli

cli(["scan", *sys.argv[2:]], prog_name="archive")
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="worker processes need two cores")
@pytest.mark.parametrize("fork", [1, 2])
def test_ctrl_c_while_the_workers_are_forked_ends_the_scan_and_them(tmp_path, fork):
    """Before, a Ctrl-C just after a fork left that worker out of the pool's list, or the
    pool unset: the command hung, or exited leaving a worker that held its output open."""
    pages, pipe, db_path = _pages_then_pipe(tmp_path, 100, _titled, "never.html")
    script = tmp_path / "forked.py"
    script.write_text(INTERRUPTED_FORK, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(fork), str(pages), str(pipe), "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == [SCAN_INTERRUPTED]
    with pytest.raises(ProcessLookupError):  # no worker process left behind
        os.killpg(process.pid, 0)


INTERRUPTED_START = """
import os, signal, sys
import archiver.cli_open

load = archiver.cli_open.load


def interrupted(*args, **kwargs):  # a real Ctrl-C, while the command opens the archive
    os.kill(os.getpid(), signal.SIGINT)
    return load(*args, **kwargs)


archiver.cli_open.load = interrupted  # before the commands' modules import it
import archiver.cli

archiver.cli.cli(sys.argv[1:], prog_name="archive")
"""


def test_ctrl_c_while_a_scan_starts_is_the_same_one_line(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<title>a</title>")
    db = str(tmp_path / "a.db")
    _interrupted(tmp_path, INTERRUPTED_START, "scan", str(page), "--db", db)


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (["snapshot", "--due"], "interrupted: every finished check is stored"),
        (["snapshot", "20"], "interrupted: every finished check is stored"),
        (["worker"], "interrupted"),
        (["stats"], "interrupted"),
    ],
    ids=["snapshot-due", "snapshot-post", "worker", "stats"],
)
def test_ctrl_c_while_any_command_starts_is_one_line_and_exit_130(tmp_path, arguments, line):
    """Not click's "Aborted!" and exit 1: the command group answers every command's Ctrl-C."""
    open_archive(tmp_path / "a.db").conn.close()
    _interrupted(tmp_path, INTERRUPTED_START, *arguments, "--db", str(tmp_path / "a.db"), line=line)


TERMINATED_START = INTERRUPTED_START.replace("signal.SIGINT", "signal.SIGTERM")


@pytest.mark.parametrize("arguments", [["stats"], ["verify"], ["timestamp"], ["worker"], ["init"]])
def test_sigterm_while_any_command_starts_exits_143_without_a_traceback(tmp_path, arguments):
    """Not the bare -15 of a process killed by the signal: the command ends as
    ``sys.exit(143)`` would, its ``finally`` blocks run, nothing printed."""
    open_archive(tmp_path / "a.db").conn.close()
    path = tmp_path / "terminated.py"
    path.write_text(TERMINATED_START, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), *arguments, "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 143, done.stderr
    assert done.stderr == ""


def test_sigterm_handler_is_given_back_after_a_command(tmp_path):
    """A command run in-process (a library caller, the tests) leaves SIGTERM as it found it."""
    page = tmp_path / "page.html"
    page.write_text("<title>a</title>")
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(cli, ["scan", str(page), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert signal.getsignal(signal.SIGTERM) is before


def _interrupted(
    tmp_path: Path, script: str, *arguments: str, line: str = SCAN_INTERRUPTED
) -> subprocess.CompletedProcess:
    """``archive ARGUMENTS`` run by ``script``, which sends itself a Ctrl-C: it stops with
    exit code 130 and ``line`` alone on stderr (by default, an interrupted scan's)."""
    path = tmp_path / "interrupted.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), *arguments], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines() == [line]
    return done


INTERRUPTING_IMPORT = """
import os, signal, sys


class Interrupting:  # a real Ctrl-C, as the module named in the environment is first imported
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["INTERRUPT_AT_IMPORT"]:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None


sys.meta_path.insert(0, Interrupting())
"""


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("click", "interrupted"),
        ("archiver.errors", "interrupted"),
        ("archiver.scan", SCAN_INTERRUPTED),
    ],
    ids=["the-entry-point-imports-click", "the-command-line-imports-errors", "scan-imports-scan"],
)
@pytest.mark.parametrize("how", ["console-script", "python-m"])
def test_ctrl_c_while_the_command_is_imported_is_one_line_and_exit_130(tmp_path, module, line, how):
    """Before, a Ctrl-C while click (imported by the console script's own import of the
    command line) was being imported printed a traceback."""
    (tmp_path / "sitecustomize.py").write_text(INTERRUPTING_IMPORT, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<title>a</title>")
    command = [str(Path(sys.executable).with_name("archive"))]
    command = command if how == "console-script" else ARCHIVE
    done = subprocess.run(
        [*command, "scan", str(page), "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "INTERRUPT_AT_IMPORT": module},
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines() == [line]
    assert not (tmp_path / "a.db").exists() or module == "archiver.scan"


def test_an_error_raised_because_of_a_ctrl_c_is_an_interruption() -> None:
    """Python 3.11 wraps a KeyboardInterrupt raised in ``__set_name__`` in a RuntimeError."""
    from archiver.interrupts import is_interruption

    wrapped = RuntimeError("Error calling __set_name__")
    wrapped.__cause__ = KeyboardInterrupt()
    assert is_interruption(wrapped) and is_interruption(KeyboardInterrupt())
    assert not is_interruption(RuntimeError("other")) and not is_interruption(SystemExit(1))


def test_a_worker_dead_before_a_chunk_is_submitted_is_the_same_one_line(tmp_path):
    """The pool broke while the file was still being read: ``submit`` raised
    BrokenProcessPool, a traceback, where awaiting a chunk gave the one line."""
    from concurrent.futures.process import BrokenProcessPool

    from warc_data import article, write_warc

    from archiver.errors import ScanWorkerDiedError
    from archiver.scan_pool import warc_in_workers
    from archiver.warc_input import WarcCounts

    class Broken:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("A child process terminated abruptly")

    warc = write_warc(tmp_path / "w.warc.gz", [article(n, False) for n in range(20)])
    with pytest.raises(ScanWorkerDiedError, match="worker process of the scan ended"):
        list(warc_in_workers(str(warc), False, WarcCounts(), Broken(), lambda: None))  # type: ignore[arg-type]
