"""Snapshot runs in one process (``archiver/snapshot/run.py``): stops, Ctrl-C, save errors
and the write lock, against local provider servers.

Nothing here waits on a clock: a provider that must be "in flight" blocks until the test
releases it, and every wait is on an event (a line printed, a request seen). The only
timeouts are hang guards far longer than the work.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from fake_x import TOMBSTONE_DELETED, FakeX, json_response, oembed_json, tweet_json
from reliability import hostile as h
from werkzeug import Response

from archiver.config import Config, load_config
from archiver.db import open_database, posts_to_check
from archiver.errors import DatabaseError
from archiver.snapshot import checker
from archiver.snapshot.run import check_posts

IDS = [f"17630000000000003{n:02d}" for n in range(12)]
QUICK = IDS[:4]  # answered at once
HUNG = IDS[4:8]  # answered only once the test releases them (or never)
HANG_GUARD = 120  # seconds: only ever reached when a run hangs


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


def check_threads() -> list[threading.Thread]:
    """The check threads still alive (a run must leave none)."""
    return [t for t in threading.enumerate() if t.name.startswith("check-")]


def config_for(fake: FakeX, tmp_path, extra: str = "") -> Config:
    path = tmp_path / "config.toml"
    path.write_text(fake.config_text(extra), encoding="utf-8")
    return load_config(path)


def test_a_run_and_a_re_run_decide_every_kind_of_answer(httpserver, tmp_path, db):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    for _ in range(2):  # a first check, then a re-check of the same answers
        script(fake)
        posts = posts_to_check(db, [(post_id, None) for post_id in IDS])
        summary = check_posts(db, posts, config)
        assert summary.checked == len(IDS), summary.line()
    statuses = dict(db.conn.execute("select id, status from posts").fetchall())
    assert [statuses[i] for i in IDS[:6]] == ["live"] * 6
    assert statuses[IDS[6]] == statuses[IDS[7]] == "deleted"
    assert statuses[IDS[8]] == statuses[IDS[10]] == "live"
    assert statuses[IDS[9]] == "unavailable"
    assert statuses[IDS[11]] == "protected"
    texts = db.conn.execute("select count(distinct text) from snapshots").fetchone()[0]
    assert texts == 8  # six posts, the hiccup and the oEmbed one; unchanged re-checks add none
    assert not check_threads()


class Providers(h.HostileServer):
    """Syndication and oEmbed on one raw server: QUICK posts answer at once, HUNG posts only
    after ``release`` is set (their requests are "in flight" until then)."""

    def __init__(self) -> None:
        super().__init__({})
        self.release = threading.Event()
        self.hung: list[str] = []  # the hung requests that arrived
        self.arrived = threading.Semaphore(0)  # released once per hung request
        self.select = lambda conn: conn.query.get("id", ["oembed"])[0]
        for post_id in QUICK:
            self.routes[post_id] = h.json_reply(tweet_json(post_id, f"Quick {post_id}"))
        for post_id in HUNG:
            self.routes[post_id] = self._hung(post_id)
        self.routes["oembed"] = h.json_reply(oembed_json("1", "never asked"))

    def _hung(self, post_id: str) -> h.Route:
        def run(conn: h.Conn) -> None:
            self.hung.append(post_id)
            self.arrived.release()
            if self.release.wait(HANG_GUARD):
                h.json_reply(tweet_json(post_id, f"Late {post_id}"))(conn)

        return run

    def config_text(self, timeout: str = "600s") -> str:
        """A long timeout: a run that returns early did not wait for the deadline."""
        return (
            f'[fetch]\ntimeout = "{timeout}"\nper_host_delay = "0s"\nretries = 0\n'
            f'[snapshot]\nsyndication_url = "{self.url("/tweet-result")}"\n'
            f'oembed_url = "{self.url("/oembed")}"\nwayback = "never"\n'
        )


@pytest.fixture
def providers():
    with Providers() as server:
        yield server
        server.release.set()


def test_a_stop_keeps_the_finished_checks_and_cuts_the_requests_in_flight(
    providers, tmp_path, db, monkeypatch
):
    path = tmp_path / "config.toml"
    path.write_text(providers.config_text(), encoding="utf-8")
    finished: list[str] = []
    original = checker.Checker.check

    def check(self, post):  # the real check, noting when it is finished (not yet saved)
        record = original(self, post)
        finished.append(record.post_id)
        return record

    monkeypatch.setattr(checker.Checker, "check", check)
    posts = posts_to_check(db, [(i, None) for i in [*QUICK, *HUNG]])

    def should_stop() -> bool:  # every quick post checked and every hung request sent
        return set(QUICK) <= set(finished) and len(providers.hung) >= len(HUNG)

    summary = check_posts(db, posts, load_config(path), should_stop=should_stop)

    assert summary.checked == len(QUICK), summary.line()
    saved = {row[0] for row in db.conn.execute("select post_id from checks")}
    assert saved == set(QUICK)  # the hung ones were cut: no check, still due
    due = db.conn.execute("select count(*) from posts where status = 'pending'").fetchone()[0]
    assert due == len(HUNG)


def test_the_write_lock_is_free_while_the_run_waits_on_the_network(providers, tmp_path, db_path):
    path = tmp_path / "config.toml"
    path.write_text(providers.config_text(), encoding="utf-8")
    db = open_database(db_path)
    posts = posts_to_check(db, [(i, None) for i in [QUICK[0], HUNG[0]]])
    probes: list[bool] = []
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)

    def probe() -> bool:
        """Whether another process could start writing now, without waiting."""
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        other.execute("ROLLBACK")
        return True

    def on_check(record) -> None:  # the quick check is durable: let the hung one answer
        providers.release.set()

    def should_stop() -> bool:  # asked by the saving thread between waits on the network
        probes.append(probe())
        return False

    summary = check_posts(db, posts, load_config(path), on_check=on_check, should_stop=should_stop)
    other.close()
    db.conn.close()
    assert summary.checked == 2
    assert probes and all(probes), probes


def test_a_save_error_ends_the_run_with_one_line(httpserver, tmp_path, db_path):
    fake = FakeX(httpserver)
    config = config_for(fake, tmp_path)
    for post_id in IDS:
        fake.live(post_id, "Cannot be saved")
    writable = open_database(db_path)
    posts = posts_to_check(writable, [(i, None) for i in IDS])
    writable.conn.close()
    readonly = sqlite_utils.Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    with pytest.raises(DatabaseError, match="cannot save the check of post") as raised:
        check_posts(readonly, posts, config)
    assert "\n" not in str(raised.value)
    assert not check_threads()


def test_a_run_from_a_scheduler_thread(httpserver, tmp_path, db_path):
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
            outcome["summary"] = check_posts(db, posts, config)
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            db.conn.close()

    thread = threading.Thread(target=job)
    thread.start()
    thread.join(HANG_GUARD)
    assert "error" not in outcome, outcome
    assert outcome["summary"].statuses["live"] == 4


def test_ctrl_c_keeps_every_reported_check_and_cuts_the_rest(providers, tmp_path):
    stop = lambda pid: os.killpg(pid, signal.SIGINT)  # noqa: E731 (Ctrl-C: the whole group)
    code, printed, err, saved = _stopped_run(providers, tmp_path, stop, len(QUICK))
    assert code == 130, err
    assert err.strip() == "interrupted: every finished check is stored"
    assert all(line.endswith(": live\n") for line in printed), printed
    assert saved == sorted(line.split(":")[0] for line in printed) == sorted(QUICK)


def test_sigterm_commits_the_finished_checks_and_exits_143(providers, tmp_path):
    """SIGTERM to the command alone ends it as ``sys.exit(143)``: the checks finished by
    then (one reported, the other quick ones perhaps not yet) are saved and reported first;
    before, the process died at once and the unreported ones were lost."""
    stop = lambda pid: os.kill(pid, signal.SIGTERM)  # noqa: E731
    code, printed, err, saved = _stopped_run(providers, tmp_path, stop, 1)
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err, err
    assert saved == sorted(line.split(":")[0] for line in printed)
    assert saved and set(saved) <= set(QUICK)


def _stopped_run(
    providers: Providers, tmp_path: Path, stop: Callable[[int], None], reported: int
) -> tuple[int, list[str], str, list[str]]:
    """``archive snapshot`` of the QUICK and HUNG posts, stopped by ``stop`` (given its pid)
    once it printed ``reported`` checks and every hung request is in flight. Its exit code,
    the lines it printed (one per durable check), its stderr and the posts whose check is
    saved."""
    config = tmp_path / "config.toml"
    config.write_text(providers.config_text(), encoding="utf-8")
    db_path, stderr = tmp_path / "archive.db", tmp_path / "stderr.txt"
    common = ["--db", str(db_path), "--config", str(config)]
    with stderr.open("w") as err:  # a file: the process never waits on a full pipe
        process = subprocess.Popen(
            [sys.executable, "-m", "archiver", "snapshot", *QUICK, *HUNG, *common],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,  # a process group of its own, as a terminal would make
        )
    try:
        printed = [process.stdout.readline() for _ in range(reported)]
        for _ in HUNG:  # every hung request is in flight
            assert providers.arrived.acquire(timeout=HANG_GUARD)
        stop(process.pid)
        process.wait(timeout=HANG_GUARD)  # far below the 600 s timeout
        # The rest through the same reader: it may hold lines already (communicate would
        # read past them).
        printed += process.stdout.readlines()
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
    with sqlite3.connect(db_path) as conn:
        saved = sorted(row[0] for row in conn.execute("select post_id from checks"))
    return process.returncode, printed, stderr.read_text(), saved
