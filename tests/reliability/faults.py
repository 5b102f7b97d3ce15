"""Machine faults: kill -9 of real ``archive`` processes at random points, then checks.

Used by ``test_machine_faults.py`` (a short loop) and ``scripts/soak.py`` (a long one).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .hostile import Conn, HostileServer, json_reply, page

ARCHIVE = [sys.executable, "-m", "archiver"]
EMBED = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Post {post} says {words}</p>'
    '&mdash; Person {n} (@person{n}) <a href="https://twitter.com/person{n}/status/{post}">'
    "March 1, 2024</a></blockquote>\n"
)


def article(number: int) -> tuple[str, list[str]]:
    """Article ``number``: 1 to 5 embeds (some posts shared with other articles) and prose."""
    posts = [str(1763000000000000000 + number * 10 + k) for k in range(1 + number % 5)]
    if number % 7 == 0:
        posts.append("1763000000000999999")  # one post embedded in many articles
    prose = "<p>" + "Lorem ipsum dolor sit amet, consectetur. " * 40 + "</p>\n"
    body = "".join(
        prose + EMBED.format(post=post, n=number, words="'); drop table posts; -- <b>x</b>")
        for post in posts
    )
    html = f"<!DOCTYPE html><html><head><title>Article {number}</title></head><body>{body}"
    return html + "</body></html>", posts


def make_site(directory: Path, count: int) -> dict[str, int]:
    """``count`` article files; returns {file URI: number of embeds}."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = {}
    for number in range(count):
        html, posts = article(number)
        path = directory / f"a{number:05d}.html"
        path.write_text(html, encoding="utf-8")
        expected[path.resolve().as_uri()] = len(posts)
    return expected


def site_server(count: int) -> tuple[HostileServer, dict[str, int]]:
    """A server with ``count`` articles, a URL list, and good syndication/oEmbed answers."""
    from fake_x import oembed_json, tweet_json

    routes = {}
    expected = {}
    server = HostileServer(routes)
    for number in range(count):
        html, posts = article(number)
        routes[f"/a/{number}"] = page(html)
        expected[server.url(f"/a/{number}")] = len(posts)
    routes["/urls.txt"] = page("\n".join(expected), "text/plain")

    def select(conn: Conn) -> str:
        if conn.path == "/syn":
            post = conn.query.get("id", [""])[0]
            key = f"syn:{post}"
            if key not in server.routes:
                server.routes[key] = json_reply(tweet_json(post, f"Post {post}"))
            return key
        if conn.path == "/oembed":
            return "oembed"
        return conn.path

    routes["oembed"] = json_reply(oembed_json("1", "x"))
    server.routes.update(routes)
    server.select = select
    return server, expected


@dataclass
class KillStats:
    runs: int = 0
    kills: int = 0
    finished_before_kill: int = 0
    outputs: list[str] = field(default_factory=list)


def write_worker_config(path: Path, server: HostileServer) -> Path:
    """A worker config with fast jobs, pointed at the site server's URL list and endpoints."""
    path.write_text(
        '[fetch]\ntimeout = "3s"\nper_host_delay = "0s"\nretries = 0\n'
        f'[snapshot]\nsyndication_url = "{server.url("/syn")}"\n'
        f'oembed_url = "{server.url("/oembed")}"\nwayback = "never"\n'
        '[worker]\nscan_interval = "0.2s"\nsnapshot_interval = "0.2s"\n'
        f'[[sources]]\nname = "list"\ntype = "urls"\nurl = "{server.url("/urls.txt")}"\n',
        encoding="utf-8",
    )
    return path


def kill_loop(
    command: list[str],
    rounds: int,
    rng: random.Random,
    max_delay: float,
    min_delay: float = 0.05,
    env: dict[str, str] | None = None,
    enough_kills: int | None = None,
) -> KillStats:
    """Start ``command`` up to ``rounds`` times and SIGKILL it (its whole process group, so
    scan's worker processes die too) after a random delay; stop early after ``enough_kills``.

    A run may finish before its kill (the machine got faster than the calibration): asking
    for enough kills over more rounds keeps a test's proof the same whatever the load."""
    stats = KillStats()
    for _ in range(rounds):
        if enough_kills is not None and stats.kills >= enough_kills:
            break
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
        )
        stats.runs += 1
        try:
            process.wait(timeout=rng.uniform(min_delay, max_delay))
            stats.finished_before_kill += 1
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            stats.kills += 1
        stats.outputs.append(process.stderr.read().decode("utf-8", "replace"))
        process.stderr.close()
    return stats


def calibrate(command: list[str], db_path: Path) -> float:
    """Seconds a full uninterrupted run of ``command`` takes (on a scratch archive)."""
    import time

    started = time.monotonic()
    result = run(command)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return elapsed


def run(command: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
