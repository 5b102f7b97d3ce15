"""The worker's log lines on a terminal (apart from ``terminal``, which a scan imports:
``logging`` costs a scan's start-up 4 ms)."""

from __future__ import annotations

import logging
from typing import Any

from .terminal import visible
from .urls import without_password


class VisibleFormatter(logging.Formatter):
    """Log lines for a terminal (``archive worker``): what X or a page said (tombstone texts,
    URLs, errors) is escaped by ``visible``, and an address's password left out
    (``without_password``: a source's address may carry one), a traceback's lines too (its
    last repeats the error). A record's message is one line, whatever it quotes (a line
    break in a source's name); a traceback after it keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return visible(without_password(super().formatMessage(record)))

    def formatException(self, ei: Any) -> str:
        return _lines_visible(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _lines_visible(super().formatStack(stack_info))


def _lines_visible(text: str) -> str:
    return "\n".join(visible(without_password(line)) for line in text.split("\n"))


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
