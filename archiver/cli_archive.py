"""The commands about the archive itself: ``archive init`` (create or upgrade one) and
``archive stats`` (its counts, the latest worker run and the posts)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from .cli_open import load
from .cli_options import COUNT, config_option, db_option

if TYPE_CHECKING:  # imported by the command that uses it: `archive --help` stays quick
    from .db import WorkerRun


@click.command()
@db_option
@config_option
def init(db_path: str | None, config_path: str | None) -> None:
    """Create (or upgrade) an empty archive.

    \b
    Example:
        archive init --db archive.db
    """
    from .db import archive_path

    _, db = load(config_path, db_path)
    click.echo(f"archive ready: {archive_path(db)}")


@click.command()
@db_option
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--posts",
    "show_posts",
    default=20,
    show_default=True,
    type=COUNT,
    help="List this many posts (0 for none).",
)
def stats(db_path, config_path, as_json, show_posts) -> None:
    """Counts of articles, embeds, posts by status, snapshots and checks.

    \b
    Example:
        archive stats --db archive.db
    """
    from .db import latest_worker_run
    from .db import stats as archive_stats
    from .terminal import post_lines

    _, db = load(config_path, db_path, read_only=True)
    counts = archive_stats(db)
    run = latest_worker_run(db)
    if as_json:
        click.echo(json.dumps({**counts, "worker": _worker_json(run) if run else None}))
        return
    click.echo(
        f"{counts['articles']} articles, {counts['embeds']} embeds, {counts['posts']} posts "
        f"({', '.join(f'{n} {s}' for s, n in counts['posts_by_status'].items()) or 'none'}), "
        f"{counts['snapshots']} snapshots, {counts['checks']} checks"
    )
    if run:
        click.echo(_worker_line(run))
    later = counts["queued"] - counts["due"]
    click.echo(f"queue: {counts['due']} article(s) due for a scan, {later} scheduled later")
    for line in post_lines(db, show_posts):
        click.echo(line)


def _worker_json(run: WorkerRun) -> dict[str, object]:
    """The latest worker run for ``archive stats --json``; ``running`` is false for a row
    that says running but has not beaten for a minute (``_worker_line``)."""
    from .clock import utcnow
    from .db.daemon import worker_silent

    silent = worker_silent(run, utcnow())
    return {**run._asdict(), "running": run.state == "running" and not silent}


def _worker_line(run: WorkerRun) -> str:
    """The latest worker run, as ``archive stats`` shows it: a row that says running but
    has not beaten for a minute is a worker that died without a word."""
    from .clock import utcnow
    from .db.daemon import worker_silent

    done = (
        f"{run.articles_scanned} articles scanned, {run.posts_checked} posts checked, "
        f"{run.errors} errors"
    )
    if worker_silent(run, utcnow()):
        return (
            f"worker: not running, no heartbeat since {run.last_beat_at} (pid {run.pid}, "
            f"started {run.started_at}; killed, or its machine stopped): {done}"
        )
    return (
        f"worker: {run.state} (pid {run.pid}, started {run.started_at}, last beat "
        f"{run.last_beat_at}): {done}"
    )
