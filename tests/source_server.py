"""A real HTTP server on 127.0.0.1 (or ``::1``) for feed and sitemap tests, usable from other
processes.

Documents are served by path, with their own headers and ETag (answering 304 to a matching
``If-None-Match``); a path may map to a function that builds the document on request (deep
or endless sitemap indexes). Every request is logged with its arrival time, and the time
its answer's last byte was sent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Document:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    etag: str | None = None
    drip: float = 0.0  # seconds between the body's bytes (a server that never times out)


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived
    # time.monotonic() just before the answer's last byte was written, set once it is (a
    # client can have read the whole answer no earlier than this)
    last_byte_at: list[float] = field(default_factory=list, compare=False)


Builder = Callable[[str], Document | None]


class SourceSite:
    """``with SourceSite() as site: site.documents["/x.xml"] = Document(...)``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.documents: dict[str, Document] = {}
        self.builders: list[Builder] = []
        self.hits: list[Hit] = []
        self._changed = threading.Condition()
        server = _IPv6Server if ":" in host else ThreadingHTTPServer
        self._server = server((host, 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SourceSite:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        host = f"[{host!s}]" if ":" in str(host) else host
        return f"http://{host!s}:{port}{path}"

    def document(self, path: str) -> Document | None:
        if path in self.documents:
            return self.documents[path]
        for build in self.builders:
            found = build(path)
            if found is not None:
                return found
        return None

    def record(self, hit: Hit) -> None:
        with self._changed:
            self.hits.append(hit)
            self._changed.notify_all()

    def paths(self) -> list[str]:
        with self._changed:
            return [hit.path for hit in self.hits]

    def wait_for(self, predicate: Callable[[list[Hit]], bool], timeout: float = 60.0) -> None:
        """Block until ``predicate(hits)`` holds (an event, not a sleep)."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.hits), timeout):
                raise AssertionError(f"the server did not see that in {timeout}s: {self.hits}")


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _handler(site: SourceSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            hit = Hit(path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            site.record(hit)
            self.hit = hit
            document = site.document(path)
            if document is None:
                self._answer(404, {"Content-Type": "text/plain"}, b"not found")
            elif document.etag and self.headers.get("If-None-Match") == document.etag:
                self._answer(304, {"ETag": document.etag}, b"")
            else:
                headers = dict(document.headers)
                if document.etag:
                    headers["ETag"] = document.etag
                self._answer(document.status, headers, document.body, document.drip)

        def _answer(
            self, status: int, headers: dict[str, str], body: bytes, drip: float = 0.0
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 304:
                return
            if not drip:
                self.hit.last_byte_at.append(time.monotonic())
                self.wfile.write(body)
                return
            for n, byte in enumerate(body, 1):
                if n == len(body):
                    self.hit.last_byte_at.append(time.monotonic())
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(drip)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
