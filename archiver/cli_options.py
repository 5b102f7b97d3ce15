"""The options and arguments several commands share: ``--db``, ``--config``,
``--include-links``, a count of rows, and a POST value read as the post it names (a status
URL or ID, or a ``text:`` ID). Its own module: each command's module reads them from here,
so an option means the same in every command. It imports click alone (``archive --help``
imports every command's module)."""

from __future__ import annotations

import click

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
config_option = click.option("--config", "config_path", type=click.Path(), help=CONFIG_HELP)
include_links_option = click.option(
    "--include-links",
    is_flag=True,
    default=None,
    help="Also report status links in running text (method 'link').",
)


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
