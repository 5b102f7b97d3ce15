"""``archive crawl``: the WARC scan mapped over many files on a Dask cluster.

One task per input file. The task runs on a worker: it reads the WARC, runs the pure
detection, writes one result file into the output directory (shared storage on a real
cluster) and returns the input's manifest entry. The client appends that entry to
``_manifest.jsonl`` as each task completes (the single writer of the manifest), so a
re-run skips inputs already done and a killed run resumes with the rest.

Failures: a file that cannot be opened raises, and Dask retries the task (a shared disk may
come back); after the retries the input is recorded ``failed`` with the error. A file whose
content is not a readable WARC does not raise, since a retry would read the same bytes: it
is recorded ``failed`` (nothing read) or ``partial`` (the pages read are in the result file:
those before the damage, or all but the pages failing their payload digest). Only ``ok``
inputs are skipped by a re-run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clock import utcnow
from .crawl_files import (
    RESULT_FORMAT,
    append_manifest,
    read_manifest,
    remove_temporaries,
    result_name,
    write_results,
)
from .errors import ArchiverError, TargetError
from .models import ScanRecord
from .warc_input import NAME_NOT_UTF8, DamagedRecord, WarcCounts, is_utf8_name, is_warc_path
from .warc_scan import scan_warc_file

if TYPE_CHECKING:
    from distributed import Client

DEFAULT_RETRIES = 2
CONNECT_TIMEOUT = "30s"


class CrawlError(ArchiverError):
    """The cluster cannot be reached or started."""


def crawl_inputs(arguments: Sequence[str]) -> tuple[list[str], list[str]]:
    """Absolute paths of the WARC files named (directories searched recursively), and the
    arguments that name nothing (missing paths, directories without WARC files)."""
    found: list[str] = []
    problems: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files = sorted(str(p) for p in path.rglob("*") if p.is_file() and is_warc_path(p.name))
            found += [os.path.abspath(name) for name in files]
            if not files:
                problems.append(f"{argument}: no WARC, WET, WACZ or ARC files in this directory")
        else:  # a file, or a path only the workers see (shared storage): they report it
            found.append(os.path.abspath(argument))
    # Not sent to the cluster: its messages carry text, and one such name failed every task.
    problems += [f"{name}: {NAME_NOT_UTF8}" for name in found if not is_utf8_name(name)]
    return list(dict.fromkeys(name for name in found if is_utf8_name(name))), problems


def scan_input(path: str, out_dir: str, include_links: bool) -> dict[str, Any]:
    """The task: scan one WARC file into its result file; returns its manifest entry."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    counts = WarcCounts()
    tally = {"pages_with_embeds": 0, "embeds": 0}
    problem: list[str] = []

    def scanned() -> Iterator[ScanRecord]:
        try:
            for record in scan_warc_file(path, include_links, counts):
                if isinstance(record, DamagedRecord):  # not in the results: the input is partial
                    problem.append(record.error)
                    continue
                embeds = sum(embed.method != "link" for embed in record.embeds)
                tally["embeds"] += embeds
                tally["pages_with_embeds"] += bool(embeds)
                yield record
        except TargetError as exc:
            problem.append(str(exc))

    target = Path(out_dir) / result_name(path)
    sha256: str | None = write_results(scanned(), target)
    status = "ok"
    if problem:
        status = "partial" if counts.pages else "failed"
    if status == "failed":
        target.unlink(missing_ok=True)
        sha256 = None
    return {
        "input": path,
        "format": RESULT_FORMAT,
        "status": status,
        "error": _first(problem),
        "result": target.name if sha256 else None,
        "sha256": sha256,
        "records": counts.as_dict(),
        **tally,
        "worker": _worker_address(),
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.thread_time() - cpu_started, 3),  # for cost projections
        "finished_at": utcnow(),
    }


def _first(problems: list[str]) -> str | None:
    """The first problem, and how many more (pages failing their digest, then a cut)."""
    if len(problems) > 1:
        return f"{problems[0]} (and {len(problems) - 1} more error(s) in this input)"
    return problems[0] if problems else None


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # not on a Dask worker
        return "local"


def failed_entry(path: str, exc: BaseException, attempts: int) -> dict[str, Any]:
    """The manifest entry of an input whose task raised on every attempt."""
    if isinstance(exc, OSError) and exc.strerror:
        message = exc.strerror
    else:
        message = f"{exc.__class__.__name__}: {' '.join(str(exc).split())}".rstrip(": ")
    return {
        "input": path,
        "status": "failed",
        "error": f"{path}: {message} (after {attempts} attempt{'s' if attempts > 1 else ''})",
        "result": None,
        "sha256": None,
        "finished_at": utcnow(),
    }


@dataclass
class CrawlSummary:
    """What ``archive crawl`` did, for its progress lines and its closing line."""

    inputs: int = 0
    skipped: int = 0  # already done in an earlier run
    done: int = 0
    failed: int = 0  # failed or partial
    partial: int = 0  # of those, read up to a damaged record (its pages read are kept)
    pages: int = 0
    pages_with_embeds: int = 0
    embeds: int = 0
    seconds: float = 0.0  # wall time of this run
    cpu_seconds: float = 0.0  # CPU time of the tasks
    workers: dict[str, int] = field(default_factory=dict)  # address -> inputs done

    def add(self, entry: dict[str, Any]) -> None:
        self.done += 1
        self.failed += entry["status"] != "ok"
        self.partial += entry["status"] == "partial"
        self.pages += entry.get("records", {}).get("pages", 0)
        self.pages_with_embeds += entry.get("pages_with_embeds", 0)
        self.embeds += entry.get("embeds", 0)
        self.cpu_seconds += entry.get("cpu_seconds", 0.0)
        if entry.get("worker"):
            self.workers[entry["worker"]] = self.workers.get(entry["worker"], 0) + 1


def run_crawl(
    client: Client,
    inputs: Sequence[str],
    out_dir: str,
    *,
    include_links: bool = False,
    retries: int = DEFAULT_RETRIES,
    on_entry: Callable[[dict[str, Any], CrawlSummary], None] = lambda entry, summary: None,
) -> CrawlSummary:
    """Scan every input not yet done in ``out_dir`` on the cluster; each finished input's
    entry is in the manifest before ``on_entry`` sees it."""
    from distributed import as_completed

    started = time.perf_counter()
    done = {path for path, entry in read_manifest(out_dir).items() if entry.get("status") == "ok"}
    todo = [path for path in inputs if path not in done]
    remove_temporaries(out_dir, [result_name(path) for path in todo])  # left by a kill
    summary = CrawlSummary(inputs=len(inputs), skipped=len(inputs) - len(todo))
    futures = {
        client.submit(
            scan_input,
            path,
            out_dir,
            include_links,
            key=f"archive-scan-{Path(path).name}-{uuid.uuid4().hex[:8]}",
            retries=retries,
            pure=False,
        ): path
        for path in todo
    }
    try:
        for future in as_completed(futures):
            path = futures[future]
            if future.status == "finished":
                entry = future.result()
            else:
                entry = failed_entry(path, future.exception(), retries + 1)
            append_manifest(out_dir, entry)
            summary.add(entry)
            summary.seconds = time.perf_counter() - started
            on_entry(entry, summary)
    finally:
        client.cancel(list(futures))
    summary.seconds = time.perf_counter() - started
    return summary


def dask_missing() -> str:
    """How to install Dask into the Python running archiver: from archiver's folder (make
    install does), not from a package index, where another project may hold the name; a
    venv of one's own is not always ``.venv``."""
    import shlex
    import sys

    pip = f"{shlex.quote(sys.executable)} -m pip install -e '.[dask]'"
    return f"archive crawl needs Dask: in archiver's folder, {pip} (make install includes it)"


@contextlib.contextmanager
def open_client(scheduler: str | None, local_workers: int | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of worker processes
    (one thread each: detection holds the GIL)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CrawlError(dask_missing()) from None

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
            raise CrawlError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=local_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # the scheduler always serves HTTP: a free port
            silence_logs=logging.CRITICAL,  # failures are reported once, in the manifest
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
