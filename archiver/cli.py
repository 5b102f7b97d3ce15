"""The ``archive`` command line: thin wiring over the library. The group is here
(``archiver.cli:cli``, the entry point); each command is defined in the module of its kind
(``cli_scan``, ``cli_snapshots``, ``cli_evidence``, ``cli_daemons``, ``cli_crawl``,
``cli_archive``), each importing what its work needs only when it runs, so that
``archive --help`` and a scan of one file start quickly."""

from __future__ import annotations

import click

from .cli_archive import init, stats
from .cli_crawl import crawl, import_crawl
from .cli_daemons import serve, worker
from .cli_evidence import export, verify
from .cli_group import ArchiveGroup
from .cli_scan import scan
from .cli_snapshots import snapshot, timemap, timestamp


@click.group("archive", cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archiver")
def cli() -> None:
    """Archive X (Twitter) posts embedded in news articles, with provenance, in SQLite."""


cli.add_command(init)
cli.add_command(stats)
cli.add_command(scan)
cli.add_command(snapshot)
cli.add_command(timestamp)
cli.add_command(timemap)
cli.add_command(verify)
cli.add_command(export)
cli.add_command(worker)
cli.add_command(serve)
cli.add_command(crawl)
cli.add_command(import_crawl)
