"""What ``archive`` prints: per-article lines or JSON, a progress bar on a terminal, summaries."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from .scan import ScanOutcome, ScanTotals

if TYPE_CHECKING:
    import sqlite_utils

BAR_MIN_TARGETS = 5


def first_words(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def outcome_json(outcome: ScanOutcome) -> dict[str, object]:
    """The ``--json`` line for one article (DESIGN.md)."""
    record = outcome.record
    return {
        "target": outcome.target.label,
        "url": record.url if record else None,
        "status": "error" if outcome.error else "ok",
        "error": outcome.error,
        "embeds": [embed.as_json() for embed in record.embeds]
        if record and not outcome.error
        else [],
    }


class ScanReporter:
    """Prints each outcome as it arrives; a progress bar replaces the lines on a terminal."""

    def __init__(self, total: int, as_json: bool = False) -> None:
        self.as_json = as_json
        self.bar = None
        if not as_json and total >= BAR_MIN_TARGETS and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="page", file=sys.stderr, dynamic_ncols=True)

    def report(self, outcome: ScanOutcome) -> None:
        if self.as_json:
            click.echo(json.dumps(outcome_json(outcome), ensure_ascii=False))
            return
        if self.bar is not None:
            self.bar.update(1)
            if outcome.error:
                self.bar.write(f"error: {outcome.error}", file=sys.stderr)
            return
        if outcome.error:
            click.echo(f"error: {outcome.error}", err=True)
            return
        embeds = [e for e in outcome.record.embeds if e.method != "link"] if outcome.record else []
        if not outcome.record or not outcome.record.embeds:
            return  # pages without embeds only count in the summary
        click.echo(f"{outcome.target.label}: {len(embeds)} embedded post(s)")
        for embed in outcome.record.embeds if outcome.record else []:
            who = f"@{embed.handle}" if embed.handle else (embed.author or "?")
            click.echo(
                f"  [{embed.position}] {embed.method:<11} {embed.post_id}  {who}  "
                f"{first_words(embed.text)}"
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def summary(self, totals: ScanTotals) -> None:
        failed = totals.failed
        click.echo(
            f"scanned {totals.articles} article(s): {totals.embeds} embed(s) in"
            f" {totals.articles_with_embeds} of them" + (f", {failed} failed" if failed else ""),
            err=True,
        )


class SnapshotReporter:
    """One line per checked post, or a progress bar on a terminal for many posts."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if total >= BAR_MIN_TARGETS and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="post", file=sys.stderr, dynamic_ncols=True)

    def report(self, record) -> None:
        if self.bar is not None:
            self.bar.update(1)
            return
        errors = "; ".join(a.error for a, _ in record.answers if a.error)
        click.echo(f"{record.post_id}: {record.status}" + (f" ({errors})" if errors else ""))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def post_lines(db: sqlite_utils.Database, limit: int) -> list[str]:
    """One line per post: author, handle, status, first words (most embedded first)."""
    from .db import most_embedded_posts

    if limit <= 0:
        return []
    return [
        f"  {p.status:<9} {(p.author_name or '?')[:24]:<24} "
        f"{'@' + p.handle if p.handle else '':<17} {first_words(p.text, 50)}  "
        f"({p.embeds} embed{'s' if p.embeds != 1 else ''}, {p.id})"
        for p in most_embedded_posts(db, limit)
    ]
