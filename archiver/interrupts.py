"""Holding Ctrl-C (and SIGTERM) back while a group of rows is committed and reported, and
SIGTERM as a clean exit of a command."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

HELD = (signal.SIGINT, signal.SIGTERM)


def is_interruption(exc: BaseException) -> bool:
    """A Ctrl-C: a ``KeyboardInterrupt``, or an error raised because of one. Python 3.11
    wraps one that lands in a ``__set_name__`` call (while a dataclass or an enum is being
    made, on a module's first import) in a ``RuntimeError``."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__
    return False


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM are held back until the block ends, then handled as they would
    have been (only the main thread receives signals; elsewhere there is nothing to hold
    back)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, frame: received.append(number))
        for number in HELD
    }
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        for number in dict.fromkeys(received):
            handler = previous[signal.Signals(number)]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


@contextlib.contextmanager
def sigterm_exits() -> Iterator[None]:
    """While the block runs, SIGTERM ends it as ``sys.exit(143)`` would: ``finally`` blocks
    run (the group in hand is committed, worker processes and clusters are shut down, none
    is left behind). The handler in place before comes back after the block."""

    def stop(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    if threading.current_thread() is not threading.main_thread():  # only there can it be set
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
