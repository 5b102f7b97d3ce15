"""A raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose.

pytest-httpserver (werkzeug) always speaks correct HTTP; the web does not. Each route here
is a function that gets the connected socket and the request and writes whatever bytes it
likes: a byte a second, an endless body, a gzip bomb, a chunked body cut short, a reset.
Every connection runs in its own daemon thread; a write to a client that went away ends it.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable
from functools import cache
from urllib.parse import parse_qs, urlsplit

Route = Callable[["Conn"], None]


class Conn:
    """One request on one connection: ``path``, ``query``, and raw writes."""

    def __init__(self, sock: socket.socket, path: str, query: dict[str, list[str]]) -> None:
        self.sock, self.path, self.query = sock, path, query
        self.sent = 0

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.sent += len(data)

    def head(self, status: str = "200 OK", **headers: str | int) -> None:
        lines = [f"HTTP/1.1 {status}"]
        lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def reply(self, body: bytes, status: str = "200 OK", **headers: str | int) -> None:
        headers.setdefault("Content_Type", "text/html; charset=utf-8")
        self.head(status, Content_Length=len(body), Connection="close", **headers)
        self.send(body)

    def redirect(self, location: str, status: str = "302 Found") -> None:
        self.reply(b"", status, Location=location)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        target = data.split(b" ", 2)[1].decode("latin-1") if data.count(b" ") >= 2 else "/"
        parts = urlsplit(target)
        conn = Conn(sock, parts.path, parse_qs(parts.query))
        self.server.hits.append(target)
        route = self.server.route_for(conn)
        try:
            route(conn)
        except OSError:  # the client went away: that is the point of most routes
            pass
        finally:
            self.server.sent[parts.path] = self.server.sent.get(parts.path, 0) + conn.sent


class HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: dict[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes)
        self.hits: list[str] = []
        self.sent: dict[str, int] = {}
        self.select: Callable[[Conn], str] | None = None

    def route_for(self, conn: Conn) -> Route:
        key = self.select(conn) if self.select else conn.path
        return self.routes.get(key, not_found)

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()


# --- behaviours ------------------------------------------------------------------------------


def not_found(conn: Conn) -> None:
    conn.reply(b"not here", "404 Not Found")


def page(body: str | bytes, content_type: str = "text/html; charset=utf-8") -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda conn: conn.reply(data, Content_Type=content_type)


def drip(interval: float = 1.0, total: int = 100_000) -> Route:
    """Headers at once, then the body one byte per ``interval`` seconds (never trips a
    per-read timeout longer than ``interval``)."""

    def run(conn: Conn) -> None:
        conn.head(Content_Type="text/html", Content_Length=total)
        for _ in range(total):
            conn.send(b"<")
            time.sleep(interval)

    return run


def drip_headers(interval: float = 1.0) -> Route:
    """The status line and headers themselves, one byte per ``interval`` seconds."""

    def run(conn: Conn) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 10_000:
            conn.send(bytes([byte]))
            time.sleep(interval)

    return run


def endless(content_type: str = "text/html") -> Route:
    """A chunked body that never ends (until the client hangs up)."""

    def run(conn: Conn) -> None:
        conn.head(Content_Type=content_type, Transfer_Encoding="chunked")
        block = b"<p>" + b"a" * 65_000 + b"</p>"
        chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        while True:
            conn.send(chunk)

    return run


@cache
def bomb_bytes(encoding: str = "gzip", decoded_mb: int = 256) -> bytes:
    """``decoded_mb`` MiB of spaces, compressed (about 1 KiB on the wire per MiB)."""
    if encoding == "br":
        import brotli

        stream = brotli.Compressor(quality=1)
        block = b" " * (1 << 20)
        parts = [stream.process(b"<html><body>")]
        parts += [stream.process(block) for _ in range(decoded_mb)]
        return b"".join([*parts, stream.finish()])
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b" " * (1 << 20)
    parts = [compressor.compress(b"<html><body>")]
    parts += [compressor.compress(block) for _ in range(decoded_mb)]
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb(encoding: str = "gzip", content_type: str = "text/html", decoded_mb: int = 256) -> Route:
    data = bomb_bytes(encoding, decoded_mb)
    return lambda conn: conn.reply(data, Content_Type=content_type, Content_Encoding=encoding)


def redirect_bomb(location: str, decoded_mb: int = 256) -> Route:
    """A 302 whose body is a gzip bomb (httpx reads a redirect's body before following it)."""
    data = bomb_bytes("gzip", decoded_mb)
    return lambda conn: conn.reply(data, "302 Found", Location=location, Content_Encoding="gzip")


def redirect(location: str | Callable[[Conn], str]) -> Route:
    return lambda conn: conn.redirect(location(conn) if callable(location) else location)


def truncated_chunked(body: bytes = b"<html><body><p>half a page") -> Route:
    """One chunk, then the connection closes without the terminating zero-size chunk."""

    def run(conn: Conn) -> None:
        conn.head(Content_Type="text/html", Transfer_Encoding="chunked")
        conn.send(f"{len(body):x}\r\n".encode() + body + b"\r\n")
        conn.send(b"ffff\r\nonly a few bytes of a promised 64 KiB chunk")
        conn.sock.shutdown(socket.SHUT_RDWR)

    return run


def truncated_length(body: bytes = b"<html><body><p>short") -> Route:
    def run(conn: Conn) -> None:
        conn.head(Content_Type="text/html", Content_Length=len(body) * 100)
        conn.send(body)
        conn.sock.shutdown(socket.SHUT_RDWR)

    return run


def reset_at_once(conn: Conn) -> None:
    conn.reset()


def reset_mid_body(conn: Conn) -> None:
    conn.head(Content_Type="text/html", Content_Length=100_000)
    conn.send(b"<html><body>" + b"x" * 5000)
    time.sleep(0.05)
    conn.reset()


def close_silently(conn: Conn) -> None:
    conn.sock.shutdown(socket.SHUT_RDWR)


def not_http(conn: Conn) -> None:
    conn.send(b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(range(256)) * 4)
    conn.sock.shutdown(socket.SHUT_RDWR)


def json_reply(data: object, status: str = "200 OK") -> Route:
    return page(json.dumps(data), "application/json")


def gzip_page(body: str, content_type: str = "text/html") -> Route:
    data = gzip.compress(body.encode("utf-8"))
    return lambda conn: conn.reply(data, Content_Type=content_type, Content_Encoding="gzip")
