"""The clock: UTC ISO-8601 timestamps, as every table stores them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta


def utcnow() -> str:
    """Now, as ``2025-03-18T11:15:05Z``."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def as_timestamp(date: str) -> str:
    """A stored date as a timestamp: a date alone (a WARC record's ``2024-03-02``, as WARC
    1.1 allows) at the start of its day in UTC; a timestamp as it is."""
    return f"{date}T00:00:00Z" if len(date) == len("2024-03-02") else date


def later(seconds: float, start: str | None = None) -> str:
    """``seconds`` after ``start`` (an ISO timestamp; default now), in the same format."""
    base = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else datetime.now(UTC)
    return (base + timedelta(seconds=seconds)).isoformat(timespec="seconds").replace("+00:00", "Z")


def next_rescan(first_seen_at: str, scans_done: int, ladder: Sequence[float]) -> str | None:
    """After ``scans_done`` scans, when the next is due: first seen + ladder step, then never."""
    if scans_done < 1 or scans_done > len(ladder):
        return None
    return later(ladder[scans_done - 1], first_seen_at)
