"""Every socket a request reads or writes is handed to that request's deadline.

A deadline ends a read blocked on a server that drips its answer by shutting the request's
sockets down (``http_deadline.Deadline``). It learned of a socket from httpcore's ``trace``
hook when a connection was made, and from the response once its headers had come: a
request sent on a kept-alive connection made no connection, so a server dripping its
headers there held the request past its deadline, for as long as each byte came within
the per-read timeout.

Here httpcore's network backend is wrapped: each stream it opens tells the deadline of the
request now running in its thread (``watching``) about its socket before every read, write
or TLS handshake, whichever connection the pool lends it. A connection outlives a request:
once another request uses it (the pool lent it on after a redirect or an answer read to its
end), the deadline that saw it before forgets its socket, so that a request whose time is up
never shuts down a connection another request is reading.

The streams also hand the bytes a request writes and reads to ``wire_heads``, which keeps
the heads of its answers as they came.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import httpcore
import httpx

from . import wire_heads


class Watcher(Protocol):
    def watch(self, stream: object) -> None: ...

    def forget(self, stream: object) -> None: ...


_current = threading.local()


class Sent:
    """How the last request this thread wrote went out: on a connection an earlier answer
    had come on (``reused``), and whether any byte came back since (``answered``)."""

    def __init__(self) -> None:
        self.reused = False
        self.answered = False

    @property
    def unanswered_on_reused(self) -> bool:
        """Sent on a kept-alive connection that failed before any byte of its answer: the
        server had closed it meanwhile, and the request may be sent again on a new one."""
        return self.reused and not self.answered


@contextlib.contextmanager
def watching(deadline: Watcher) -> Iterator[Sent]:
    """Hand the sockets this thread reads and writes meanwhile to ``deadline`` (a request
    made within another, as from a hook, hands them back to the outer one's after it);
    yields how its last request went out."""
    outer, outer_sent = getattr(_current, "deadline", None), getattr(_current, "sent", None)
    _current.deadline, _current.sent = deadline, Sent()
    try:
        yield _current.sent
    finally:
        _current.deadline, _current.sent = outer, outer_sent


class WatchedStream(httpcore.NetworkStream):
    """A network stream that shows its socket to the running request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._watcher: Watcher | None = None  # the deadline that saw it last
        self._answered = False  # an answer's bytes came on it: a request after is on a reuse

    def _show(self) -> None:
        """Hand the socket to the running request's deadline, taking it from the last one's."""
        watcher = getattr(_current, "deadline", None)
        if watcher is self._watcher:
            return
        if self._watcher is not None:
            self._watcher.forget(self._stream)
        self._watcher = watcher
        if watcher is not None:
            watcher.watch(self._stream)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._show()
        data = self._stream.read(max_bytes, timeout)
        wire_heads.read(data)
        if data:
            self._answered = True
            sent = getattr(_current, "sent", None)
            if sent is not None:
                sent.answered = True
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._show()
        wire_heads.wrote()
        sent = getattr(_current, "sent", None)
        if sent is not None:
            sent.reused, sent.answered = self._answered, False
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self._show()
        with _shown_during_handshake(self._stream):
            tls = self._stream.start_tls(ssl_context, server_hostname, timeout)
        return WatchedStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Handle:
    """Shows a socket to a deadline as a stream does."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, info: str) -> Any:
        return self.sock if info == "socket" else None


@contextlib.contextmanager
def _shown_during_handshake(stream: httpcore.NetworkStream) -> Iterator[None]:
    """``ssl.wrap_socket`` detaches the socket object the deadline holds before the TLS
    handshake starts, so shutting it down would fail: a duplicate handle on the same
    connection is shown meanwhile, so that ``stop`` ends a handshake at once."""
    watcher = getattr(_current, "deadline", None)
    sock = stream.get_extra_info("socket")
    if watcher is None or not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket):
        yield  # TLS in TLS (through an https proxy) keeps the outer socket: nothing detached
        return
    handle = _Handle(sock.dup())
    watcher.watch(handle)
    try:
        yield
    finally:
        watcher.forget(handle)
        handle.sock.close()


class WatchedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, its streams watched."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return WatchedStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return WatchedStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install(client: httpx.Client) -> bool:
    """Watch the streams of every connection pool of ``client`` (its transport and any
    proxy's). False when a pool is not httpcore's as this module knows it (the caller then
    keeps to the ``trace`` hook)."""
    transports = [client._transport, *client._mounts.values()]
    pools: list[Any] = [getattr(transport, "_pool", None) for transport in transports if transport]
    if not all(hasattr(pool, "_network_backend") for pool in pools):
        return False
    for pool in pools:
        if not isinstance(pool._network_backend, WatchedBackend):
            pool._network_backend = WatchedBackend(pool._network_backend)
    return True
