"""How a command's closing error is printed: one line, escaped as every other printed line
is, whatever it quotes; and output that cannot be written as such an error, not a traceback.
(The one-line usage errors themselves are ``cli_group.one_line_usage``'s.)"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TypeGuard

import click


@contextlib.contextmanager
def output_errors() -> Iterator[None]:
    """Output that cannot be written is one line and exit 1, not a traceback."""
    try:
        yield
    except OSError as exc:
        if not _writing_output(exc):
            raise
        _drop_output()
        raise click.ClickException(f"cannot write the output ({exc.strerror})") from None


def _writing_output(exc: Exception) -> TypeGuard[OSError]:
    """Whether ``exc`` was raised writing the command's output (``click.echo``: standard
    output on a full disk, ``> /dev/full``, a device that fails). A closed pipe is click's
    own case: exit 1 in silence."""
    if not isinstance(exc, OSError) or isinstance(exc, BrokenPipeError):
        return False
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and frame.tb_frame.f_code is click.utils.echo.__code__


def _drop_output() -> None:
    """Standard output to /dev/null: what it could not take would fail again at the exit,
    as Python's 'Exception ignored' lines."""
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def escaped_errors() -> Iterator[None]:
    """The error a command ends with, printed as every other line is (``error_line``): a
    line break or an escape sequence in what the user typed (a post ID, a path) or in a
    reason quoting it is shown escaped, so the error stays one line and inert."""
    try:
        yield
    except click.UsageError:
        raise  # click's own, shown with the usage (``archive`` alone: its help)
    except click.ClickException as exc:
        escaped = EscapedUsage if exc.exit_code == EscapedUsage.exit_code else EscapedError
        raise escaped(exc.format_message()) from None


class EscapedError(click.ClickException):
    """A command's error as printed: escaped (``error_line``); exit status 1."""

    def __init__(self, message: str) -> None:
        from .terminal import error_line

        super().__init__(error_line(message))


class EscapedUsage(EscapedError):
    """A usage or config error as printed (``UsageLine``, ``BadConfig``): exit status 2."""

    exit_code = 2
