"""How a command starts and fails: its config and open archive (``load``), and an expected
failure as click's one-line error (``user_error``), the same for every command. Its own
module: the commands' modules import it, and the command group (``archiver.cli``) imports
theirs."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from .errors import ArchiverError, ConfigError

if TYPE_CHECKING:  # imported by the commands that use them: `archive --help` stays quick
    from .config import Config
    from .db import OpenArchive


class BadConfig(click.ClickException):
    """A configuration error: bad usage, so exit status 2 like click's usage errors."""

    exit_code = 2


def user_error(exc: ArchiverError) -> click.ClickException:
    """The one-line click error for an expected failure (exit 2 for config, else 1)."""
    return BadConfig(str(exc)) if isinstance(exc, ConfigError) else click.ClickException(str(exc))


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
