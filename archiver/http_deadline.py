"""The overall deadline of each request, kept by one watchdog thread per ``Http``.

httpx's timeouts are per read, so a server dripping a byte a second never trips them. A
``Deadline`` knows the sockets its request uses (shown to it by ``socket_watch``, or by
httpcore's ``trace`` hook) and the watchdog shuts them down when its time is up, which ends
a read blocked on such a server at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque


class DeadlineExpired(Exception):
    """The overall deadline of a request passed."""


class Deadline:
    """The overall deadline of one request.

    The sockets the request reads and writes are registered (by ``socket_watch``, or from
    httpcore's ``trace`` extension and the response's stream); when the watchdog expires the
    deadline they are shut down, which ends a read blocked on a dripping server at once. A
    socket another request has gone on to use is forgotten. ``check`` raises
    ``DeadlineExpired`` once it has passed.
    """

    __slots__ = ("_lock", "_sockets", "done", "ends_at", "expired")

    def __init__(self, ends_at: float) -> None:
        self.ends_at = ends_at
        self.expired = False
        self.done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.watch(info.get("return_value"))

    def watch(self, stream: object) -> None:
        sock = _socket_of(stream)
        if sock is None:
            return
        with self._lock:
            if any(known is sock for known in self._sockets):
                return
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def forget(self, stream: object) -> None:
        """Another request uses ``stream`` now: its socket is no longer this one's to shut."""
        sock = _socket_of(stream)
        with self._lock:
            self._sockets = [known for known in self._sockets if known is not sock]

    def expire(self) -> None:
        # Under the lock: a socket handed on (``forget``) is shut down before or not at all.
        with self._lock:
            if self.done:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def finish(self) -> None:
        """The request is over: the watchdog forgets it."""
        with self._lock:
            self.done = True

    def check(self) -> None:
        if self.expired or time.monotonic() > self.ends_at:
            self.expired = True
            raise DeadlineExpired


def _socket_of(stream: object) -> socket.socket | None:
    get = getattr(stream, "get_extra_info", None)
    return get("socket") if get else None


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """Expires deadlines when their time comes, from one lazily started daemon thread.

    Every deadline of one ``Http`` has the same length, so they expire in the order they
    were taken: a queue, not a heap. A finished deadline is dropped when it reaches the head.
    Taking a deadline never wakes the thread: it sleeps at most one deadline's length, and no
    deadline taken meanwhile can end before it wakes.
    """

    def __init__(self, seconds: float, stopped: threading.Event) -> None:
        self.seconds = seconds
        self._stopped = stopped
        self._queue: deque[Deadline] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def take(self) -> Deadline:
        """A deadline starting now; call its ``finish`` when the request is over."""
        deadline = Deadline(time.monotonic() + self.seconds)
        with self._wake:
            if self._stopped.is_set():
                deadline.expired = True
            while self._queue and self._queue[0].done:  # requests end roughly in order
                self._queue.popleft()
            self._queue.append(deadline)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadlines")
                self._thread.daemon = True
                self._thread.start()
        return deadline

    def expire_all(self) -> None:
        with self._wake:
            pending = list(self._queue)
            self._wake.notify()
        for deadline in pending:
            deadline.expire()

    def _run(self) -> None:
        with self._wake:
            while not self._stopped.is_set():
                while self._queue and self._queue[0].done:
                    self._queue.popleft()
                left = self._queue[0].ends_at - time.monotonic() if self._queue else self.seconds
                if left > 0:
                    self._wake.wait(left)
                    continue
                self._queue.popleft().expire()
            self._thread = None
