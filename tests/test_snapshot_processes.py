"""Snapshot runs with fetch processes (``archiver/snapshot/pool.py``), against the local fake X.

The threshold is lowered (``processes=`` here, ``PROCESS_MIN_POSTS`` for real ``archive``
processes) so a handful of posts takes the path a large run takes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from fake_x import TOMBSTONE_DELETED, FakeX, json_response, slow, tweet_json
from werkzeug import Response

from archiver.config import Config, FetchConfig, load_config
from archiver.db import open_database, posts_to_check
from archiver.errors import DatabaseError, FetchProcessError
from archiver.models import PostToCheck
from archiver.snapshot import pool, run
from archiver.snapshot.run import check_posts, fetch_processes

IDS = [f"17630000000000003{n:02d}" for n in range(12)]
# A launcher for a real ``archive`` process that takes the fetch-process path for any run.
ARCHIVE = [
    sys.executable,
    "-c",
    "import archiver.snapshot.run as r; r.PROCESS_MIN_POSTS = 1;"
    " from archiver.cli import cli; cli(prog_name='archive')",
]


def script(fake: FakeX) -> None:
    """One post per kind of answer (scripts are consumed: call again before each run)."""
    for n, post_id in enumerate(IDS[:6]):
        fake.live(post_id, f"Post number {n} &amp; more", handle=f"user{n}")
    fake.syndication[IDS[6]] = [json_response(TOMBSTONE_DELETED)]
    fake.syndication[IDS[7]] = [Response("", status=404)]  # 404 twice: deleted on run two
    fake.oembed[IDS[7]] = [Response("", status=404)]
    fake.live(IDS[8], "After a hiccup")
    busy = json_response({"error": "busy"}, 503, **{"Retry-After": "0"})
    fake.syndication[IDS[8]].insert(0, busy)
    fake.syndication[IDS[9]] = [Response("<html>blocked</html>", content_type="text/html")]
    fake.oembed[IDS[9]] = [Response("<html>blocked</html>", content_type="text/html")]
    fake.live(IDS[10], "Only oEmbed knows")
    fake.syndication[IDS[10]] = [Response("", status=404)]
    fake.syndication[IDS[11]] = [json_response({})]
    fake.oembed[IDS[11]] = [
        json_response({"error": "Sorry, you are not authorized to see this status."}, 403)
    ]


def config_for(fake: FakeX, tmp_path, extra: str = "") -> Config:
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text(extra), encoding="utf-8")
    return load_config(path)


def archive_rows(db) -> dict[str, list[tuple]]:
    """What a run wrote, without the columns that differ between two runs (times, row ids)."""
    one = lambda sql: sorted(db.conn.execute(sql).fetchall(), key=repr)  # noqa: E731
    return {
        "posts": one(
            "select id, url, handle, status, text, author_name, created_at, checks,"
            " not_found_checks, status_changed_at is not null from posts"
        ),
        "snapshots": one(
            "select post_id, provider, request_url, http_status, status, author_name, handle,"
            " text, media, payload, content_sha256 from snapshots"
        ),
        "checks": one(
            "select post_id, provider, http_status, status, snapshot_id is not null, error"
            " from checks"
        ),
    }


def fetch_children() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name == "archive-fetch"]


def test_fetch_processes_give_the_same_archive_as_a_thread(httpserver, tmp_path):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    results = {}
    for processes in (0, 2):
        db = open_database(tmp_path / f"archive-{processes}.db")
        for _ in range(2):  # a first check, then a re-check of the same answers
            script(fake)
            posts = posts_to_check(db, [(post_id, None) for post_id in IDS])
            summary = check_posts(db, posts, config, processes=processes)
            assert summary.checked == len(IDS), summary.line()
        results[processes] = archive_rows(db)
        db.conn.close()
    assert results[2] == results[0]
    statuses = {row[0]: row[3] for row in results[2]["posts"]}
    assert [statuses[i] for i in IDS[:6]] == ["live"] * 6
    assert statuses[IDS[6]] == statuses[IDS[7]] == "deleted"
    assert statuses[IDS[8]] == statuses[IDS[10]] == "live"
    assert statuses[IDS[9]] == "unavailable"
    assert statuses[IDS[11]] == "protected"
    assert not fetch_children()


def test_how_many_processes_and_their_shares(monkeypatch):
    config = Config(fetch=FetchConfig(per_host_delay=0.0, concurrency=3))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert fetch_processes(run.PROCESS_MIN_POSTS - 1, config) == 0
    assert fetch_processes(run.PROCESS_MIN_POSTS, config) == 2
    polite = replace(config, fetch=replace(config.fetch, per_host_delay=1.0))
    assert fetch_processes(5000, polite) == 1  # a delay is the limit: one process
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert fetch_processes(5000, config) == 1
    posts = [PostToCheck(str(n), None, "pending", 0, 0) for n in range(7)]
    shares = pool.shares(posts, polite, 2)
    assert sorted(p.id for own, _ in shares for p in own) == sorted(p.id for p in posts)
    assert [c.fetch.concurrency for _, c in shares] == [2, 1]  # 3 in flight in all
    assert [c.fetch.per_host_delay for _, c in shares] == [2.0, 2.0]  # 1 s per host in all
    assert [c.fetch.concurrency for _, c in pool.shares(posts, config, 5)] == [1] * 5
    assert len(pool.shares(posts[:1], config, 2)) == 1


def slow_posts(fake: FakeX, count: int, seconds: float) -> list[str]:
    ids = [f"17630000000000004{n:02d}" for n in range(count)]
    for post_id in ids:
        fake.syndication[post_id] = [slow(json_response(tweet_json(post_id, "Slow")), seconds)]
    return ids


def test_a_fetch_process_that_dies_is_one_error_and_loses_nothing(httpserver, tmp_path, db):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    posts = posts_to_check(db, [(i, None) for i in slow_posts(fake, 40, 0.05)])
    reported = []

    def on_check(record) -> None:
        if not reported:
            os.kill(fetch_children()[0].pid, signal.SIGKILL)
        reported.append(record.post_id)

    started = time.monotonic()
    with pytest.raises(FetchProcessError) as error:
        check_posts(db, posts, config, on_check=on_check, processes=2)
    assert time.monotonic() - started < 10
    assert str(error.value) == "a fetch process died (killed by SIGKILL)"
    saved = [r[0] for r in db.conn.execute("select post_id from checks")]
    assert sorted(saved) == sorted(reported) and 0 < len(saved) < len(posts)
    assert not fetch_children()


def test_a_failing_fetch_process_is_one_line(httpserver, tmp_path, db):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    posts = [PostToCheck("not-an-id", None, "pending", 0, 0)]
    with pytest.raises(FetchProcessError, match=r"^a fetch process failed: ValueError: not a"):
        check_posts(db, posts, config, processes=1)
    assert not fetch_children()


def test_should_stop_stops_the_processes_and_keeps_the_checks(httpserver, tmp_path, db):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    posts = posts_to_check(db, [(i, None) for i in slow_posts(fake, 40, 0.05)])
    reported = []
    summary = check_posts(
        db,
        posts,
        config,
        on_check=lambda record: reported.append(record),
        should_stop=lambda: len(reported) >= 3,
        processes=2,
    )
    assert 3 <= summary.checked == len(reported) < len(posts)
    assert db.conn.execute("select count(*) from checks").fetchone()[0] == summary.checked
    assert not fetch_children()


def test_a_save_error_stops_the_run_and_the_processes(httpserver, tmp_path, db_path):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    writable = open_database(db_path)
    posts = posts_to_check(writable, [(i, None) for i in slow_posts(fake, 20, 0.01)])
    writable.conn.close()
    import sqlite_utils

    readonly = sqlite_utils.Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    with pytest.raises(DatabaseError, match="cannot save the check of post"):
        check_posts(readonly, posts, config, processes=2)
    assert not fetch_children()


def test_fetch_processes_start_from_a_scheduler_thread(httpserver, tmp_path, db_path):
    """``archive worker`` runs its jobs in APScheduler threads: no signals there."""
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    for post_id in IDS[:4]:
        fake.live(post_id, "From a thread")
    outcome = {}

    def job() -> None:
        db = open_database(db_path)
        try:
            posts = posts_to_check(db, [(i, None) for i in IDS[:4]])
            outcome["summary"] = check_posts(db, posts, config, processes=2)
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            db.conn.close()

    thread = threading.Thread(target=job)
    thread.start()
    thread.join(30)
    assert "error" not in outcome, outcome
    assert outcome["summary"].statuses["live"] == 4


# --- real ``archive snapshot`` processes ---------------------------------------------------


@pytest.fixture
def silent_config(tmp_path):
    """A config whose providers take connections and requests and never answer: the fetch
    processes stay busy without finishing a check (nothing they send reveals a dead parent)."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/tweet-result"
        path = tmp_path / "silent.toml"
        path.write_text(
            f'[fetch]\ntimeout = "30s"\nper_host_delay = "0s"\n'
            f'[snapshot]\nsyndication_url = "{url}"\noembed_url = "{url}"\n',
            encoding="utf-8",
        )
        yield path


def start_archive(config, tmp_path, ids: list[str]) -> subprocess.Popen:
    common = ["--db", str(tmp_path / "archive.db"), "--config", str(config)]
    return subprocess.Popen(
        [*ARCHIVE, "snapshot", *ids, *common],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal would make
    )


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        return [int(child) for child in fh.read().split()]


def fetch_processes_of(pid: int, count: int = 2, seconds: float = 10.0) -> list[int]:
    """Wait until ``pid`` has started ``count`` fetch processes; all its children then."""
    ends_at = time.monotonic() + seconds
    while time.monotonic() < ends_at:
        children = children_of(pid)
        started = 0
        for child in children:
            with contextlib.suppress(FileNotFoundError), open(f"/proc/{child}/cmdline") as fh:
                started += "spawn_main" in fh.read()
        if started >= count:
            return children
        time.sleep(0.01)
    raise AssertionError("the fetch processes did not start")


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for init to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until_gone(pids: list[int], seconds: float) -> list[int]:
    ends_at = time.monotonic() + seconds
    while any(running(pid) for pid in pids) and time.monotonic() < ends_at:
        time.sleep(0.05)
    return [pid for pid in pids if running(pid)]


def test_ctrl_c_in_full_swing_keeps_every_reported_check(httpserver, tmp_path):
    fake = FakeX(httpserver)
    ids = slow_posts(fake, 60, 0.05)
    config = tmp_path / "config.toml"
    config.write_text(fake.config_text(), encoding="utf-8")
    process = start_archive(config, tmp_path, ids)
    try:
        first = process.stdout.readline()  # a check is durable: the run is in full swing
        assert first.endswith(": live\n"), process.stderr.read()
        children = children_of(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
        out, err = process.stdout.read(), process.stderr.read()  # not communicate(): it
        process.wait(timeout=30)  # would miss what readline() has buffered
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert err.strip() == "interrupted: every finished check is stored"
    reported = [first.split(":")[0]] + [line.split(":")[0] for line in out.splitlines()]
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        saved = [row[0] for row in conn.execute("select post_id from checks")]
    assert sorted(saved) == sorted(reported) and len(saved) < len(ids)
    assert wait_until_gone(children, 5.0) == []


def test_ctrl_c_while_the_fetch_processes_start_prints_no_traceback(silent_config, tmp_path):
    process = start_archive(silent_config, tmp_path, IDS)
    try:
        children = fetch_processes_of(process.pid)
        time.sleep(0.1)  # they are importing what they need (about 0.3 s)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert err.strip() == "interrupted: every finished check is stored"
    assert wait_until_gone(children, 5.0) == []


def test_kill_9_of_archive_leaves_no_fetch_process_behind(silent_config, tmp_path):
    process = start_archive(silent_config, tmp_path, IDS)
    try:
        children = fetch_processes_of(process.pid)
        time.sleep(1.0)  # started, asking, waiting for answers
        process.kill()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert wait_until_gone(children, 3.0) == []


def test_a_stop_keeps_the_checks_finished_but_not_yet_handed_over(
    httpserver, tmp_path, db, monkeypatch
):
    from archiver.snapshot import checker

    # Batches never fill or age: every finished check waits in the fetcher until the stop.
    monkeypatch.setattr(checker, "BATCH_SIZE", 10_000)
    monkeypatch.setattr(checker, "BATCH_SECONDS", 3600.0)
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    quick = IDS[:6]
    for post_id in quick:
        fake.live(post_id, "Answered at once")
    stuck = IDS[6]  # told to come back in a minute: its check is in flight at the stop
    fake.syndication[stuck] = [json_response({"error": "busy"}, 503, **{"Retry-After": "60"})]
    posts = posts_to_check(db, [(i, None) for i in [*quick, stuck]])
    answered_at: list[float] = []

    def should_stop() -> bool:  # every quick post answered, and a moment to read the replies
        if not answered_at and set(quick) <= set(fake.hits["syndication"]):
            answered_at.append(time.monotonic())
        return bool(answered_at) and time.monotonic() - answered_at[0] > 0.5

    summary = check_posts(db, posts, config, should_stop=should_stop, processes=0)

    assert summary.checked == len(quick)
    saved = {row[0] for row in db.conn.execute("select post_id from checks")}
    assert saved == set(quick)
