"""The ``archive`` group's class: what every command's end shares, whatever the command
(a Ctrl-C or SIGTERM, a usage error as one line, a damaged archive). Its own module: the
commands are defined elsewhere, the group itself in ``archiver.cli``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import click

from .cli_errors import escaped_errors, output_errors
from .interrupts import is_interruption, sigterm_exits

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
