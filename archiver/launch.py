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
    try:
        cli(prog_name="archive")
    finally:
        _before_exit()


def _before_exit() -> None:
    """The archive's connections closed, then every object frozen out of the garbage
    collector: the interpreter's exit then no longer traverses them all in its collections
    (a directory scan's exit took 24 ms after its last exit handler, now about 11).
    Left to Python's own exit when another thread still runs: it waits for that first. A
    Ctrl-C in these few milliseconds is passed over: the command has ended, with its status."""
    import gc
    import threading

    if threading.active_count() > 1:
        return
    try:
        connection = sys.modules.get("archiver.db.connection")
        if connection is not None:
            connection.close_open()
        gc.freeze()
    except BaseException as exc:
        if not is_interruption(exc):
            raise
