"""``archive scan``: find embedded posts in the targets and store them (with ``--snapshot``,
check the new ones right away). Its own module: the command a user runs most, whose start
on one file is kept light (the scan's modules are imported when it runs)."""

from __future__ import annotations

import sys
from typing import Any

import click

from .cli_open import load
from .cli_options import config_option, db_option, include_links_option
from .errors import ArchiverError, ScanWorkerDiedError


def _listed_targets(targets: tuple[str, ...], seen: set[str], left_out: set[str]) -> list[Any]:
    """The command line's targets, each file once, with a note for a file that holds
    nothing but URLs (``--urls-file`` forgotten)."""
    from .scan_targets import iter_targets, once_per_run, url_list_note
    from .terminal import error_line

    listed = list(once_per_run(iter_targets(targets, left_out=left_out), seen))
    for note in filter(None, map(url_list_note, listed)):
        click.echo(f"note: {error_line(note)}", err=True)
    return listed


@click.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--urls-file",
    type=click.Path(),
    help="Also scan the targets this file lists, one a line (URLs or paths).",
)
@db_option
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article.")
@include_links_option
@click.option(
    "--snapshot", "take_snapshots", is_flag=True, help="Snapshot the newly found posts right away."
)
def scan(targets, urls_file, db_path, config_path, as_json, include_links, take_snapshots) -> None:
    """Find embedded posts in articles and store them.

    TARGETS are http(s) URLs, files (any name; .txt/.md/.markdown ones are
    read as text, saved pages .mhtml/.mht/.eml/.webarchive by their page),
    directories (their page, saved page and WARC files, recursively), WARC
    files (.warc/.warc.gz: HTML responses; .wet/.wet.gz: extracted texts;
    .wacz: its WARC files; ARC files, .arc/.arc.gz) or - for standard input.
    Exits 1 when some targets failed (the others are still stored).

    \b
    Example:
        archive scan https://example.org/news/story.html
        archive scan saved-pages/ --json
    """
    from itertools import chain

    from .scan import run_scan
    from .scan_pool import file_workers
    from .scan_targets import iter_targets, once_per_run
    from .terminal import ScanReporter

    if not targets and not urls_file:
        raise click.UsageError("give at least one TARGET or --urls-file")
    reporter: ScanReporter | None = None
    try:
        with file_workers(targets) as workers:
            config, db = load(config_path, db_path)
            links = config.include_links if include_links is None else include_links
            seen: set[str] = set()  # each file is scanned once, where it first comes
            left_out: set[str] = set()  # files of saved pages' folders, not scanned
            listed = _listed_targets(targets, seen, left_out)
            # The URL list is read as the scan goes (any length, bounded memory), and a WARC
            # file holds any number of pages: the size is then unknown.
            has_warc = any(target.kind == "warc" for target in listed)
            size = None if urls_file or has_warc else len(listed)
            reporter = ScanReporter(size, as_json=as_json)
            stream = chain(listed, once_per_run(iter_targets((), urls_file, left_out), seen))
            totals = run_scan(
                db, stream, config, include_links=links, on_outcome=reporter.report, workers=workers
            )
    except KeyboardInterrupt:  # the group prints the line (exit 130)
        if reporter is not None:
            reporter.close()
        raise
    except ScanWorkerDiedError as exc:
        if reporter is not None:
            reporter.close()
        raise click.ClickException(str(exc)) from None
    reporter.close()
    if take_snapshots:
        _snapshot_found(db, config, totals.post_refs, as_json)
    if not as_json:
        reporter.summary(totals, len(left_out))
    if totals.failed:
        sys.exit(1)


def _snapshot_found(db, config, post_refs: dict[str, str | None], as_json: bool) -> None:
    """``scan --snapshot``: check the posts of the scan never checked, a line for each as
    ``archive snapshot`` prints it (with ``--json`` only the summary, on stderr: standard
    output holds the articles' JSON lines)."""
    from .snapshot.run import check_posts, never_checked
    from .terminal import SnapshotReporter

    posts = never_checked(db, post_refs)
    reporter = SnapshotReporter(0 if as_json else len(posts))
    try:
        summary = check_posts(
            db, posts, config, on_check=(lambda record: None) if as_json else reporter.report
        )
    except ArchiverError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        reporter.close()  # before the group's line, on a Ctrl-C
    click.echo(summary.line(), err=as_json)
