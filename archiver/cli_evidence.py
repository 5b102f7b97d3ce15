"""The evidence commands: ``archive verify`` (re-read and check every record, file and
token the archive points at) and ``archive export`` (the kept evidence as a WACZ file)."""

from __future__ import annotations

import sys

import click

from .cli_open import load, user_error
from .cli_options import config_option, db_option, post_id_of
from .errors import ArchiverError


@click.command()
@db_option
@config_option
def verify(db_path, config_path) -> None:
    """Re-read every WARC record the archive points at and check it.

    Checks the archive's own file (SQLite's quick_check), each record's
    WARC-Record-ID and payload SHA-256, every embed's byte range against its
    raw_sha256, every snapshot's payload hash, and every byte of
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


@click.command()
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
@config_option
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
