"""What keeping evidence costs the scan's parent process, and the gzip levels behind it.

    python bench/evidence.py [--repeats 3]

1. levels: CPU milliseconds per page and output size of one gzip member per page, zlib at
   level 3 (the writer before issue 15) against ISA-L (python-isal) at levels 0-3, over the
   pages of ``../shared/corpus/real`` (the pages of the embed-heavy mix).
2. parent: CPU seconds of the parent process of ``archive scan DIR`` on the embed-heavy mix
   (``real_corpus.embed_heavy_pages``), with evidence and with ``[archive] evidence =
   false``, alternately; each run in a fresh interpreter, measured around the command with
   ``getrusage(RUSAGE_SELF)`` (the worker processes detect; the parent saves and writes the
   WARC records, serially, so its CPU bounds the scan's wall clock).

Skips with a message when ``../shared/corpus`` is absent.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_corpus import REAL_PAGES, embed_heavy_pages, page_files


def _zlib3(data: bytes) -> bytes:
    compressor = zlib.compressobj(3, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def levels(pages: list[bytes], repeats: int) -> list[str]:
    from isal import isal_zlib

    def isal(level: int):
        return lambda data: isal_zlib.compress(data, level, 31)

    total = sum(map(len, pages))
    lines = [f"{len(pages)} pages, {total / 1e6:.1f} MB (CPU ms per page, best of {repeats})"]
    for name, compress in [("zlib 3", _zlib3)] + [(f"isal {n}", isal(n)) for n in range(4)]:
        best, size = float("inf"), 0
        for _ in range(repeats):
            started = time.process_time()
            size = sum(len(compress(page)) for page in pages)
            best = min(best, time.process_time() - started)
        lines.append(
            f"{name}: {best / len(pages) * 1e3:.2f} ms/page, {total / best / 1e6:.0f} MB/s,"
            f" {size / 1e6:.2f} MB ({size / total:.1%} of the input)"
        )
    return lines


def parent_cpu(pages: Path, evidence: bool) -> float:
    """One ``archive scan`` in a fresh interpreter; the CPU seconds of its parent process."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(pages), "on" if evidence else "off"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.split()[-1])


def one_scan(pages: str, evidence: str) -> None:
    import contextlib
    import io

    from archiver.cli import cli

    work = Path(tempfile.mkdtemp(prefix="archiver-bench-evidence-"))
    config = work / "config.toml"
    config.write_text(f"[archive]\nevidence = {'true' if evidence == 'on' else 'false'}\n")
    before = resource.getrusage(resource.RUSAGE_SELF)
    with contextlib.redirect_stdout(io.StringIO()):
        args = ["scan", pages, "--db", str(work / "a.db"), "--config", str(config)]
        cli.main(args, standalone_mode=False)
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"parent CPU s {used:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_scan(*args.one)
        return
    pages = embed_heavy_pages()
    if pages is None:
        print("skipped: ../shared/corpus is absent")
        return
    real = [p.read_bytes() for p in page_files(REAL_PAGES)]
    print("\n".join(levels(real, args.repeats)))
    runs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.repeats):
        for evidence in (False, True):
            runs[evidence].append(parent_cpu(pages, evidence))
    for evidence, seconds in runs.items():
        listed = ", ".join(f"{s:.2f}" for s in seconds)
        print(
            f"parent CPU s, embed-heavy mix, evidence {'on' if evidence else 'off'}:"
            f" median {statistics.median(seconds):.2f} (runs {listed})"
        )


if __name__ == "__main__":
    main()
