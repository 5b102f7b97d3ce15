"""The commands that keep running until stopped: ``archive worker`` (the daemon that polls,
scans and re-checks) and ``archive serve`` (Datasette over the archive)."""

from __future__ import annotations

import sys

import click

from .cli_open import load, user_error
from .cli_options import config_option, db_option
from .errors import ArchiverError


@click.command()
@db_option
@config_option
@click.option("--once", is_flag=True, help="Run every job once, then exit (for cron and tests).")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
)
def worker(db_path, config_path, once, log_level) -> None:
    """Run the daemon: poll sources, scan new and due articles, re-check due posts.

    Sources and schedules come from the config file. SIGTERM, Ctrl-C or SIGHUP
    finishes the item in hand and exits; a restart continues where it stopped.

    \b
    Example:
        archive worker --config config.toml --db archive.db
        archive worker --once
    """
    import logging

    from .db import archive_path
    from .logs import SkippedRuns, VisibleFormatter
    from .worker import Worker
    from .worker_lock import WorkerLock

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(VisibleFormatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(SkippedRuns())
    logging.basicConfig(level=log_level.upper(), handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    config, db = load(config_path, db_path)
    path = archive_path(db)
    db.conn.close()
    daemon = Worker(path, config)
    try:
        with WorkerLock(path):  # one worker per archive: a second one exits 1 here
            daemon.run_once() if once else daemon.run_forever()
    except ArchiverError as exc:
        raise user_error(exc) from None
    if daemon.damaged:
        raise click.ClickException(daemon.damaged)


@click.command()
@db_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the home page in a browser.")
@click.option("--metadata", type=click.Path(exists=True), help="Extra Datasette metadata file.")
def serve(db_path, config_path, host, port, open_browser, metadata) -> None:
    """Browse the archive in Datasette (read-only; the worker may keep writing).

    \b
    Example:
        archive serve --db archive.db --open
    """
    import os

    from .config import load_config
    from .datasette.evidence import WARC_DIR_ENV
    from .datasette.serve import serve as serve_archive

    try:
        config = load_config(config_path)
        path = db_path or config.db
        if config.warc_dir:  # where the evidence links find the WARC files
            os.environ[WARC_DIR_ENV] = os.path.abspath(config.warc_dir)
        serve_archive(path, host=host, port=port, open_browser=open_browser, metadata=metadata)
    except ArchiverError as exc:
        raise user_error(exc) from None
