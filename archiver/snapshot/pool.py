"""Fetch processes for large snapshot runs: the network in children, the archive in the parent.

Each child runs a ``CheckLoop`` (its own event loop and ``httpx.AsyncClient``) over its share
of the posts and sends the finished checks back over a pipe in batches; the parent only
saves. Children are started with "spawn", never "fork": ``archive worker`` calls this from a
scheduler thread, and forking a process with threads can copy a held lock into the child.

A child lives as long as its control pipe is open. On ``should_stop`` or Ctrl-C the parent
first sends "stop" (the child drops its requests in flight and sends the checks it has
finished), then closes the pipe; if the parent dies (kill -9) the kernel closes it, and the
child exits at once instead of lingering as an orphan. Children ignore
SIGINT and SIGTERM (a Ctrl-C reaches the whole process group): the parent decides, saves
what it has received, and reports.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from ..config import Config
from ..errors import FetchProcessError
from ..models import CheckRecord, PostToCheck
from .checker import CheckLoop, drain

_QUIET = (signal.SIGINT, signal.SIGTERM)
JOIN_SECONDS = 5.0  # a stopped child exits at once; past this it is killed


def shares(
    posts: Sequence[PostToCheck], config: Config, count: int
) -> list[tuple[list[PostToCheck], Config]]:
    """Each child's posts (interleaved, so each gets a like mix of overdue and new) and its
    config. Global limits stay global: with k children each gets its share of
    ``[fetch] concurrency`` (at least 1) and spaces its requests to one host by
    ``per_host_delay * k``, so that together they send no more than one request per
    ``per_host_delay`` to a host. Not evenly spaced, though (two may go out together): that
    is why ``fetch_processes`` gives a run with a delay one process."""
    count = max(1, min(count, len(posts)))
    fetch = config.fetch
    result = []
    for index in range(count):
        concurrency = max(1, fetch.concurrency // count + (index < fetch.concurrency % count))
        own = replace(fetch, concurrency=concurrency, per_host_delay=fetch.per_host_delay * count)
        result.append((list(posts[index::count]), replace(config, fetch=own)))
    return result


@dataclass
class _Child:
    process: BaseProcess
    results: Connection  # child → parent: lists of checks, then None (done) or a str (failed)
    control: Connection  # parent → child: the posts, maybe "stop"; closing it ends the child


class FetchPool:
    """The parent's side: starts the children, receives their checks, stops them."""

    def __init__(self, posts: Sequence[PostToCheck], config: Config, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.children: list[_Child] = []
        self.running: list[_Child] = []
        self.failure: FetchProcessError | None = None
        try:
            # multiprocessing starts its resource tracker with the first child, and unblocks
            # SIGINT/SIGTERM after that: start it first, or ``_signals_blocked`` is undone.
            resource_tracker.ensure_running()
            work = shares(posts, config, count)
            for _, own_config in work:
                results, results_end = context.Pipe(duplex=False)
                control_end, control = context.Pipe(duplex=False)
                process = context.Process(
                    target=child_main,
                    args=(own_config, results_end, control_end),
                    name="archive-fetch",
                    daemon=True,
                )
                self.children.append(_Child(process, results, control))
                try:
                    with _signals_blocked():
                        process.start()
                finally:  # the parent keeps only its own ends, or it would never see EOF
                    results_end.close()
                    control_end.close()
            # The posts go over the pipe once every child is starting, not as arguments:
            # spawn writes those before the child reads them, and hangs if it dies first.
            for child, (own_posts, _) in zip(self.children, work, strict=True):
                try:
                    child.control.send(own_posts)
                except OSError:
                    raise FetchProcessError(_death(child.process)) from None
        except BaseException:
            self.close()
            raise
        self.running = list(self.children)

    def receive(self, timeout: float | None) -> list[CheckRecord] | None:
        if self.failure:
            raise self.failure
        if not self.running:
            return None
        records: list[CheckRecord] = []
        by_pipe = {id(child.results): child for child in self.running}
        for pipe in wait([child.results for child in self.running], timeout):
            child = by_pipe[id(pipe)]
            try:
                message = pipe.recv()
            except (EOFError, OSError):
                message = _death(child.process)
            if isinstance(message, list):
                records += message
            elif message is None:
                self.running.remove(child)
            else:
                # Hand over what arrived first; the failure is raised on the next call.
                self.failure = FetchProcessError(message)
                break
        if self.failure and not records:
            raise self.failure
        return records

    def stop(self, timeout: float) -> list[CheckRecord]:
        """Ask every child to stop; the checks they finished before it, within ``timeout``."""
        for child in self.running:
            with contextlib.suppress(OSError):
                child.control.send("stop")
        return drain(self.receive, timeout)

    def close(self) -> None:
        """Stop every child (all pipes closed first: each child then exits on its own, even
        if this is interrupted) and wait for them, killing any that lingers."""
        for child in self.children:
            child.control.close()
        ends_at = time.monotonic() + JOIN_SECONDS
        for child in self.children:
            if child.process.pid is None:  # never started
                continue
            child.process.join(max(0.0, ends_at - time.monotonic()))
            if child.process.is_alive():
                child.process.kill()
                child.process.join()
        for child in self.children:
            child.results.close()
        self.running = []


def _death(process: BaseProcess) -> str:
    """One line on a child gone without a word."""
    process.join(1.0)
    code = process.exitcode
    how = "it closed its pipe"
    if code is not None and code < 0:
        how = f"killed by signal {-code}"
        with contextlib.suppress(ValueError):
            how = f"killed by {signal.Signals(-code).name}"
    elif code is not None:
        how = f"exit code {code}"
    return f"a fetch process died ({how})"


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGINT/SIGTERM blocked in this thread while a child starts: the mask survives exec,
    so a Ctrl-C during the child's start-up stays pending until the child ignores it
    (``signal.signal`` only works in a main thread; the mask works in any)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _QUIET)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# --- in the child ---------------------------------------------------------------------------


def child_main(config: Config, results: Connection, control: Connection) -> None:
    """A fetch process: check the posts that come first on ``control`` and send the checks
    back on ``results``; a str instead of None at the end says why it failed."""
    for number in _QUIET:
        signal.signal(number, signal.SIG_IGN)  # also drops one that arrived while starting
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _QUIET)
    try:
        posts = control.recv()
    except (EOFError, OSError):  # the parent is gone already
        os._exit(0)
    outbox: queue.SimpleQueue[list[CheckRecord] | str | None] = queue.SimpleQueue()
    loop = CheckLoop(posts, config, outbox.put)
    threading.Thread(target=_obey_parent, args=(control, loop), daemon=True).start()
    sender = threading.Thread(target=_send_all, args=(outbox, results), daemon=True)
    sender.start()  # pickling and a full pipe never hold up the event loop
    try:
        loop.run()
    except Exception as exc:
        detail = " ".join(str(exc).split())
        outbox.put(f"a fetch process failed: {type(exc).__name__}: {detail}".rstrip(": "))
    else:
        outbox.put(None)
    sender.join()


def _obey_parent(control: Connection, loop: CheckLoop) -> None:
    """A "stop" on the control pipe stops the checks (the finished ones are still sent);
    the pipe closing (the parent is done, or gone) ends the process at once, without
    cleaning up: nobody is left to want the checks in flight."""
    with contextlib.suppress(EOFError, OSError):
        while True:
            control.recv()
            loop.stop()
    os._exit(0)


def _send_all(outbox: queue.SimpleQueue, results: Connection) -> None:
    while True:
        message = outbox.get()
        try:
            results.send(message)
        except OSError:  # the parent is gone
            os._exit(0)
        if not isinstance(message, list):
            return
