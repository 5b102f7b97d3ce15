"""SIGTERM ends ``archive serve`` silently with exit 143, as it ends the other commands;
SIGHUP (the terminal it was started from closing, an ssh session ending) ends it alike, as
it stops the worker: it killed the server at once, unlogged, exit status -1.

Datasette's server (uvicorn) sets its own SIGTERM handler as it starts: a graceful shutdown
logged in four lines, then the signal raised again into the command's handler (exit 143).
Wrapped here, SIGTERM first drops the server's INFO lines; its warnings and errors still
show. A plugin that ``archive serve`` alone registers (plain ``datasette`` is left as it is).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from datasette import hookimpl

SERVER_LOGGER = "uvicorn.error"  # uvicorn's own lines (its requests go to uvicorn.access)


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: Any, receive: Any, send: Any) -> Any:
            if scope["type"] == "lifespan":  # the server starts: its handlers are set
                quiet_on_sigterm()
            return await app(scope, receive, send)

        return wrapped

    return wrap


def quiet_on_sigterm() -> None:
    """Wrap the SIGTERM handler in place (the server's) so that the server's logger keeps
    only warnings and errors once SIGTERM comes, and hand SIGHUP to it as SIGTERM (the
    server raises the signal it was stopped by again once it is down: SIGHUP's own default
    would then end the process as killed)."""
    handler = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not callable(handler):
        return

    def on_sigterm(number: int, frame: FrameType | None) -> None:
        logging.getLogger(SERVER_LOGGER).addFilter(_warnings_and_errors)
        handler(signal.SIGTERM, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGHUP, on_sigterm)


def _warnings_and_errors(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING
