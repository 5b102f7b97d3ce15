"""The cluster's commands: ``archive crawl`` (scan WARC files on a Dask cluster into result
files) and ``archive import`` (merge those result files into the archive)."""

from __future__ import annotations

import os
import sys

import click

from .cli_open import load, user_error
from .cli_options import config_option, db_option, include_links_option
from .errors import ArchiverError


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for the result files and _manifest.jsonl (shared storage on a cluster).",
)
@click.option("--scheduler", help="Address of a running Dask scheduler (tcp://host:8786).")
@click.option(
    "--local",
    "local_workers",
    type=click.IntRange(min=1),
    help="Start a local cluster of N worker processes (default: one per core).",
)
@click.option(
    "--retries",
    default=2,
    show_default=True,
    type=click.IntRange(min=0),
    help="Retries of an input whose task fails (a file that cannot be opened, a lost worker).",
)
@include_links_option
@config_option
def crawl(inputs, out_dir, scheduler, local_workers, retries, include_links, config_path) -> None:
    """Scan many WARC files on a Dask cluster: one result file per input in OUT.

    INPUTS are WARC files (.warc/.warc.gz, WET files .wet/.wet.gz, WACZ files
    .wacz, ARC files .arc/.arc.gz) or directories of them, at paths every worker
    can read. A re-run skips the inputs already done; `archive import OUT` then
    merges the results into the archive. Exits 1 when some inputs failed.

    \b
    Example:
        archive crawl crawl/*.warc.gz --out results --local 2
        archive crawl /shared/cc-news/ --out /shared/results --scheduler tcp://head:8786
    """
    from pathlib import Path

    from .config import load_config
    from .crawl import crawl_inputs, open_client, run_crawl
    from .terminal import crawl_line

    if scheduler and local_workers:
        raise click.UsageError("give --scheduler or --local, not both")
    try:
        config = load_config(config_path)
        paths, problems = crawl_inputs(inputs)
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        out = Path(os.path.realpath(out_dir))  # resolve() of 3.11: RuntimeError on a loop
        out.mkdir(parents=True, exist_ok=True)
        links = config.include_links if include_links is None else include_links
        with open_client(scheduler, local_workers) as client:
            summary = run_crawl(
                client,
                paths,
                str(out),
                include_links=links,
                retries=retries,
                on_entry=lambda entry, summary: click.echo(crawl_line(entry, summary), err=True),
            )
    except ArchiverError as exc:
        raise user_error(exc) from None
    except FileExistsError:  # mkdir of a path that is a file or a device
        raise click.ClickException(f"{out_dir}: not a directory") from None
    except OSError as exc:  # named by the file it is about (the manifest, a result file)
        raise click.ClickException(f"{exc.filename or out_dir}: {exc.strerror or exc}") from None
    partial = f", {summary.partial} partial" if summary.partial else ""
    click.echo(
        f"crawl: {summary.done} input(s) scanned, {summary.skipped} already done,"
        f" {summary.failed - summary.partial} failed{partial}; {summary.pages} pages,"
        f" {summary.embeds} embeds in"
        f" {summary.pages_with_embeds} of them; results in {out}",
        err=True,
    )
    if summary.failed or problems:
        sys.exit(1)


@click.command(name="import")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@db_option
@config_option
def import_crawl(out_dir, db_path, config_path) -> None:
    """Merge the result files of `archive crawl` in OUT_DIR into the archive.

    One transaction per input; importing again adds nothing. Exits 1 when some
    inputs failed in the crawl or their result files cannot be imported.

    \b
    Example:
        archive import results --db archive.db
    """
    from .crawl_import import import_results

    _, db = load(config_path, db_path)

    def report(item) -> None:
        if item.error:
            click.echo(f"error: {item.error}", err=True)
        else:
            click.echo(f"{item.input}: {item.pages} pages, {item.new} new", err=True)
        if item.crawl_error:
            click.echo(f"error: the crawl read it only in part: {item.crawl_error}", err=True)

    try:
        done = import_results(db, out_dir, on_input=report)
    except ArchiverError as exc:
        raise user_error(exc) from None
    failed = [item for item in done if item.error or item.status != "ok"]
    click.echo(
        f"imported {sum(i.pages for i in done)} pages ({sum(i.new for i in done)} new) from"
        f" {len(done) - len(failed)} of {len(done)} input(s)",
        err=True,
    )
    if failed:
        sys.exit(1)
