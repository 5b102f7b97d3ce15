"""Benchmark of ``archive crawl``: pages/s with 2 local Dask workers against 1, on 8 inputs,
and the WARC readers (FastWARC, warcio) on the crawl corpus.

    python bench/crawl.py [--repeats 3] [--write bench/RESULTS.md]

The inputs are 8 copies of ``../shared/corpus/crawl/news-1000.warc.gz`` (1,000 real article
pages each), or, when the corpus is absent, 8 WARC files of the generated benchmark pages.
Each cluster is started and warmed up (imports done) before the clock starts; the figure is
the wall time of ``run_crawl`` from the first submit to the last manifest line. Medians of
``--repeats`` runs. Target: 2 workers ≥ 1.7 × the pages/s of 1 worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "crawl" / "news-1000.warc.gz"
SECTION = "## Crawl on Dask (bench/crawl.py)"
INPUTS = 8
TARGET = 1.7


def make_inputs(workdir: Path) -> tuple[list[Path], str]:
    workdir.mkdir(parents=True, exist_ok=True)
    if CORPUS.exists():
        paths = [workdir / f"news-{i}.warc.gz" for i in range(INPUTS)]
        for path in paths:
            shutil.copyfile(CORPUS, path)
        return paths, "8 copies of the crawl corpus (1,000 real article pages each)"
    return generated_inputs(workdir), "8 WARC files of 250 generated pages each (no corpus)"


def generated_inputs(workdir: Path) -> list[Path]:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import ensure_corpus

    pages = sorted(ensure_corpus(INPUTS * 250)[0].glob("*.html"))
    paths = []
    for index in range(INPUTS):
        path = workdir / f"generated-{index}.warc.gz"
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for number, page in enumerate(pages[index::INPUTS]):
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(
                        f"https://news.example.org/{index}/{number}",
                        "response",
                        payload=io.BytesIO(page.read_bytes()),
                        http_headers=http,
                    )
                )
        paths.append(path)
    return paths


def read_all_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator

    count = 0
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, parse_http=True, auto_decode="none"):
            count += len(record.reader.read()) > 0
    return count


def read_all_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            count += len(record.content_stream().read()) > 0
    return count


def bench_readers(path: Path, repeats: int) -> dict[str, float]:
    timings: dict[str, list[float]] = {"fastwarc": [], "warcio": []}
    for _ in range(repeats):
        for name, read in (("fastwarc", read_all_fastwarc), ("warcio", read_all_warcio)):
            start = time.perf_counter()
            read(path)
            timings[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def _warm() -> None:
    import archiver.detect.html  # lxml and the detectors
    import archiver.warc_scan  # noqa: F401


def bench_workers(
    workers: int, inputs: list[Path], workdir: Path, repeats: int
) -> tuple[list[float], list[float], list[float]]:
    """pages/s of each run of ``run_crawl`` with a local cluster of ``workers`` processes,
    pages per CPU-second of its tasks, and the load average before each run."""
    from archiver.crawl import open_client, run_crawl

    rates, per_cpu, loads = [], [], []
    with open_client(None, workers) as client:
        client.wait_for_workers(workers)
        client.run(_warm)
        for run in range(repeats):
            out = workdir / f"out-{workers}-{run}"
            out.mkdir()
            loads.append(os.getloadavg()[0])
            summary = run_crawl(client, [str(p) for p in inputs], str(out))
            assert summary.failed == 0 and summary.done == len(inputs)
            rates.append(summary.pages / summary.seconds)
            per_cpu.append(summary.pages / summary.cpu_seconds)
            shutil.rmtree(out)
    return rates, per_cpu, loads


def runs(values: list[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def report(readers: dict[str, float], one: tuple, two: tuple, what: str) -> str:
    """The results section: wall-clock pages/s (the speed-up) and pages per CPU-second of
    the tasks (the per-core figure for cost projections, less sensitive to a busy machine)."""
    (one_rates, one_cpu, one_loads), (two_rates, two_cpu, two_loads) = one, two
    single, double = statistics.median(one_rates), statistics.median(two_rates)
    per_core = statistics.median(one_cpu + two_cpu)
    ratio = double / single
    return "\n".join(
        [
            SECTION,
            "",
            f"`python bench/crawl.py` ({time.strftime('%Y-%m-%d %H:%M')}); inputs: {what};"
            f" medians of {len(one_rates)} runs; {os.cpu_count()} cores.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| read news-1000.warc.gz, FastWARC (s) | {readers['fastwarc']:.2f} |",
            f"| read news-1000.warc.gz, warcio (s) | {readers['warcio']:.2f} |",
            f"| 1 worker, pages/s (runs: {runs(one_rates)}; load before: {runs(one_loads, 1)})"
            f" | {single:.0f} |",
            f"| 2 workers, pages/s (runs: {runs(two_rates)}; load before: {runs(two_loads, 1)})"
            f" | {double:.0f} |",
            f"| 2 workers ÷ 1 worker (target ≥ {TARGET}) | {ratio:.2f}"
            f" ({'met' if ratio >= TARGET else 'not met'}) |",
            f"| pages per CPU-second of a task (per core; runs: {runs(one_cpu + two_cpu)})"
            f" | {per_core:.0f} |",
            f"| core-hours per million pages, at {per_core:.0f} pages per core-second |"
            f" {1e6 / per_core / 3600:.2f} |",
            "",
        ]
    )


def write_section(path: Path, section: str) -> None:
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    if SECTION in old:
        start = old.index(SECTION)
        end = old.find("\n## ", start + len(SECTION))
        old = old[:start].rstrip("\n") + ("\n\n" + old[end + 1 :] if end != -1 else "")
    path.write_text(old.rstrip("\n") + "\n\n" + section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help="Update this results file's crawl section.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archiver-crawl-bench-") as tmp:
        workdir = Path(tmp)
        inputs, what = make_inputs(workdir / "inputs")
        readers = bench_readers(inputs[0], args.repeats)
        one = bench_workers(1, inputs, workdir, args.repeats)
        two = bench_workers(2, inputs, workdir, args.repeats)
    section = report(readers, one, two, what)
    print(section)
    if args.write:
        write_section(args.write, section)


if __name__ == "__main__":
    main()
