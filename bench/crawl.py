"""Benchmark of ``archive crawl``: pages/s with 2 local Dask workers against 1, on 8 inputs,
and the WARC readers (FastWARC, warcio) on the crawl corpus.

    python bench/crawl.py [--repeats 3] [--write bench/RESULTS.md]

The inputs are 8 copies of ``../shared/corpus/crawl/news-1000.warc.gz`` (1,000 real article
pages each), or, when the corpus is absent, 8 WARC files of the generated benchmark pages.
Both clusters are started and warmed up (imports done) before the clock starts; a figure is
the wall time of ``run_crawl`` from the first submit to the last manifest line. Runs of 1 and
2 workers alternate, and the speed-up is the median of the ratios of runs made back to back
(the machine is shared: the load drifts). Target: 2 workers ≥ 1.7 × the pages/s of 1 worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
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
    import archiver.detect.html  # Lexbor (selectolax) and the detectors
    import archiver.warc_scan  # noqa: F401


@dataclass
class Runs:
    """One cluster size's runs: wall pages/s, pages per task CPU-second, load before."""

    rates: list[float] = field(default_factory=list)
    per_cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)


def crawl_once(client, inputs: list[Path], out: Path, runs: Runs) -> None:
    from archiver.crawl import run_crawl

    out.mkdir()
    runs.loads.append(os.getloadavg()[0])
    summary = run_crawl(client, [str(p) for p in inputs], str(out))
    assert summary.failed == 0 and summary.done == len(inputs)
    runs.rates.append(summary.pages / summary.seconds)
    runs.per_cpu.append(summary.pages / summary.cpu_seconds)
    shutil.rmtree(out)


def bench_workers(inputs: list[Path], workdir: Path, repeats: int) -> tuple[Runs, Runs]:
    """Runs of ``run_crawl`` on local clusters of 1 and 2 worker processes, alternated
    (1, 2, 1, 2...) so that each pair meets about the same load on a shared machine."""
    from archiver.crawl import open_client

    one, two = Runs(), Runs()
    with open_client(None, 1) as single, open_client(None, 2) as double:
        for client, workers in ((single, 1), (double, 2)):
            client.wait_for_workers(workers)
            client.run(_warm)
        for run in range(repeats):
            crawl_once(single, inputs, workdir / f"out-1-{run}", one)
            crawl_once(double, inputs, workdir / f"out-2-{run}", two)
    return one, two


def runs(values: list[float], digits: int = 0) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def report(readers: dict[str, float], one: Runs, two: Runs, what: str) -> str:
    """The results section: wall-clock pages/s (the speed-up: the median of the ratios of
    runs made back to back) and pages per CPU-second of the tasks (the per-core figure for
    cost projections, less sensitive to a busy machine)."""
    one_rates, one_cpu, one_loads = one.rates, one.per_cpu, one.loads
    two_rates, two_cpu, two_loads = two.rates, two.per_cpu, two.loads
    single, double = statistics.median(one_rates), statistics.median(two_rates)
    per_core = statistics.median(one_cpu + two_cpu)
    ratios = [b / a for a, b in zip(one_rates, two_rates, strict=True)]
    ratio = statistics.median(ratios)
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
            f"| 2 workers ÷ 1 worker, runs back to back (target ≥ {TARGET}; pairs:"
            f" {runs(ratios, 2)}) | {ratio:.2f}"
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
        one, two = bench_workers(inputs, workdir, args.repeats)
    section = report(readers, one, two, what)
    print(section)
    if args.write:
        write_section(args.write, section)


if __name__ == "__main__":
    main()
