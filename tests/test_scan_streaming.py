"""``archive scan --urls-file`` streams: 100,000 lines take no more memory than 1,000.

Each list mixes real pages (every 100th line, served on 127.0.0.1, stored with their
embeds) with lines that are refused at once (a scheme we do not fetch), so a long list is
cheap to run but still goes through the whole pipeline: reading the list, the window of
work ahead, the fetch threads and the saving. Peak memory is the child's own ``ru_maxrss``
(from ``os.wait4``); nothing here is timed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from pages import embed_page
from reliability import hostile as h

PAGE_EVERY = 100
ARCHIVE = [sys.executable, "-m", "archiver"]
HANG_GUARD = 600


def write_list(path: Path, lines: int, server: h.HostileServer) -> int:
    """A URL list of ``lines`` lines; returns how many of them are real pages."""
    pages = 0
    with open(path, "w", encoding="utf-8") as out:
        for n in range(lines):
            if n % PAGE_EVERY == 0:
                out.write(server.url(f"/a/{n}") + "\n")
                pages += 1
            else:  # refused before any network: "unsupported URL scheme"
                out.write(f"ftp://archive.example/{'long/path/' * 6}{n:06d}.html\n")
    return pages


def scan_peak_kib(urls_file: Path, db_path: Path, config: Path) -> tuple[int, int]:
    """Run ``archive scan --urls-file``; its exit code and its peak resident memory (KiB)."""
    common = ["--db", str(db_path), "--config", str(config)]
    process = subprocess.Popen(
        [*ARCHIVE, "scan", "--urls-file", str(urls_file), "--json", *common],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        process.returncode = 0  # reaped above: keep Popen from waiting again
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss


def test_a_100k_line_url_list_scans_in_bounded_memory(tmp_path, config_file):
    post = "1763000000000000777"
    page = h.page(embed_page(post_id=post, text="Streamed"))
    with h.HostileServer({}) as server:
        server.select = lambda conn: "page"
        server.routes["page"] = page
        peaks = {}
        for lines in (1_000, 100_000):
            urls_file = tmp_path / f"urls-{lines}.txt"
            pages = write_list(urls_file, lines, server)
            db_path = tmp_path / f"archive-{lines}.db"
            code, peaks[lines] = scan_peak_kib(urls_file, db_path, config_file)
            assert code == 1  # the refused lines failed; every page was stored
            with sqlite3.connect(db_path) as db:
                stored = db.execute("select count(*) from articles").fetchone()[0]
                embeds = db.execute("select count(*) from embeds where post_id = ?", [post])
                assert stored == pages and embeds.fetchone()[0] == pages
    # Holding the 100,000 targets (or their results) at once would cost tens of MiB more.
    assert peaks[100_000] - peaks[1_000] < 8 * 1024, peaks


def test_ctrl_c_cuts_the_fetch_in_flight_and_keeps_what_was_saved(tmp_path):
    arrived, release = threading.Event(), threading.Event()

    def hung(conn: h.Conn) -> None:
        arrived.set()
        release.wait(HANG_GUARD)

    quick = h.page(embed_page(post_id="1763000000000000778", text="Before the interruption"))
    with h.HostileServer({"/hung": hung}) as server:
        server.select = lambda conn: conn.path if conn.path == "/hung" else "quick"
        server.routes["quick"] = quick
        urls = [server.url(f"/quick/{n}") for n in range(3)] + [server.url("/hung")]
        urls += [server.url(f"/after/{n}") for n in range(3)]
        config = tmp_path / "config.toml"  # one at a time, and a deadline of 30 minutes
        config.write_text(
            '[fetch]\ntimeout = "600s"\nper_host_delay = "0s"\nretries = 0\nconcurrency = 1\n',
            encoding="utf-8",
        )
        db_path = tmp_path / "archive.db"
        common = ["--db", str(db_path), "--config", str(config), "--json"]
        process = subprocess.Popen(
            [*ARCHIVE, "scan", *urls, *common],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            saved = [json.loads(process.stdout.readline()) for _ in range(3)]  # each: stored
            assert arrived.wait(HANG_GUARD)  # and the fourth is in flight
            os.killpg(process.pid, signal.SIGINT)
            out, err = process.communicate(timeout=HANG_GUARD)  # not the 1,800 s deadline
        finally:
            release.set()
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert out == "" and [line["status"] for line in saved] == ["ok"] * 3
    with sqlite3.connect(db_path) as db:
        stored = sorted(row[0] for row in db.execute("select url from articles"))
    assert stored == sorted(urls[:3])
