"""Run the benchmarks and print (and optionally write) the results table.

    python bench/run.py [--repeats 3] [--write bench/RESULTS.md] [--parts real,startup]

1. scan: ``archive scan DIR --db fresh.db`` as a subprocess (start-up included), against a
   bare loop reading each file and parsing it with ``lxml.html.fromstring`` in this process,
   on three mixes: 5,000 generated pages (the embed count must equal what was generated), the
   real crawl mix (the HTML pages of ``../shared/corpus/crawl/news-1000.warc.gz``) and the
   embed-heavy mix (``../shared/corpus/real`` copied 25×). A real mix is skipped, with a
   message, when ``../shared`` is absent.
2. start-up: ``archive --help`` and ``archive scan ONE_SMALL_FILE``, wall time of 20 runs.
3. memory: peak RSS of the whole ``archive scan`` process tree, 500 vs 5,000 pages.
4. snapshot: CPU time per check of ``check_posts`` on 5,000 posts against a local
   syndication server (one process: its check threads and its saving, ``time.process_time``),
   first checks and unchanged re-checks, against the CPU time per request of a bare loop of
   ``httpx.Client.get`` over the same URLs (the server's own process is not counted).
5. size: archive bytes per post and per unchanged re-check (after VACUUM).

Everything but the real mixes runs on generated data; the network is loopback only.
Medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ensure_corpus
from real_corpus import CRAWL_WARC, crawl_pages, embed_heavy_pages, page_files

NOTES = "## Notes"
median = statistics.median


def archive_env() -> dict[str, str]:
    """The environment for ``archive`` subprocesses: as installed, Python keeps its compiled
    bytecode (a shell with PYTHONDONTWRITEBYTECODE=1 recompiles every module of an editable
    install on each start, about 35 ms)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def archive_command() -> list[str]:
    script = Path(sys.executable).parent / "archive"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archiver"]


# --- 1. scan ------------------------------------------------------------------------------


def bare_parse_loop(files: list[Path]) -> tuple[float, float]:
    """Read and parse each file in this process: (wall seconds, CPU seconds)."""
    import lxml.html

    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        lxml.html.fromstring(path.read_bytes())
    return time.perf_counter() - start, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and their children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_scan(
    pages: Path,
    workdir: Path,
    sample_rss: bool = False,
    some_may_fail: bool = False,
    config: Path | None = None,
) -> tuple[float, int, Path, float]:
    """Time ``archive scan`` end to end; returns (seconds, peak tree RSS or 0, db path, CPU
    seconds of the whole process tree). ``some_may_fail``: exit status 1 (some pages
    refused, e.g. empty) is not an error."""
    db = workdir / "fresh.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(workdir / "fresh-warc", ignore_errors=True)
    command = [*archive_command(), "scan", str(pages), "--db", str(db)]
    command += ["--config", str(config)] if config else []
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, env=archive_env())
    peak = 0
    if sample_rss:
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.005)
    rc = proc.wait()
    elapsed = time.perf_counter() - start
    if rc != 0 and not (some_may_fail and rc == 1):
        raise SystemExit(f"archive scan failed with exit code {rc}")
    return elapsed, peak, db, children_cpu() - cpu


def count_embeds(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        embeds = conn.execute("select count(*) from embeds where method != 'link'").fetchone()[0]
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    return embeds, articles


def bench_scan(n: int, repeats: int, workdir: Path) -> dict:
    pages, manifest = ensure_corpus(n)
    files = sorted(pages.rglob("*.html"))
    bare_parse_loop(files[:200])  # warm the page cache and lxml
    for path in files:
        path.read_bytes()
    runs = [_side_by_side(files, pages, workdir) for _ in range(repeats)]
    embeds, articles = count_embeds(runs[-1]["db"])
    assert articles == n, f"{articles} articles stored, {n} pages scanned"
    assert embeds == manifest["embeds"], f"{embeds} embeds found, {manifest['embeds']} made"
    return {"manifest": manifest, **_columns(runs)}


def _side_by_side(files: list[Path], pages: Path, workdir: Path) -> dict:
    """One run of each: the bare loop, then ``archive scan`` of the same files (``pages``: a
    directory of them, or the WARC file they were laid out from)."""
    base, base_cpu = bare_parse_loop(files)
    ours, _, db, ours_cpu = run_scan(pages, workdir, some_may_fail=True)
    return {"base": base, "base_cpu": base_cpu, "ours": ours, "ours_cpu": ours_cpu, "db": db}


def _columns(runs: list[dict]) -> dict:
    return {key: [run[key] for run in runs] for key in ("base", "base_cpu", "ours", "ours_cpu")}


def bench_mix(pages: Path, repeats: int, workdir: Path, scanned: Path | None = None) -> dict:
    """A real mix: ``archive scan DIR`` (or of ``scanned``, the WARC file the pages came
    from) and the bare loop over the same files, alternately."""
    files = page_files(pages)
    bare_parse_loop(files[:50])
    size = sum(len(path.read_bytes()) for path in files)  # also warms the page cache
    runs = [_side_by_side(files, scanned or pages, workdir) for _ in range(repeats)]
    embeds, articles = count_embeds(runs[-1]["db"])
    return {
        "files": len(files),
        "bytes": size,
        "embeds": embeds,
        "articles": articles,
        **_columns(runs),
    }


def bench_evidence(pages: Path, repeats: int, workdir: Path) -> dict:
    """``archive scan DIR`` with evidence (WARC records of the pages with embeds) and with
    ``[archive] evidence = false``, alternately, over the same files."""
    on, off = workdir / "evidence-on.toml", workdir / "evidence-off.toml"
    on.write_text("[archive]\nevidence = true\n")
    off.write_text("[archive]\nevidence = false\n")
    page_files(pages)  # warm the page cache
    kept, skipped = [], []
    for _ in range(repeats):
        skipped.append(run_scan(pages, workdir, some_may_fail=True, config=off)[0])
        seconds, _, db, _ = run_scan(pages, workdir, some_may_fail=True, config=on)
        kept.append(seconds)
    with sqlite3.connect(db) as conn:
        records = conn.execute("select count(*) from records").fetchone()[0]
    warc_bytes = sum(p.stat().st_size for p in (workdir / "fresh-warc").glob("*.warc.gz"))
    return {"with": kept, "without": skipped, "records": records, "warc_bytes": warc_bytes}


def evidence_rows(name: str, result: dict | None) -> tuple[list[tuple], str]:
    if result is None:
        return [(f"scan with evidence, {name}", "skipped", "", "", "≥ 0.9", "not run")], (
            f"evidence, {name}: skipped (../shared/corpus is absent)"
        )
    with_s, without_s = median(result["with"]), median(result["without"])
    ratio = without_s / with_s
    row = (
        f"scan with evidence, {name} (speed vs evidence = false), s",
        f"{with_s:.2f}",
        f"{without_s:.2f}",
        f"{ratio:.2f}",
        "≥ 0.9",
        yes(ratio >= 0.9),
    )
    runs = (
        f"evidence, {name} runs (s): with {seconds_list(result['with'])}; without "
        f"{seconds_list(result['without'])}; {result['records']} records, "
        f"{result['warc_bytes'] / 1e6:.1f} MB of WARC"
    )
    return [row], runs


SMALL_PAGE = """<!doctype html><html><head><title>Council vote</title></head><body>
<p>The council voted on Tuesday.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Seven votes for safer streets.</p>
&mdash; Anna Lindqvist (@annalind)
<a href="https://twitter.com/annalind/status/1767000000000000001">March 11, 2024</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js"></script></body></html>
"""


def timed_runs(command: list[str], runs: int, cwd: Path) -> dict[str, list[float]]:
    """Wall and CPU (user + system) seconds of each of ``runs`` runs of a command."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True, env=archive_env())
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def bench_startup(workdir: Path, runs: int = 20) -> dict:
    """``archive --help``, ``archive scan`` of one small page into an existing archive, and a
    bare interpreter importing lxml (the floor)."""
    page = workdir / "small.html"
    page.write_text(SMALL_PAGE)
    scan = [*archive_command(), "scan", str(page), "--db", str(workdir / "startup.db")]
    timed_runs(scan, 1, workdir)  # creates the archive (and the bytecode); the runs open it
    return {
        "help": timed_runs([*archive_command(), "--help"], runs, workdir),
        "scan": timed_runs(scan, runs, workdir),
        "floor": timed_runs([sys.executable, "-c", "import lxml.etree"], runs, workdir),
    }


def bench_memory(small: int, large: int, workdir: Path) -> dict:
    peaks = {}
    for n in (small, large):
        pages, _ = ensure_corpus(n)
        peaks[n] = max(run_scan(pages, workdir, sample_rss=True)[1] for _ in range(2))
    if CRAWL_WARC.exists():  # the crawl's WARC file itself, as `archive scan FILE.warc.gz`
        peaks["warc"] = run_scan(CRAWL_WARC, workdir, sample_rss=True, some_may_fail=True)[1]
    return peaks


# --- 3 and 4. snapshots -----------------------------------------------------------------


def start_server():
    from syndication_server import serve

    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    proc.start()
    return proc, queue.get(timeout=10)


def snapshot_config(port: int):
    from archiver.config import Config, FetchConfig, SnapshotConfig

    return Config(
        fetch=FetchConfig(per_host_delay=0.0),
        snapshot=SnapshotConfig(
            syndication_url=f"http://127.0.0.1:{port}/tweet-result",
            oembed_url=f"http://127.0.0.1:{port}/oembed",
            wayback="never",
            # One request per check, as the bare loop makes: the replies name photos on
            # pbs.twimg.com, which a bench must not fetch (and the baseline would not).
            media="none",
        ),
    )


def post_ids(n: int) -> list[str]:
    return [str(1_500_000_000_000_000_000 + i * 7_919_000_001) for i in range(n)]


def fresh_archive(path: Path, ids: list[str]):
    from archiver.db import open_database, posts_to_check

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    return db, posts_to_check(db, [(i, None) for i in ids])


def archive_bytes(db, optimize_fts: bool = False) -> int:
    """Size of the archive once compacted (VACUUM, WAL checkpointed); with ``optimize_fts``
    the full-text indexes are merged first (what FTS5 automerge does over time)."""
    if optimize_fts:
        with db.conn:
            for table in ("posts_fts", "embeds_fts"):
                db.conn.execute(f"insert into {table}({table}) values ('optimize')")
    db.conn.execute("vacuum")
    db.conn.execute("pragma wal_checkpoint(truncate)")
    page_size = db.conn.execute("pragma page_size").fetchone()[0]
    return db.conn.execute("pragma page_count").fetchone()[0] * page_size


def bare_fetch(urls: list[str]) -> float:
    """CPU seconds of a bare ``httpx.Client.get`` loop (keep-alive) over ``urls``."""
    import httpx

    with httpx.Client() as client:
        start = time.process_time()
        for url in urls:
            client.get(url).raise_for_status()
        return time.process_time() - start


def bare_fetch_threads(urls: list[str], threads: int) -> float:
    """CPU seconds of the same loop in ``threads`` threads sharing one client, as many as a
    snapshot run's check threads: what the threads alone cost (each switch of Python's
    global lock between them costs CPU), before any work of ours."""
    import threading

    import httpx

    pending = iter(urls)
    lock = threading.Lock()

    def fetch_all(client: httpx.Client) -> None:
        while True:
            with lock:
                url = next(pending, None)
            if url is None:
                return
            client.get(url).raise_for_status()

    with httpx.Client(limits=httpx.Limits(max_connections=threads * 2)) as client:
        workers = [threading.Thread(target=fetch_all, args=(client,)) for _ in range(threads)]
        start = time.process_time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.process_time() - start


def bench_snapshot(n: int, repeats: int, workdir: Path) -> dict:
    from archiver.db import posts_to_check
    from archiver.snapshot.providers import request_url, syndication_request
    from archiver.snapshot.run import check_posts

    server, port = start_server()
    try:
        config = snapshot_config(port)
        ids = post_ids(n)
        urls = [request_url(*syndication_request(config.snapshot.syndication_url, i)) for i in ids]
        ours, again_cpu, base, threaded, walls = [], [], [], [], []
        for _ in range(repeats):
            base.append(bare_fetch(urls))
            threaded.append(bare_fetch_threads(urls, config.fetch.concurrency))
            db, posts = fresh_archive(workdir / "snap.db", ids)
            start, wall = time.process_time(), time.perf_counter()
            summary = check_posts(db, posts, config)
            ours.append(time.process_time() - start)
            walls.append(time.perf_counter() - wall)
            assert summary.checked == n and summary.statuses["live"] == n, summary.line()
            assert summary.snapshots == n, summary.line()
            posts = posts_to_check(db, [(i, None) for i in ids])  # re-read, as a new run would
            start = time.process_time()
            again = check_posts(db, posts, config)  # unchanged content: checks rows only
            again_cpu.append(time.process_time() - start)
            assert again.snapshots == 0, again.line()
            db.conn.close()
        sizes = snapshot_sizes(ids, config, workdir)
    finally:
        server.terminate()
        server.join()
    return {
        "ours": ours,
        "again": again_cpu,
        "base": base,
        "threaded": threaded,
        "threads": config.fetch.concurrency,
        "walls": walls,
        "sizes": sizes,
    }


def snapshot_sizes(ids: list[str], config, workdir: Path) -> dict[str, float]:
    """Archive bytes per post: after one run, and per unchanged re-check (after VACUUM)."""
    from archiver.db import posts_to_check
    from archiver.snapshot.run import check_posts

    n = len(ids)
    db, posts = fresh_archive(workdir / "snap.db", ids)
    empty = archive_bytes(db)
    check_posts(db, posts, config)
    first = archive_bytes(db, optimize_fts=True)
    check_posts(db, posts_to_check(db, [(i, None) for i in ids]), config)
    rechecked = archive_bytes(db)
    merged = archive_bytes(db, optimize_fts=True)
    schema = archive_bytes_of_schema(workdir)
    db.conn.close()
    return {
        "posts_only": (empty - schema) / n,
        "per_post": (first - schema) / n,
        "per_snapshot": (first - empty) / n,
        "per_recheck": (rechecked - first) / n,
        "per_recheck_merged": (merged - first) / n,
    }


def archive_bytes_of_schema(workdir: Path) -> int:
    from archiver.db import open_database

    path = workdir / "schema.db"
    if not path.exists():
        open_database(path).conn.close()
    db = open_database(path)
    try:
        return archive_bytes(db)
    finally:
        db.conn.close()


# --- report -------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import sqlite3 as sq

    import lxml.etree

    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"lxml {'.'.join(map(str, lxml.etree.LXML_VERSION))} "
        f"(libxml2 {'.'.join(map(str, lxml.etree.LIBXML_VERSION))}); SQLite {sq.sqlite_version}"
    )


def table(rows: list[tuple]) -> str:
    head = ("figure", "ours", "baseline", "ratio", "target", "met?")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def yes(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def seconds_list(values: list[float]) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def generated_rows(scan: dict) -> tuple[list[tuple], str]:
    n, mb = scan["manifest"]["pages"], scan["manifest"]["bytes"] / 1e6
    ours_s, base_s = median(scan["ours"]), median(scan["base"])
    ratio = base_s / ours_s
    rows = [
        (
            f"scan {n} generated pages ({mb:.0f} MB), s",
            f"{ours_s:.2f}",
            f"{base_s:.2f}",
            f"{ratio:.2f}",
            "≥ 1.0",
            yes(ratio >= 1.0),
        ),
        cpu_row(scan),
        ("scan pages/s", f"{n / ours_s:.0f}", f"{n / base_s:.0f}", "", "", ""),
        ("scan MB/s", f"{mb / ours_s:.0f}", f"{mb / base_s:.0f}", "", "", ""),
    ]
    runs = f"generated {run_lines(scan)}\ncorpus: {scan['manifest']}; embeds found = generated"
    return rows, runs


def cpu_row(runs: dict) -> tuple:
    """CPU seconds of the whole ``archive scan`` process tree against the bare loop's: what
    a busy machine cannot distort (wall time on a shared machine depends on the load)."""
    ours, base = median(runs["ours_cpu"]), median(runs["base_cpu"])
    return (
        "  the same, CPU s (all processes)",
        f"{ours:.2f}",
        f"{base:.2f}",
        f"{base / ours:.2f}",
        "",
        "",
    )


def run_lines(runs: dict) -> str:
    return (
        f"runs, wall s: ours {seconds_list(runs['ours'])}; bare parse "
        f"{seconds_list(runs['base'])}; CPU s: ours {seconds_list(runs['ours_cpu'])}; "
        f"bare parse {seconds_list(runs['base_cpu'])}"
    )


MIX_TARGETS = {"real crawl mix": 3.0, "embed-heavy mix": 1.5, "crawl's WARC file": None}


def mix_rows(name: str, mix: dict | None) -> tuple[list[tuple], str]:
    target = MIX_TARGETS[name]
    wanted = f"≥ {target}" if target else "(for reference)"
    if mix is None:
        return [(f"scan, {name}", "skipped", "", "", wanted, "not run")], (
            f"{name}: skipped (../shared/corpus is absent)"
        )
    ours_s, base_s = median(mix["ours"]), median(mix["base"])
    ratio = base_s / ours_s
    label = f"scan, {name} ({mix['files']} pages, {mix['bytes'] / 1e6:.0f} MB), s"
    rows = [
        (
            label,
            f"{ours_s:.2f}",
            f"{base_s:.2f}",
            f"{ratio:.2f}",
            wanted,
            yes(ratio >= target) if target else "",
        ),
        cpu_row(mix),
    ]
    runs = f"{name} {run_lines(mix)}; {mix['articles']} articles stored, {mix['embeds']} embeds"
    return rows, runs


def startup_rows(startup: dict) -> tuple[list[tuple], str]:
    scan, help_, floor = (startup[k] for k in ("scan", "help", "floor"))
    scan_s, help_s, floor_s = (median(x["wall"]) for x in (scan, help_, floor))
    rows = [
        (
            "`archive scan ONE_SMALL_FILE`, wall s (median of 20)",
            f"{scan_s:.3f}",
            f"{floor_s:.3f} (python + lxml)",
            "",
            "≤ 0.15",
            yes(scan_s <= 0.15),
        ),
        (
            "`archive --help`, wall s (median of 20)",
            f"{help_s:.3f}",
            "",
            "",
            "≤ 0.10",
            yes(help_s <= 0.10),
        ),
    ]
    spread = "; ".join(
        f"{name} wall {min(x['wall']):.3f}/{median(x['wall']):.3f}/{max(x['wall']):.3f}, "
        f"CPU {median(x['cpu']):.3f}"
        for name, x in (("scan", scan), ("--help", help_), ("python+lxml", floor))
    )
    return rows, f"start-up (s; wall min/median/max of 20, median CPU): {spread}"


def memory_rows(memory: dict, small: int, large: int) -> tuple[list[tuple], str]:
    rss_small, rss_large = memory[small] / 2**20, memory[large] / 2**20
    growth = rss_large - rss_small
    rows = [
        (
            f"peak RSS, MiB ({large} vs {small} pages)",
            f"{rss_large:.0f}",
            f"{rss_small:.0f}",
            f"+{growth:.1f} MiB",
            "< +20 MB",
            yes(growth * 2**20 < 20e6),
        )
    ]
    line = f"peak RSS (MiB): {small} pages {rss_small:.1f}, {large} pages {rss_large:.1f}"
    if "warc" in memory:
        warc = memory["warc"] / 2**20
        rows.append(
            (
                "peak RSS, MiB, `archive scan` of the crawl's WARC file",
                f"{warc:.0f}",
                "",
                "",
                "< 150 MB",
                yes(memory["warc"] < 150e6),
            )
        )
        line += f", crawl WARC {warc:.1f}"
    else:
        rows.append(
            (
                "peak RSS, `archive scan` of the crawl's WARC file",
                "skipped",
                "",
                "",
                "< 150 MB",
                "not run",
            )
        )
        line += ", crawl WARC skipped (../shared/corpus is absent)"
    return rows, line


def snapshot_rows(snap: dict, posts: int) -> tuple[list[tuple], str]:
    # CPU milliseconds per check (ours: the whole process) and per bare request.
    first, again, base, threaded = (
        median(snap[key]) * 1000 / posts for key in ("ours", "again", "base", "threaded")
    )
    sizes = snap["sizes"]
    rows = [
        (
            f"snapshot {posts} posts, CPU ms per first check (one process)",
            f"{first:.2f}",
            f"{base:.2f}",
            f"{first / base:.2f}",
            "≤ 2.0",
            yes(first / base <= 2.0),
        ),
        (
            "snapshot, CPU ms per unchanged re-check (one process)",
            f"{again:.2f}",
            f"{base:.2f}",
            f"{again / base:.2f}",
            "≤ 2.0",
            yes(again / base <= 2.0),
        ),
        (
            f"bare loop in {snap['threads']} threads (a run's check threads; for reference)",
            f"{threaded:.2f}",
            f"{base:.2f}",
            f"{threaded / base:.2f}",
            "",
            "",
        ),
        (
            "snapshot posts/s (wall clock, for reference)",
            f"{posts / median(snap['walls']):.0f}",
            "",
            "",
            "",
            "",
        ),
        ("bytes per post (row + snapshot + check)", f"{sizes['per_post']:.0f}", "", "", "", ""),
        (
            "bytes per unchanged re-check (after FTS merge)",
            f"{sizes['per_recheck_merged']:.0f}",
            "",
            "",
            "< 200",
            yes(sizes["per_recheck_merged"] < 200),
        ),
        (
            "bytes per unchanged re-check (before FTS merge)",
            f"{sizes['per_recheck']:.0f}",
            "",
            "",
            "< 200",
            yes(sizes["per_recheck"] < 200),
        ),
    ]
    runs = (
        f"snapshot runs (CPU s): first checks {seconds_list(snap['ours'])}; "
        f"re-checks {seconds_list(snap['again'])}; bare httpx loop {seconds_list(snap['base'])}; "
        f"in {snap['threads']} threads {seconds_list(snap['threaded'])}; "
        f"first checks wall clock {seconds_list(snap['walls'])}\n"
        f"archive bytes: post row {sizes['posts_only']:.0f}, first snapshot + check "
        f"{sizes['per_snapshot']:.0f}, re-check {sizes['per_recheck']:.0f} before and "
        f"{sizes['per_recheck_merged']:.0f} after the FTS merge (all after VACUUM)"
    )
    return rows, runs


PARTS = ("generated", "real", "evidence", "startup", "memory", "snapshot")


def run_parts(args: argparse.Namespace, workdir: Path) -> tuple[list[tuple], list[str]]:
    """Run the chosen parts in order; each gives table rows and a line of raw figures."""
    results: list[tuple[list[tuple], str]] = []
    if "generated" in args.parts:
        print(f"generated mix: {args.pages} pages (generated once, cached)", flush=True)
        results.append(generated_rows(bench_scan(args.pages, args.repeats, workdir)))
    if "real" in args.parts:
        for name, pages in (
            ("real crawl mix", crawl_pages()),
            ("embed-heavy mix", embed_heavy_pages()),
        ):
            print(f"{name}: {pages or 'skipped, ../shared/corpus is absent'}", flush=True)
            mix = bench_mix(pages, args.repeats, workdir) if pages else None
            results.append(mix_rows(name, mix))
        # The same crawl pages as `archive scan FILE.warc.gz`: read in the command, detected
        # in its worker processes (the bare loop parses the pages laid out as files).
        pages = crawl_pages()
        print(f"crawl's WARC file: {CRAWL_WARC if pages else 'skipped'}", flush=True)
        mix = bench_mix(pages, args.repeats, workdir, CRAWL_WARC) if pages else None
        results.append(mix_rows("crawl's WARC file", mix))
    if "evidence" in args.parts:
        for name, pages in (
            ("real crawl mix", crawl_pages()),
            ("embed-heavy mix", embed_heavy_pages()),
        ):
            print(f"scan with evidence, {name}: {pages or 'skipped'}", flush=True)
            result = bench_evidence(pages, args.repeats, workdir) if pages else None
            results.append(evidence_rows(name, result))
    if "startup" in args.parts:
        print("start-up", flush=True)
        results.append(startup_rows(bench_startup(workdir)))
    if "memory" in args.parts:
        print(f"memory: {args.small} vs {args.pages} pages", flush=True)
        memory = bench_memory(args.small, args.pages, workdir)
        results.append(memory_rows(memory, args.small, args.pages))
    if "snapshot" in args.parts:
        print("snapshots", flush=True)
        results.append(snapshot_rows(bench_snapshot(args.posts, args.repeats, workdir), args.posts))
    return [row for rows, _ in results for row in rows], [runs for _, runs in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", metavar="FILE", help="also write the results (markdown)")
    parser.add_argument(
        "--parts",
        type=lambda value: value.split(","),
        default=list(PARTS),
        help=f"comma-separated subset of {','.join(PARTS)} (default: all)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="archiver-bench-run-"))
    try:
        rows, runs = run_parts(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    runs.append(f"total benchmark time {time.perf_counter() - started:.0f} s")
    raw = "\n".join(runs)
    report = f"{machine()}\n\n{table(rows)}\n\n{raw}\n"
    print("\n" + report)
    if args.write:  # the hand-written notes (from "## Notes" on) are kept
        out = Path(args.write)
        old = out.read_text() if out.exists() else ""
        notes = old[old.find(NOTES) :] if NOTES in old else ""
        out.write_text(
            f"# Benchmark results\n\n`make bench` ({time.strftime('%Y-%m-%d')})"
            f"; medians of {args.repeats} runs.\n\n```\n{raw}\n```\n\n"
            f"{machine()}\n\n{table(rows)}\n\n{notes}"
        )
    failed = [row[0] for row in rows if row[5] == "**NO**"]
    if failed:  # reported, not an error: bench/RESULTS.md says which and why
        print("targets not met: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
