"""A real ``archive worker`` process against a local server: feeds, sitemaps, URL lists,
article pages and both post endpoints; started, signalled and killed."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils
from fake_x import TOMBSTONE_DELETED, FakeX, json_response
from pages import embed_page
from werkzeug import Response

POSTS = ["1763000000000000001", "1763000000000000002", "1763000000000000003"]


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )


def sitemap(links: list[str]) -> str:
    urls = "".join(f"<url><loc>{link}</loc></url>" for link in links)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )


@pytest.fixture
def site(httpserver, tmp_path):
    """Three article pages, each from a different source type, plus broken sources."""
    fake = FakeX(httpserver)
    for number, post in enumerate(POSTS, 1):
        fake.live(post, f"Post number {number}")
        httpserver.expect_request(f"/article/{number}").respond_with_data(
            embed_page(post_id=post, text=f"Post number {number}"), content_type="text/html"
        )
    url = httpserver.url_for
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([url("/article/1")]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap([url("/article/2")]), content_type="application/xml"
    )
    httpserver.expect_request("/garbage.xml").respond_with_data(b"\x00\x01 not xml at all")
    httpserver.expect_request("/down.xml").respond_with_data("down", status=503)
    httpserver.expect_request("/huge.xml").respond_with_data("<rss>" + "x" * 3_000_000)
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text(url("/article/3") + "\n", encoding="utf-8")
    sources = [
        ("feed", "feed", url("/feed.xml")),
        ("sitemap", "map", url("/sitemap.xml")),
        ("feed", "garbage", url("/garbage.xml")),
        ("feed", "down", url("/down.xml")),
        ("feed", "huge", url("/huge.xml")),
    ]
    text = (
        fake.config_text(
            '[worker]\npoll_interval = "1s"\nscan_interval = "0.5s"\nsnapshot_interval = "0.5s"\n'
            'rescan = ["2s"]\nmax_source_bytes = 1_000_000\n'
        )
        .replace("retries = 2", "retries = 0")
        .replace("[fetch]\n", "[fetch]\nmax_bytes = 1_000_000\n")
    )
    text = text.replace("[snapshot]\n", '[snapshot]\nrecheck = ["1s"]\n')
    for kind, name, address in sources:
        text += f'[[sources]]\nname = "{name}"\ntype = "{kind}"\nurl = "{address}"\n'
    text += f'[[sources]]\nname = "list"\ntype = "urls"\npath = "{urls_file}"\n'
    config = tmp_path / "worker.toml"
    config.write_text(text, encoding="utf-8")
    return fake, config


def start_worker(config: Path, db_path: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archiver",
            "worker",
            "--config",
            str(config),
            "--db",
            str(db_path),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_once(config: Path, db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "worker",
            "--once",
            "--config",
            str(config),
            "--db",
            str(db_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def wait_until_running(db_path: Path) -> None:
    """Until a worker run's row says it is running (its lock and handlers are set)."""
    wait_for(
        lambda: any(r["state"] == "running" for r in query(db_path, "select * from worker_runs"))
    )


def query(db_path: Path, sql: str, params=()) -> list[dict]:
    if not db_path.exists():
        return []
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query(sql, params))
    except Exception:
        return []
    finally:
        db.conn.close()


def statuses(db_path: Path) -> dict[str, str]:
    return {r["id"]: r["status"] for r in query(db_path, "select id, status from posts")}


def test_once_discovers_scans_and_checks_from_every_source(site, db_path):
    _, config = site
    result = run_once(config, db_path)
    assert result.returncode == 0, result.stderr
    assert all(statuses(db_path).get(post) == "live" for post in POSTS), result.stderr
    sources = {r["name"]: r for r in query(db_path, "select * from source_state")}
    assert sources["garbage"]["last_error"] and sources["down"]["last_error"]
    assert "larger than max_source_bytes" in sources["huge"]["last_error"]
    assert sources["feed"]["last_error"] is None and sources["list"]["urls_seen"] == 1
    assert "article scanned:" in result.stderr and "post checked:" in result.stderr
    scanned = [line for line in result.stderr.splitlines() if "article scanned:" in line]
    assert all(re.search(r": [0-9]+ embed\(s\)$", line) for line in scanned), scanned  # "1 embeds"
    run = query(db_path, "select * from worker_runs")[-1]
    assert run["state"] == "stopped" and run["articles_scanned"] == 3
    # The heartbeat row, as `archive stats` shows it.
    stats = subprocess.run(
        [sys.executable, "-m", "archiver", "stats", "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stats.returncode == 0, stats.stderr
    assert (
        f"worker: stopped (pid {run['pid']}, started {run['started_at']}, last beat "
        f"{run['last_beat_at']}): 3 articles scanned, {run['posts_checked']} posts checked"
    ) in stats.stdout


def test_daemon_records_deletion_and_stops_cleanly_on_sigterm(site, db_path, tmp_path):
    fake, config = site
    process = start_worker(config, db_path)
    try:
        wait_for(lambda: all(statuses(db_path).get(p) == "live" for p in POSTS))
        # A concurrent one-off scan while the worker writes.
        other = tmp_path / "other.html"
        other.write_text(embed_page(post_id="1763000000000000009"), encoding="utf-8")
        scan = subprocess.run(
            [sys.executable, "-m", "archiver", "scan", str(other), "--db", str(db_path), "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert scan.returncode == 0, scan.stderr
        assert json.loads(scan.stdout)["status"] == "ok"
        # The post is deleted on the server mid-run.
        fake.syndication[POSTS[0]] = [json_response(TOMBSTONE_DELETED)]
        wait_for(lambda: statuses(db_path).get(POSTS[0]) == "deleted")
        changed = query(db_path, "select status_changed_at from posts where id = ?", [POSTS[0]])
        assert changed[0]["status_changed_at"]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)  # a hang guard: the worker exits as soon as its jobs stop
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert query(db_path, "select state from worker_runs")[-1]["state"] == "stopped"
    assert "database is locked" not in process.stderr.read()
    # Evidence: the worker's jobs (scans, re-scans, checks) append to one WARC file of its
    # own; the one-off scan wrote its page to another.
    files: dict[str, set[str]] = {}
    for row in query(db_path, "select target_uri, warc_file from records"):
        kind = "scan" if row["target_uri"] == other.as_uri() else "worker"
        files.setdefault(kind, set()).add(row["warc_file"])
    (worker_file,) = files["worker"]
    assert f"-{process.pid}-" in worker_file and files["scan"].isdisjoint(files["worker"])
    assert len(query(db_path, "select id from records")) > len(POSTS) * 2  # many jobs, one file
    verify = subprocess.run(
        [sys.executable, "-m", "archiver", "verify", "--db", str(db_path), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"]
)
def test_a_running_worker_answers_ctrl_c_sigterm_and_sighup_alike_with_exit_0(
    tmp_path, db_path, stop
):
    """Every other command ends on Ctrl-C with exit 130 and on SIGTERM with 143; a running
    worker finishes what it has in hand and exits 0 on any of them, its run recorded as
    stopped. SIGHUP (its terminal closed) killed it unlogged, its run still 'running'."""
    (tmp_path / "urls.txt").write_text("", encoding="utf-8")
    config = tmp_path / "worker.toml"
    config.write_text(
        '[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\n'
        f'[[sources]]\nname = "list"\ntype = "urls"\npath = "{tmp_path / "urls.txt"}"\n',
        encoding="utf-8",
    )
    process = start_worker(config, db_path)
    started = threading.Event()
    lines: list[str] = []

    def read() -> None:  # the log, until the worker says it runs (its handlers are set)
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "worker started" in line:
                started.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(120), "".join(lines)
        reader.join(120)
        process.send_signal(stop)
        _, rest = process.communicate(timeout=120)  # a hang guard
    finally:
        if process.poll() is None:
            process.kill()
    stderr = "".join(lines) + rest
    assert process.returncode == 0, stderr
    assert f"received {stop.name}" in stderr and "worker stopped" in stderr
    assert "Traceback" not in stderr and "interrupted" not in stderr
    assert query(db_path, "select state from worker_runs")[-1]["state"] == "stopped"


def test_a_scan_that_outlasts_its_interval_logs_no_skipped_runs(httpserver, tmp_path, db_path):
    """While a slow article is fetched, each tick of ``scan_interval`` finds the scan still
    running: APScheduler's warning about it (naming ``Worker.guarded.<locals>.run``) was
    logged every tick; the run in hand scans the queue, so it is not logged."""
    asked, release = threading.Event(), threading.Event()

    def slow(_request):
        asked.set()
        release.wait(30)
        return Response(embed_page(post_id=POSTS[0], text="slow"), content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    (tmp_path / "urls.txt").write_text(httpserver.url_for("/slow") + "\n", encoding="utf-8")
    config = tmp_path / "worker.toml"
    config.write_text(
        '[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\noembed_url = "http://127.0.0.1:1/"\n'
        '[worker]\nscan_interval = "0.1s"\nsnapshot_interval = "1h"\n'
        f'[[sources]]\nname = "list"\ntype = "urls"\npath = "{tmp_path / "urls.txt"}"\n',
        encoding="utf-8",
    )
    process = start_worker(config, db_path)
    try:
        assert asked.wait(120)  # the scan waits on the page
        time.sleep(1)  # ten ticks of scan_interval while it waits
        release.set()
        wait_for(lambda: bool(query(db_path, "select 1 from scans")))
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "article scanned" in stderr, stderr
    assert "maximum number of running instances" not in stderr
    assert "Worker.guarded" not in stderr


def test_sigkill_then_restart_keeps_archive_consistent(site, db_path):
    """Each kill comes a while after the worker recorded its run, so it lands in its jobs (a
    kill counted from the start could land, on a busy machine, before it had done anything)."""
    _, config = site
    for delay in (0.8, 1.5, 2.5):
        process = start_worker(config, db_path)
        try:
            wait_for(
                lambda pid=process.pid: any(
                    r["pid"] == pid and r["state"] == "running"
                    for r in query(db_path, "select pid, state from worker_runs")
                )
            )
            time.sleep(delay)
        finally:
            process.kill()
            process.wait(timeout=10)
    result = run_once(config, db_path)
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*) from articles").fetchone()[0] == 3
    assert (
        db.execute(
            "select count(*) from (select article_id, post_id, occurrence from embeds"
            " group by 1, 2, 3 having count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    assert all(statuses(db_path).get(p) == "live" for p in POSTS)
    runs = [r["state"] for r in query(db_path, "select state from worker_runs order by id")]
    assert runs == ["died", "died", "died", "stopped"]  # each killed while it ran
    # Every article has its embed: no half-written article.
    assert (
        db.execute(
            "select count(*) from articles a where not exists"
            " (select 1 from embeds e where e.article_id = a.id)"
        ).fetchone()[0]
        == 0
    )


def test_one_worker_per_archive_and_kill_9_does_not_block_a_restart(site, db_path):
    import socket

    _, config = site
    first = start_worker(config, db_path)
    try:
        wait_until_running(db_path)
        second = run_once(config, db_path)
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert "another archive worker is running" in lines[0]
        assert f"pid {first.pid} on {socket.gethostname()}" in lines[0]
        assert len(query(db_path, "select * from worker_runs")) == 1  # the second never ran
    finally:
        first.kill()  # SIGKILL: no clean-up code runs
        first.wait(timeout=10)
    restarted = run_once(config, db_path)
    assert restarted.returncode == 0, restarted.stderr
    assert query(db_path, "select state from worker_runs")[-1]["state"] == "stopped"


def test_stats_tells_a_killed_worker_from_a_running_one(site, db_path):
    """After kill -9 the run's row still says running: once it has not beaten for a minute,
    ``archive stats`` says the worker is not running (it said "running" for ever)."""
    from archiver.db.daemon import SILENT_SECONDS
    from archiver.worker import HEARTBEAT_SECONDS

    assert SILENT_SECONDS >= 10 * HEARTBEAT_SECONDS  # a busy archive may delay a beat or two

    def stats_of_the_worker(*options: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "archiver", "stats", "--db", str(db_path), *options],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stats_worker_line() -> str:
        out = stats_of_the_worker("--posts", "0")
        return next(line for line in out.splitlines() if line.startswith("worker:"))

    def stats_worker_json() -> dict:
        return json.loads(stats_of_the_worker("--json"))["worker"]

    _, config = site
    worker = start_worker(config, db_path)
    try:
        wait_until_running(db_path)
        assert stats_worker_line().startswith(f"worker: running (pid {worker.pid}, ")
        running = stats_worker_json()
        assert (running["pid"], running["state"], running["running"]) == (
            worker.pid,
            "running",
            True,
        )
    finally:
        worker.kill()
        worker.wait(timeout=10)
    with sqlite3.connect(db_path) as conn:  # two minutes pass without a beat
        conn.execute("update worker_runs set last_beat_at = '2020-01-01T00:00:00Z'")
    conn.close()
    assert stats_worker_line().startswith(
        f"worker: not running, no heartbeat since 2020-01-01T00:00:00Z (pid {worker.pid}, started "
    )
    silent = stats_worker_json()
    assert (silent["state"], silent["running"]) == ("running", False)
    assert silent["last_beat_at"] == "2020-01-01T00:00:00Z"


def test_bad_config_exits_with_one_line(tmp_path, db_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\ntype = "gopher"\n', encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "worker",
            "--once",
            "--config",
            str(bad),
            "--db",
            str(db_path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f'Error: {bad}: [sources #1] type: expected "feed", "sitemap" or "urls", got \'gopher\''
    ]


def test_a_lock_file_that_cannot_be_opened_is_one_line(tmp_path, db_path):
    """A directory where the worker's lock file goes (or a directory it cannot write in)."""
    config = tmp_path / "config.toml"
    config.write_text('[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\n', encoding="utf-8")
    assert run_once(config, db_path).returncode == 0
    lock = Path(f"{db_path}.worker.lock")
    lock.unlink()
    lock.mkdir()
    result = run_once(config, db_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {lock}: cannot open the worker's lock file (Is a directory)"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.parametrize("kind", ["a named pipe", "a device"])
def test_a_lock_file_that_is_a_pipe_or_a_device_is_one_line(tmp_path, db_path, kind):
    """A named pipe (or a symlink to /dev/null) where the lock file goes: the worker took
    the lock, then ended in a traceback truncating it ('Invalid argument')."""
    config = tmp_path / "config.toml"
    config.write_text('[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\n', encoding="utf-8")
    assert run_once(config, db_path).returncode == 0
    lock = Path(f"{db_path}.worker.lock")
    lock.unlink()
    if kind == "a named pipe":
        os.mkfifo(lock)
    else:
        lock.symlink_to(os.devnull)
    result = run_once(config, db_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {lock}: cannot use the worker's lock file (not a regular file: a pipe or a device)"
    ]


_ = Response  # re-exported for readers of the fixture server's answers


def damage_table(db_path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` in the file (after a checkpoint)."""
    conn = sqlite3.connect(db_path)
    conn.execute("pragma wal_checkpoint(truncate)")
    page = conn.execute("pragma page_size").fetchone()[0]
    root = conn.execute("select rootpage from sqlite_master where name = ?", (table,)).fetchone()
    conn.close()
    with open(db_path, "r+b") as fh:
        fh.seek((root[0] - 1) * page)
        fh.write(b"\xde\xad" * (page // 2))


@pytest.mark.parametrize(
    ("config", "warning"),
    [
        (None, "WARNING no config file: no feed, sitemap or URL list is polled"),
        ("[worker]\nscan_interval = '1m'\n", "WARNING no [[sources]] in config.toml: no feed,"),
        ('[[sources]]\nname = "list"\ntype = "urls"\npath = "urls.txt"\n', None),
    ],
    ids=["no-config", "no-sources", "a-source"],
)
def test_a_worker_with_nothing_to_poll_says_so(tmp_path, config, warning):
    """Started from another directory than its config.toml (or with the sample's sources
    still commented out), the worker logged "0 source(s)" at most and polled nothing."""
    (tmp_path / "urls.txt").write_text("", encoding="utf-8")
    if config is not None:
        (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    command = [sys.executable, "-m", "archiver", "worker", "--once", "--db", "w.db"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if " WARNING " in line]
    if warning is None:
        assert warnings == []
    else:
        (line,) = warnings
        assert warning in line and line.endswith("give --config or list [[sources]] in it")


def test_addresses_on_x_itself_are_left_out_of_the_queue(httpserver, tmp_path, db_path):
    """A feed of an account's posts lists x.com status pages: each was queued as an article,
    fetched from X (a login wall) and kept as an empty row. They are left out, and said so."""
    httpserver.expect_request("/a").respond_with_data(
        "<html><body><p>An article.</p></body></html>", content_type="text/html"
    )
    article = httpserver.url_for("/a")
    listed = tmp_path / "urls.txt"
    listed.write_text(
        f"https://x.com/jack/status/20\n{article}\nhttps://twitter.com/jack\n", encoding="utf-8"
    )
    config = tmp_path / "worker.toml"
    config.write_text(
        '[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\n'
        f'[[sources]]\nname = "list"\ntype = "urls"\npath = "{listed}"\n',
        encoding="utf-8",
    )
    result = run_once(config, db_path)
    assert result.returncode == 0, result.stderr
    assert [row["url"] for row in query(db_path, "select url from articles")] == [article]
    assert "source list: 3 URLs listed, 1 new, 2 on X itself left out (posts, not articles)" in (
        result.stderr
    )
    assert "article failed" not in result.stderr


def test_a_damaged_archive_stops_the_worker_with_one_line_and_exit_1(tmp_path, db_path):
    """Each job logged a traceback and the worker went on (exit 0): every job would fail."""
    (tmp_path / "urls.txt").write_text("", encoding="utf-8")
    config = tmp_path / "worker.toml"
    config.write_text(
        f'[[sources]]\nname = "list"\ntype = "urls"\npath = "{tmp_path / "urls.txt"}"\n'
        '[[sources]]\nname = "later"\ntype = "urls"\npath = "/nonexistent/urls.txt"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "archiver", "worker", "--once", "--config", str(config)]
    command += ["--db", str(db_path)]
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    damage_table(db_path, "source_state")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    damaged = "cannot use the archive, damaged or locked (database disk image is malformed)"
    assert done.stderr.splitlines()[-1] == f"Error: {damaged}"
    assert "job poll list failed" in done.stderr and "later" not in done.stderr, "it stopped"


@pytest.mark.parametrize(
    ("error", "stops"),
    [
        (sqlite3.DatabaseError("database disk image is malformed"), True),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), False),
        (sqlite3.OperationalError("database is locked"), False),
        (sqlite3.OperationalError("disk I/O error"), False),
    ],
)
def test_only_a_damaged_archive_stops_the_worker(tmp_path, caplog, error, stops):
    """A constraint, a lock or an I/O error may pass: one log line, and the next run tries
    again."""
    from archiver.config import Config
    from archiver.worker import Worker

    worker = Worker(str(tmp_path / "a.db"), Config())

    def job() -> None:
        raise error

    with caplog.at_level("ERROR", logger="archiver"):
        worker.guarded(job, "poll")()
    assert worker.stop.is_set() is stops and (worker.damaged is not None) is stops
    [logged] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert logged.startswith("job poll failed: ") and str(error) in logged
    assert "\n" not in logged and not any(r.exc_info for r in caplog.records)


SIGNAL_ANOTHER_THREAD = """
import ctypes, os, signal, sys, threading, time
from archiver.worker import wait_for_stop

stop = threading.Event()
signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
job = threading.Thread(target=time.sleep, args=(600,), daemon=True)  # a job's thread
job.start()
libc = ctypes.CDLL(None, use_errno=True)
tgkill = {"x86_64": 234, "aarch64": 131}[os.uname().machine]
# The signal as the kernel may deliver a process's signal: to a thread other than main.
threading.Timer(0.2, libc.syscall, (tgkill, os.getpid(), job.native_id, signal.SIGINT)).start()
wait_for_stop(stop)
print("stopped")
"""


@pytest.mark.skipif(
    sys.platform != "linux" or os.uname().machine not in ("x86_64", "aarch64"),
    reason="tgkill sends a signal to one thread",
)
def test_the_worker_wakes_for_a_signal_handed_to_another_thread(tmp_path):
    """The kernel handed a Ctrl-C to one of the worker's job threads (a full run on a busy
    machine): the main thread, blocked on its stop event with no timeout, never ran the
    handler, and the worker never stopped. ``wait_for_stop`` wakes it to run it."""
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_ANOTHER_THREAD],
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard: it stops within a second
    )
    assert (done.returncode, done.stdout.strip()) == (0, "stopped"), done.stderr


def test_a_child_sitemap_counts_the_urls_it_lists_with_those_on_x(httpserver, tmp_path, db_path):
    """Leaving X's addresses out of the queue changes no count of what was listed: a child
    sitemap's ``urls_seen`` is the URLs it lists, as its source's is."""
    article = httpserver.url_for("/a")
    httpserver.expect_request("/a").respond_with_data(
        "<html><body><p>An article.</p></body></html>", content_type="text/html"
    )
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    child = httpserver.url_for("/child.xml")
    index = httpserver.url_for("/index.xml")
    httpserver.expect_request("/index.xml").respond_with_data(
        f"<sitemapindex {ns}><sitemap><loc>{child}</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    httpserver.expect_request("/child.xml").respond_with_data(
        f"<urlset {ns}><url><loc>https://x.com/jack/status/20</loc></url>"
        f"<url><loc>{article}</loc></url></urlset>",
        content_type="application/xml",
    )
    config = tmp_path / "worker.toml"
    config.write_text(
        '[snapshot]\nsyndication_url = "http://127.0.0.1:1/"\n'
        '[fetch]\nper_host_delay = "0s"\nretries = 0\n'
        f'[[sources]]\nname = "map"\ntype = "sitemap"\nurl = "{index}"\n',
        encoding="utf-8",
    )
    result = run_once(config, db_path)
    assert result.returncode == 0, result.stderr
    assert "source map: 2 URLs listed, 1 new, 1 on X itself left out" in result.stderr
    (source,) = query(db_path, "select urls_seen from source_state")
    (kept,) = query(db_path, "select url, urls_seen from sitemap_children")
    assert (source["urls_seen"], kept["url"], kept["urls_seen"]) == (2, child, 2)
