"""The worker's scan job is ``run_scan`` over its due articles: scanned with their source and
next rescan, and a stop starts nothing new while the fetch in hand finishes and is saved."""

from __future__ import annotations

import threading

from pages import embed_page
from reliability import hostile as h

from archiver.config import load_config
from archiver.db import enqueue_articles, open_database
from archiver.worker import Worker

HANG_GUARD = 120


def test_the_scan_job_saves_what_it_fetched_and_stops_without_starting_more(tmp_path):
    arrived, release = threading.Event(), threading.Event()
    first: list[str] = []

    def page(conn: h.Conn) -> None:
        """The first page asked for answers once the test lets it; the others at once."""
        if not first:
            first.append(conn.path)
            arrived.set()
            release.wait(HANG_GUARD)
        h.page(embed_page(post_id="1763000000000000888", text="Queued"))(conn)

    with h.HostileServer({}) as server:
        server.select = lambda conn: "page"
        server.routes["page"] = page
        config_path = tmp_path / "worker.toml"
        config_path.write_text(
            '[fetch]\ntimeout = "600s"\nper_host_delay = "0s"\nretries = 0\nconcurrency = 1\n',
            encoding="utf-8",
        )
        db_path = tmp_path / "archive.db"
        db = open_database(db_path)
        urls = [server.url(f"/story/{n}") for n in range(40)]
        assert enqueue_articles(db, urls, "feed") == len(urls)
        worker = Worker(str(db_path), load_config(config_path))
        done: list[int] = []
        job = threading.Thread(target=lambda: done.append(worker.scan_due()))
        job.start()
        assert arrived.wait(HANG_GUARD)  # the first fetch is in hand
        worker.stop.set()  # SIGTERM
        release.set()
        job.join(HANG_GUARD)
        assert not job.is_alive()

    assert done == [1]
    scanned = db.conn.execute(
        "select url, source, scan_count, next_scan_at from articles where scan_count > 0"
    ).fetchall()
    assert len(scanned) == 1
    url, source, count, next_scan = scanned[0]
    assert url.endswith(first[0]) and source == "feed" and count == 1 and next_scan
    assert db.conn.execute("select count(*) from embeds").fetchone()[0] == 1
    waiting = db.conn.execute("select count(*) from articles where scan_count = 0").fetchone()[0]
    assert waiting == len(urls) - 1  # never started: still queued for the next run
    assert worker.counts.articles_scanned == 1 and worker.counts.errors == 0
    db.conn.close()
