"""The commands about a post's captures over time: ``archive snapshot`` (check posts now),
``archive timestamp`` (have the evidence written since the last time signed) and
``archive timemap`` (every known capture of a post, as an RFC 7089 TimeMap)."""

from __future__ import annotations

import click

from .cli_open import load, user_error
from .cli_options import (
    COUNT,
    LIMIT_HELP,
    config_option,
    db_option,
    post_id_of,
    post_ref,
    shown_value,
)
from .errors import ArchiverError


@click.command()
@click.argument("posts", nargs=-1)
@click.option("--due", is_flag=True, help="Also check every post whose next check is due.")
@click.option("--limit", default=100_000, show_default=True, type=COUNT, help=LIMIT_HELP)
@db_option
@config_option
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


@click.command()
@db_option
@config_option
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


@click.command()
@click.argument("post")
@db_option
@config_option
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
