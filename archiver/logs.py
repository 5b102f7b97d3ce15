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
