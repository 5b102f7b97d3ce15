"""The ``archive`` command's entry point. It imports the command line itself, so that a
Ctrl-C while click and the command's modules are still being imported ends the command as
one during its work does: one line on stderr and exit status 130, not a traceback."""

from __future__ import annotations

import sys

from .interrupts import is_interruption


def main() -> None:
    try:
        from .cli import cli
    except BaseException as exc:
        if not is_interruption(exc):
            raise
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    cli(prog_name="archive")
