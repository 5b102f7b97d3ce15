"""What ``archive`` prints: per-article lines or JSON, a progress bar on a terminal, summaries."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import click

from .jsontext import json_text
from .scan import ScanOutcome, ScanTotals

if TYPE_CHECKING:
    from .db import Archive

BAR_MIN_TARGETS = 5

# What a terminal would act on instead of showing: C0 and C1 control characters (ESC starts
# the sequences that retitle the window or rewrite the screen, even through a pipe into
# less -R or a log viewer) and the bidi overrides and isolates that reorder the line. Also
# lone surrogates: a file name that is not UTF-8 holds them (``os.fsdecode``), and written
# as they are they would make the output invalid UTF-8 (or fail to print at all).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_SPACE = re.compile("[ \t\n\r]+")
_JSON_UNSHOWABLE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def visible(text: str | None) -> str:
    """``text`` safe to print: each control character, ESC included, and each bidi override
    becomes a visible escape (``\\x1b``, ``\\u202e``). What is stored stays verbatim."""
    return _UNSHOWABLE.sub(_escape, _as_text(text))


def _as_text(value: object) -> str:
    """A stored value as text: SQLite keeps any type in any column, so a damaged row's
    "text" may be a number or a blob."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else "" if value is None else str(value)


def json_line(value: object) -> str:
    """One line of JSON, readable (``ensure_ascii=False``) yet inert: JSON already escapes
    C0 controls; C1 controls, bidi overrides, line separators and lone surrogates are escaped
    too (``\\u009b``, ``\\u202e``, ``\\udce9``), which in JSON stands for the same
    character."""
    return json_text(value, _JSON_UNSHOWABLE)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


ERROR_WIDTH = 2000  # a 5 MB URL from a URL list is shown by its two ends


def error_line(error: str) -> str:
    """An error to print: escaped, and past ``ERROR_WIDTH`` characters, its start (the target)
    and its end (the reason) around the count of characters left out."""
    shown = visible(error)
    if len(shown) > ERROR_WIDTH:
        half, left_out = ERROR_WIDTH // 2, len(shown) - ERROR_WIDTH
        shown = f"{shown[:half]}…[{left_out:,} characters]…{shown[-half:]}"
    return shown


def first_words(text: str | None, width: int = 60) -> str:
    """The start of a text on one line: spaces and line breaks collapsed, then escaped."""
    text = _LINE_SPACE.sub(" ", _as_text(text)).strip()
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return visible(text)


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

    def __init__(self, total: int | None, as_json: bool = False) -> None:
        """``total`` None: not known in advance (a URL list read as the scan goes, WARC files)."""
        self.as_json = as_json
        self.bar = None
        if not as_json and (total is None or total >= BAR_MIN_TARGETS) and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="page", file=sys.stderr, dynamic_ncols=True)

    def report(self, outcome: ScanOutcome) -> None:
        if self.as_json:
            click.echo(json_line(outcome_json(outcome)))
            return
        if self.bar is not None:
            self.bar.update(1)
            if outcome.error:
                self.bar.write(f"error: {error_line(outcome.error)}", file=sys.stderr)
            return
        if outcome.error:
            click.echo(f"error: {error_line(outcome.error)}", err=True)
            return
        embeds = [e for e in outcome.record.embeds if e.method != "link"] if outcome.record else []
        if not outcome.record or not outcome.record.embeds:
            return  # pages without embeds only count in the summary
        lines = [f"{visible(outcome.target.label)}: {len(embeds)} embedded post(s)"]
        identities = outcome.record.identities()
        for embed, (post_id, _) in zip(outcome.record.embeds, identities, strict=True):
            who = f"@{embed.handle}" if embed.handle else first_words(embed.author or "?", 40)
            lines.append(
                f"  [{embed.position}] {embed.method:<11} {post_id}  {who}  "
                f"{first_words(embed.text)}".rstrip()  # no text: no trailing blanks
            )
        click.echo("\n".join(lines))  # one write per article

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def summary(self, totals: ScanTotals, left_out: int = 0) -> None:
        """The scan's counts; ``left_out``: files of saved pages' folders not scanned."""
        failed = totals.failed
        folders = f", {left_out} file(s) in saved pages' folders left out" if left_out else ""
        click.echo(
            f"scanned {totals.articles} article(s): {totals.embeds} embed(s) in"
            f" {totals.articles_with_embeds} of them"
            + (f", {failed} failed" if failed else "")
            + folders,
            err=True,
        )
        if totals.warc.pages or totals.warc.skipped:
            click.echo(f"WARC records: {totals.warc.line()}", err=True)


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
        line = f"{record.post_id}: {record.status}" + (f" ({errors})" if errors else "")
        click.echo(visible(line))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def post_lines(db: Archive, limit: int) -> list[str]:
    """One line per post: status, author, handle, first words (most embedded first). The
    status column is as wide as its longest status (``unavailable``), so the columns align."""
    from .db import most_embedded_posts

    if limit <= 0:
        return []
    posts = most_embedded_posts(db, limit)
    width = max([9, *(len(visible(p.status)) for p in posts)])
    return [
        f"  {visible(p.status):<{width}} {first_words(p.author_name or '?', 24):<24} "
        f"{'@' + p.handle if p.handle else '':<17} {first_words(p.text, 50)}  "
        f"({p.embeds} embed{'s' if p.embeds != 1 else ''}, {visible(p.id)})"
        for p in posts
    ]


def crawl_line(entry: dict, summary) -> str:
    """The progress line of one finished input of ``archive crawl``."""
    done = f"[{summary.skipped + summary.done}/{summary.inputs}]"
    name = entry["input"].rsplit("/", 1)[-1]
    total = f"total {summary.pages} pages, {summary.pages / max(summary.seconds, 1e-9):.0f} pages/s"
    if entry["status"] == "failed":
        return f"{done} failed  {entry['error']} | {total}"
    pages = entry["records"]["pages"]
    seconds = entry["seconds"]
    line = (
        f"{done} {entry['status']:<7} {name}: {pages} pages ({entry['pages_with_embeds']} with"
        f" embeds, {entry['embeds']} embeds) in {seconds:.1f} s,"
        f" {pages / max(seconds, 1e-9):.0f} pages/s on {entry['worker']} | {total}"
    )
    return line + (f"\n  error: {entry['error']}" if entry["error"] else "")
