"""The long kill-loop behind ``make soak`` (not part of the test run).

Repeatedly SIGKILLs ``archive scan`` over a big directory and ``archive worker`` over a local
site at random points, checks the archive after every kill (integrity_check, no duplicate
rows, no half-written article, no orphan embeds), then lets a last run finish and checks that
all the work is done. Prints the figures for "What the archive guarantees" (docs/guarantees.md).

    python scripts/soak.py [--rounds 100] [--files 600] [--articles 120] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests")]

from reliability.faults import (  # noqa: E402
    ARCHIVE,
    calibrate,
    kill_loop,
    make_site,
    run,
    site_server,
    write_worker_config,
)
from reliability.invariants import counts, problems  # noqa: E402


def after_kill(db_path: Path, expected: dict[str, int], previous: dict[str, int]) -> list[str]:
    """Problems of the archive after a kill, including committed rows that went missing."""
    if not db_path.exists():
        return []
    found = problems(db_path, expected)
    now = counts(db_path)
    found += [
        f"{table}: {previous[table]} rows before the kill, {now[table]} after"
        for table in now
        if now[table] < previous.get(table, 0)
    ]
    previous.update(now)
    return found


def soak_scan(work: Path, rounds: int, files: int, rng: random.Random) -> dict:
    expected = make_site(work / "site", files)
    db_path = work / "scan.db"
    command = [*ARCHIVE, "scan", str(work / "site"), "--db", str(db_path)]
    full = calibrate(command, db_path)
    found: list[str] = []
    seen: dict[str, int] = {}
    kills = 0
    for _ in range(rounds):
        stats = kill_loop(command, 1, rng, min_delay=0.1, max_delay=full)
        kills += stats.kills
        found += after_kill(db_path, expected, seen)
    final = run(command, timeout=600)
    found += [] if final.returncode == 0 else [f"final scan failed: {final.stderr[-300:]}"]
    return summary(db_path, expected, found, kills, rounds, check_articles=True)


def soak_worker(work: Path, rounds: int, articles: int, rng: random.Random) -> dict:
    server, expected = site_server(articles)
    db_path = work / "worker.db"
    found: list[str] = []
    seen: dict[str, int] = {}
    kills = 0
    with server:
        config = write_worker_config(work / "worker.toml", server)
        base = [*ARCHIVE, "worker", "--config", str(config), "--db", str(db_path)]
        for _ in range(rounds):
            stats = kill_loop(base, 1, rng, min_delay=0.3, max_delay=4.0)
            kills += stats.kills
            found += after_kill(db_path, expected, seen)
        final = run([*base, "--once"], timeout=600)
        if final.returncode != 0 or "Traceback" in final.stderr:
            found.append(f"final worker run failed: {final.stderr[-300:]}")
    return summary(db_path, expected, found, kills, rounds, check_articles=False)


def summary(
    db_path: Path, expected: dict, found: list[str], kills: int, rounds: int, check_articles: bool
) -> dict:
    """The archive's invariants after the last run, and whether all the work got done."""
    found = found + problems(db_path, expected)
    total = counts(db_path)
    incomplete = total["embeds"] != sum(expected.values()) or (
        check_articles and total["articles"] != len(expected)
    )
    if incomplete:
        found.append(f"work not complete: {total}")
    return {
        "kills": kills,
        "runs": rounds + 1,
        "articles": len(expected),
        "problems": found,
        "counts": total,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100, help="kills per command")
    parser.add_argument("--files", type=int, default=600, help="files in the scanned directory")
    parser.add_argument("--articles", type=int, default=120, help="articles the worker scans")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="archiver-soak-") as tmp:
        scan = soak_scan(Path(tmp), args.rounds, args.files, rng)
        worker = soak_worker(Path(tmp), args.rounds, args.articles, rng)
    minutes = (time.monotonic() - started) / 60
    for name, result in (("archive scan", scan), ("archive worker", worker)):
        print(
            f"{name}: {result['kills']} kill -9 in {result['runs']} runs over "
            f"{result['articles']} articles; final counts {result['counts']}; "
            f"problems: {len(result['problems'])}"
        )
        for problem in result["problems"][:20]:
            print(f"  {problem}")
    lost = len(scan["problems"]) + len(worker["problems"])
    print(
        f"soak: {scan['kills'] + worker['kills']} kill -9 injected in {minutes:.1f} min, "
        f"archive checked after each: {'rows lost: 0' if not lost else f'{lost} problems'}"
    )
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
