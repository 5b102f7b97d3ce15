"""The worker's log lines on a terminal (apart from ``terminal``, which a scan imports:
``logging`` costs a scan's start-up 4 ms)."""

from __future__ import annotations

import logging

from .terminal import visible


class VisibleFormatter(logging.Formatter):
    """Log lines for a terminal (``archive worker``): what X or a page said (tombstone texts,
    URLs, errors) is escaped by ``visible``, line by line, so tracebacks keep their lines."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(visible(line) for line in super().format(record).split("\n"))


class SkippedRuns(logging.Filter):
    """Drops APScheduler's warning that a job's run is skipped because its last run still
    goes on: one run per job at a time is the design (a queue of articles that outlasts
    ``scan_interval`` is scanned by the run in hand), and the line, naming the job by its
    internal name (``Worker.guarded.<locals>.run``), came every interval."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("apscheduler")
            and "maximum number of running instances" in record.getMessage()
        )
