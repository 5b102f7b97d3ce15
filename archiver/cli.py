"""The ``archive`` command line: thin wiring over the library."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .cli_errors import escaped_errors, output_errors
from .errors import ArchiverError, ConfigError, ScanWorkerDiedError
from .interrupts import is_interruption, sigterm_exits

if TYPE_CHECKING:  # imported by the commands that use them: `archive --help` stays quick
    from .config import Config
    from .db import OpenArchive, WorkerRun

CONFIG_HELP = "Config file (default: ./config.toml when present)."
LIMIT_HELP = "At most this many due posts."
# A count of rows to list or check: SQLite cannot take one past 2**63 - 1 as a LIMIT.
COUNT = click.IntRange(0, 1_000_000_000)
DB_HELP = "Archive file (default: [archive] db of the config, else archive.db)."


def _db_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An empty ``--db`` (``--db "$UNSET"``) is bad usage, as an empty ``db`` in the config
    is: it opened the config's archive instead, without a word."""
    if value is not None and not value.strip():
        raise click.BadParameter("an empty path (leave --db out for the config's archive)")
    return value


db_option = click.option("--db", "db_path", help=DB_HELP, callback=_db_path)


class BadConfig(click.ClickException):
    """A configuration error: bad usage, so exit status 2 like click's usage errors."""

    exit_code = 2


def user_error(exc: ArchiverError) -> click.ClickException:
    """The one-line click error for an expected failure (exit 2 for config, else 1)."""
    return BadConfig(str(exc)) if isinstance(exc, ConfigError) else click.ClickException(str(exc))


def post_ref(value: str) -> tuple[str, str | None]:
    """(post ID, handle or None) of a POST argument, a status URL or ID, else a usage error:
    the one check of every command that names posts. One URL names one post: a value with
    spaces inside ("URL and more") or naming several posts is refused, not read for the
    first status it holds; so is one holding two status addresses run together, though one
    of them names no post (``…/status/1https://x.com/b/status/2``: 1 runs on into letters)."""
    from .urls import iter_statuses, parse_post_ref

    value = value.strip()
    ref = parse_post_ref(value) if value.isprintable() and len(value.split()) == 1 else None
    several = value.lower().count("/status") > 1
    if ref is None or several or len(dict.fromkeys(i for i, _ in iter_statuses(value))) > 1:
        raise click.UsageError(f"not a post URL or ID: {shown_value(value)}")
    return ref


SHOWN_CHARS = 200  # of a value quoted in an error line


def shown_value(value: str) -> str:
    """``value`` for a one-line message, cut past ``SHOWN_CHARS`` (its line breaks and
    control characters are escaped with the whole error line: ``terminal.error_line``)."""
    return value if len(value) <= SHOWN_CHARS else f"{value[:SHOWN_CHARS]}…"


def post_id_of(value: str) -> str:
    """The post ID a POST argument of ``export`` or ``timemap`` names: a status URL or ID
    (``post_ref``), or the ``text:`` ID of a post known only from its text, as it is."""
    from .normalize import TEXT_ID_PREFIX

    value = value.strip()
    return value if value.startswith(TEXT_ID_PREFIX) else post_ref(value)[0]


def load(
    config_path: str | None,
    db_path: str | None,
    *,
    existing: bool = False,
    read_only: bool = False,
) -> tuple[Config, OpenArchive]:
    """Config and open archive for a command; user errors become one-line click errors.
    The archive is the light handle (``.conn`` only; see ``archiver/db/connection.py``).
    ``existing``: the command only reads or checks an archive, so a path with no archive
    is an error (a typo must not give an empty archive that "verifies"). ``read_only``: it
    only reads (and so needs an existing archive): a read-only archive will do."""
    from .config import load_config
    from .db import open_archive
    from .errors import DatabaseError

    try:
        config = load_config(config_path)
        path = db_path or config.db
        if (existing or read_only) and not os.path.exists(path):
            raise DatabaseError(f"{path}: no archive here (create one with archive scan or init)")
        return config, open_archive(path, read_only=read_only)
    except ArchiverError as exc:
        raise user_error(exc) from None


#: The line a Ctrl-C prints, by command (any other says "interrupted").
INTERRUPTED = {
    "scan": "interrupted: every article finished before the interruption is stored",
    "snapshot": "interrupted: every finished check is stored",
}


class ArchiveGroup(click.Group):
    """The ``archive`` group: a Ctrl-C anywhere in a command (its imports, opening the
    archive, its work) ends it with one line on stderr and exit status 130, instead of
    click's "Aborted!" and 1. A command that has something to close closes it and
    re-raises. SIGTERM ends a command as ``sys.exit(143)`` (its ``finally`` blocks run);
    the worker, once running, and ``serve``'s server answer it with their own handlers.
    An SQLite error that no command expected (a damaged archive) is one line and exit 1."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with escaped_errors(), output_errors(), one_line_usage():  # --help, --version
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with escaped_errors():
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            with sigterm_exits(), one_line_usage(ctx), output_errors():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            _interrupted(ctx)
        except Exception as exc:
            import sqlite3  # loaded already by any command that opened the archive

            if is_interruption(exc):  # a Ctrl-C while a command's module was first imported
                _interrupted(ctx)
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            # A query of a damaged archive (a table missing, a corrupt page past the header).
            raise click.ClickException(
                f"cannot use the archive, damaged or locked ({exc})"
            ) from None


class UsageLine(click.ClickException):
    """A usage error as one line (click's own shows the usage, a hint and a blank line)."""

    exit_code = 2


@contextlib.contextmanager
def one_line_usage(ctx: click.Context | None = None) -> Iterator[None]:
    """Turn click's usage errors (an unknown option or command, a missing argument) into
    one line naming the help to read: ``Error: No such option '--foo' (see 'archive scan
    --help')``, exit status 2 as before. ``ctx``: the group's, for an error that names no
    context of its own (an option's missing value)."""
    try:
        yield
    except click.UsageError as exc:
        if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
            raise  # `archive` alone: the help itself (click 8.2+; 8.1 exits 0 instead)
        command = exc.ctx.command_path if exc.ctx is not None else _command_path(ctx)
        raise UsageLine(f"{_sentence(exc)} (see '{command} --help')") from None


def _sentence(exc: click.UsageError) -> str:
    """The message without the full stop click ends its own sentences with (a value it
    names is quoted). A plain ``UsageError`` is the archiver's own, which may end with what
    the user typed (``not a post URL or ID: abc.``): kept whole."""
    message = exc.format_message()
    return message if type(exc) is click.UsageError else message.removesuffix(".")


def _command_path(ctx: click.Context | None) -> str:
    if ctx is None:
        return "archive"
    return " ".join(filter(None, [ctx.command_path, ctx.invoked_subcommand]))


def _interrupted(ctx: click.Context) -> NoReturn:
    click.echo(INTERRUPTED.get(ctx.invoked_subcommand or "", "interrupted"), err=True)
    sys.exit(130)


@click.group("archive", cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archiver")
def cli() -> None:
    """Archive X (Twitter) posts embedded in news articles, with provenance, in SQLite."""


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def init(db_path: str | None, config_path: str | None) -> None:
    """Create (or upgrade) an empty archive.

    \b
    Example:
        archive init --db archive.db
    """
    from .db import archive_path

    _, db = load(config_path, db_path)
    click.echo(f"archive ready: {archive_path(db)}")


def _listed_targets(targets: tuple[str, ...], seen: set[str], left_out: set[str]) -> list[Any]:
    """The command line's targets, each file once, with a note for a file that holds
    nothing but URLs (``--urls-file`` forgotten)."""
    from .scan_targets import iter_targets, once_per_run, url_list_note
    from .terminal import error_line

    listed = list(once_per_run(iter_targets(targets, left_out=left_out), seen))
    for note in filter(None, map(url_list_note, listed)):
        click.echo(f"note: {error_line(note)}", err=True)
    return listed


@cli.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--urls-file",
    type=click.Path(),
    help="Also scan the targets this file lists, one a line (URLs or paths).",
)
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article.")
@click.option(
    "--include-links",
    is_flag=True,
    default=None,
    help="Also report status links in running text (method 'link').",
)
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


@cli.command()
@click.argument("posts", nargs=-1)
@click.option("--due", is_flag=True, help="Also check every post whose next check is due.")
@click.option("--limit", default=100_000, show_default=True, type=COUNT, help=LIMIT_HELP)
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def snapshot(posts, due, limit, db_path, config_path) -> None:
    """Check posts now: fetch what each post says, record status and changes.

    POSTS are status URLs (any x.com / twitter.com form) or numeric IDs; new ones
    are added to the archive. A single 404 never marks a post deleted.

    \b
    Example:
        archive snapshot https://x.com/jack/status/20
        archive snapshot --due
    """
    from .db import due_posts, posts_to_check
    from .normalize import TEXT_ID_PREFIX
    from .snapshot.run import check_posts
    from .terminal import SnapshotReporter

    if not posts and not due:
        raise click.UsageError("give POST URLs or IDs, or --due")
    for value in posts:  # a text: ID, as archive stats lists it, is no post X can be asked for
        if value.strip().startswith(TEXT_ID_PREFIX):
            known = "known only from text (no ID on X), so it cannot be checked"
            raise click.UsageError(f"{shown_value(value.strip())}: {known}")
    refs = [post_ref(value) for value in posts]
    config, db = load(config_path, db_path)
    chosen = posts_to_check(db, refs) if refs else []
    if due:
        chosen += [p for p in due_posts(db, limit) if p.id not in {c.id for c in chosen}]
    reporter = SnapshotReporter(len(chosen))
    try:
        summary = check_posts(db, chosen, config, on_check=reporter.report)
    except ArchiverError as exc:
        raise click.ClickException(f"{exc} (every check finished before it is stored)") from None
    finally:
        reporter.close()  # before the group's line, on a Ctrl-C
    click.echo(summary.line())


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def timestamp(db_path, config_path) -> None:
    """Have a time-stamping authority sign the evidence written since the last time.

    Writes a manifest (every new WARC record's ID and payload SHA-256, and the
    previous manifest's SHA-256) as a WARC metadata record, and stores the RFC 3161
    token of [timestamp] tsa_url over it in the timestamps table. A token proves
    the bytes existed at its time, not who served them.

    \b
    Example:
        archive timestamp --config config.toml
    """
    from .stamping import timestamp_archive

    config, db = load(config_path, db_path, existing=True)
    try:
        row = timestamp_archive(db, config)
    except ArchiverError as exc:
        raise user_error(exc) from None
    if row is None:
        click.echo("nothing new to timestamp since the last timestamp")
        return
    click.echo(
        f"timestamp {row.id}: manifest sha256 {row.manifest_sha256} (records up to "
        f"{row.records_through}, kept as record {row.record_id}), signed by {row.tsa_url} "
        f"at {row.gen_time}"
    )


@cli.command()
@click.argument("post")
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def timemap(post, db_path, config_path) -> None:
    """Print every known capture of a post as an RFC 7089 TimeMap (application/link-format).

    POST is a status URL or ID. The mementos are the Wayback Machine's captures of
    the post (raw replay URLs) and our own snapshots (their Datasette pages under
    [serve] base_url), each with its datetime.

    \b
    Example:
        archive timemap 1874097816571961839
    """
    from pathlib import Path

    from .db import archive_path
    from .memento import post_timemap_text

    post_id = post_id_of(post)  # a post known only from text has an ID, if no URL
    config, db = load(config_path, db_path, read_only=True)
    database = Path(archive_path(db)).stem
    try:
        text = post_timemap_text(db.conn, post_id, config.serve.base_url, database)
    except ArchiverError as exc:
        raise user_error(exc) from None
    if text is None:
        raise click.ClickException(f"{post}: no such post in the archive")
    click.echo(text, nl=False)


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
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


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
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


@cli.command()
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
@click.option(
    "--include-links",
    is_flag=True,
    default=None,
    help="Also report status links in running text (method 'link').",
)
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
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


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
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


@cli.command(name="import")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
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


@cli.command()
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def verify(db_path, config_path) -> None:
    """Re-read every WARC record the archive points at and check it.

    Checks each record's WARC-Record-ID and payload SHA-256, every embed's byte
    range against its raw_sha256, every snapshot's payload hash, and every byte of
    the WARC files the archive wrote; then every RFC 3161 token against its
    manifest (and [timestamp] ca_file), and the chain of manifests. Exits 1 on any
    mismatch, missing file or truncated record.

    \b
    Example:
        archive verify --db archive.db
    """
    from .db import archive_path
    from .evidence.verify import verify_archive
    from .evidence.warc import warc_dir_for
    from .stamping import check_timestamps, read_payload_in, trust_anchors
    from .terminal import visible

    config, db = load(config_path, db_path, read_only=True)
    warc_dir = warc_dir_for(config.warc_dir, archive_path(db))
    report = verify_archive(db.conn, warc_dir)
    for line in report.lines():
        click.echo(visible(line))  # a damaged row's file name may hold control characters
    try:
        anchors = trust_anchors(config)
    except ArchiverError as exc:
        raise user_error(exc) from None
    stamps = check_timestamps(db.conn, read_payload_in(db.conn, warc_dir), anchors)
    for line in [*stamps.problems, stamps.line()]:
        click.echo(line)
    if not report.ok or stamps.problems:
        sys.exit(1)


@cli.command()
@click.option("--wacz", "out", required=True, type=click.Path(dir_okay=False), help="WACZ file.")
@click.option(
    "--post", "posts", multiple=True, help="A post URL or ID, or a text: ID (repeatable)."
)
@click.option("--article", "articles", multiple=True, help="An article URL (repeatable).")
@click.option(
    "--since",
    help="Only records captured on or after this date or time (YYYY-MM-DD, or ISO 8601 with"
    " an offset; UTC without one).",
)
@db_option
@click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
def export(out, posts, articles, since, db_path, config_path) -> None:
    """Write the kept evidence as a WACZ file that replay tools open.

    With no --post and no --article, every kept record goes in. A post brings its
    provider replies, media and every scan of every article that embedded it.

    \b
    Example:
        archive export --wacz post.wacz --post https://x.com/jack/status/20
        archive export --wacz june.wacz --since 2025-06-01
    """
    from pathlib import Path

    from .db import archive_path
    from .evidence.wacz import Selection, export_wacz
    from .evidence.warc import warc_dir_for

    if not out:  # Path("") is the current directory (an unset shell variable)
        raise click.BadParameter("empty path", param_hint="'--wacz'")
    post_ids = [post_id_of(value) for value in posts]
    config, db = load(config_path, db_path, read_only=True)
    selection = Selection(tuple(post_ids), tuple(articles), _since(since))
    try:
        summary = export_wacz(
            db.conn, warc_dir_for(config.warc_dir, archive_path(db)), Path(out), selection
        )
    except ArchiverError as exc:
        raise user_error(exc) from None
    click.echo(summary.line(Path(out)))


def _since(value: str | None) -> str | None:
    """A --since date as the ISO prefix WARC dates compare with: in UTC, as they are (a
    date without an offset is taken as UTC)."""
    if value is None:
        return None
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        message = f"not a date: {value} (use YYYY-MM-DD)"
        raise click.BadParameter(message, param_hint="--since") from None
    except OverflowError:  # 0001-01-01T00:00:00+05:00
        raise click.BadParameter(f"{value}: out of range in UTC", param_hint="--since") from None
    return moment.isoformat(timespec="seconds")
