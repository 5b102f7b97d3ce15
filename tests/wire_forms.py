"""HTTP/1.1 answers as real servers put them on the wire, for the evidence tests.

A ``Form`` is the exact bytes one answer is sent as (``wire``) and the bytes its WARC
``response`` record must hold (``kept``: the status line, headers and body as served, or,
where README names a limit of what httpx lets the archive see, what is kept instead). The
server (``WireServer``) sends a form's bytes on a raw socket and closes the connection.
"""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import brotli
from reliability import hostile as h

CRLF = b"\r\n"


def message(status_line: bytes, fields: list[bytes], body: bytes = b"", end: bytes = CRLF) -> bytes:
    """An HTTP message: the status line, one line per field (each ended by ``end``), the
    empty line, the body."""
    return status_line + end + b"".join(field + end for field in fields) + end + body


def chunked(body: bytes, size: int = 100, extension: bytes = b"", trailers: bytes = b"") -> bytes:
    """``body`` in chunks of ``size`` bytes, each size line with ``extension``, then the last
    chunk and ``trailers`` (field lines, each ended by CRLF)."""
    parts = [
        b"%x%s\r\n%s\r\n" % (len(piece), extension, piece)
        for piece in (body[at : at + size] for at in range(0, len(body), size))
    ]
    return b"".join(parts) + b"0" + extension + CRLF + trailers + CRLF


def length(body: bytes) -> bytes:
    return b"Content-Length: %d" % len(body)


def raw_deflate(body: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


@dataclass(frozen=True)
class Form:
    """One answer: ``wire`` as sent, ``kept`` as its record must hold it. ``before``: the
    URL first answers a plain page with an embed (an error page is kept only where an
    article with embeds was)."""

    wire: bytes
    kept: bytes
    before: bool = False
    refused: str | None = None  # the one line a form the archive does not keep ends in


def as_served(wire: bytes, before: bool = False) -> Form:
    return Form(wire, wire, before)


def served_as(wire: bytes, kept: bytes, before: bool = False) -> Form:
    return Form(wire, kept, before)


HTML = b"Content-Type: text/html; charset=utf-8"


def forms_of(page: Callable[[str], bytes]) -> dict[str, Form]:
    """Every wire form, each around ``page(name)`` (a page with an embed of its own)."""
    ok = b"HTTP/1.1 200 OK"
    close = b"Connection: close"
    forms: dict[str, Form] = {}

    body = page("plain")
    forms["plain"] = as_served(message(ok, [HTML, length(body), close], body))
    body = page("chunked")
    forms["chunked"] = served_as(
        message(ok, [HTML, b"Transfer-Encoding: chunked", close], chunked(body)),
        message(ok, [HTML, close], body),
    )
    body = page("chunked-ext-trailers")
    forms["chunked-ext-trailers"] = served_as(
        message(
            ok,
            [HTML, b"Transfer-Encoding: chunked", close, b"Trailer: X-Checksum"],
            chunked(body, 37, b';name="ext"', b"X-Checksum: abc\r\n"),
        ),
        message(ok, [HTML, close, b"Trailer: X-Checksum"], body),
    )
    coded = gzip.compress(page("chunked-gzip"), mtime=0)
    forms["chunked-gzip"] = served_as(
        message(
            ok,
            [HTML, b"Content-Encoding: gzip", b"Transfer-Encoding: chunked", close],
            chunked(coded),
        ),
        message(ok, [HTML, b"Content-Encoding: gzip", close], coded),
    )
    for name, coding, encode in (
        ("gzip", b"gzip", lambda b: gzip.compress(b, mtime=1)),
        ("x-gzip", b"x-gzip", lambda b: gzip.compress(b, mtime=1)),
        ("deflate-zlib", b"deflate", zlib.compress),
        ("deflate-raw", b"deflate", raw_deflate),
        ("br", b"br", brotli.compress),
        ("identity", b"identity", lambda b: b),
    ):
        coded = encode(page(name))
        fields = [HTML, b"Content-Encoding: " + coding, length(coded), close]
        forms[name] = as_served(message(ok, fields, coded))
    for name, coding, encode in (
        ("gzip-gzip", b"gzip, gzip", lambda b: gzip.compress(gzip.compress(b, mtime=0), mtime=0)),
        ("deflate-br", b"deflate, br", lambda b: brotli.compress(raw_deflate(b))),
    ):
        coded = encode(page(name))
        fields = [HTML, b"Content-Encoding: " + coding, length(coded), close]
        forms[name] = as_served(message(ok, fields, coded))
    # gzip read as warcio (``archive verify``) reads it: the first member alone (a second
    # one, read too, failed verify for ever), and a zlib stream under "gzip" refused.
    body = page("gzip-two-members")
    coded = gzip.compress(body, mtime=0) + gzip.compress(b"<p>a second member</p>", mtime=0)
    fields = [HTML, b"Content-Encoding: gzip", length(coded), close]
    forms["gzip-two-members"] = as_served(message(ok, fields, coded))
    coded = zlib.compress(page("zlib-as-gzip"))
    fields = [HTML, b"Content-Encoding: gzip", length(coded), close]
    refused = "cannot decode gzip body (Error -3 while decompressing data: incorrect header check)"
    # Refused, and kept as served all the same (an article that had embeds keeps an answer
    # whose body does not decode, as it keeps an HTTP error's).
    served = message(ok, fields, coded)
    forms["zlib-as-gzip"] = Form(served, served, True, refused)
    for name, coding in (("zstd", b"zstd"), ("unknown-coding", b"x-unheard-of")):
        coded = b"(not a body in any coding archiver reads)"
        fields = [HTML, b"Content-Encoding: " + coding, length(coded), close]
        refused = (
            f"served with Content-Encoding: {coding.decode()}, which this archiver does not decode"
        )
        forms[name] = Form(message(ok, fields, coded), b"", True, refused)
    body = page("http10-close")
    forms["http10-close"] = as_served(message(b"HTTP/1.0 200 OK", [HTML], body))
    body = page("no-length-close")
    forms["no-length-close"] = as_served(message(ok, [HTML, close], body))
    body = page("no-reason")
    forms["no-reason"] = as_served(message(b"HTTP/1.1 200", [HTML, length(body), close], body))
    _header_forms(forms, page, ok, close)
    _body_forms(forms, page, ok, close)
    for status in (b"203 Non-Authoritative Information", b"206 Partial Content"):
        name = status.split()[0].decode()
        body = page(name)
        fields = [HTML, length(body), close]
        if name == "206":  # a range reply nobody asked for: the whole page as its range
            fields.insert(0, b"Content-Range: bytes 0-%d/%d" % (len(body) - 1, len(body)))
        forms[name] = as_served(message(b"HTTP/1.1 " + status, fields, body))
    for status in (b"404 Not Found", b"410 Gone", b"500 Internal Server Error"):
        name = status.split()[0].decode()
        gone = b"<html><body><h1>" + status + b"</h1></body></html>"
        forms[name] = as_served(
            message(b"HTTP/1.1 " + status, [HTML, length(gone), close], gone), True
        )
    _redirect_forms(forms, page, close)
    forms["304"] = as_served(message(b"HTTP/1.1 304 Not Modified", [b'ETag: "v1"', close]), True)
    for name, interim in (
        ("100-continue", b"HTTP/1.1 100 Continue\r\n\r\n"),
        ("103-early-hints", b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"),
    ):
        body = page(name)
        final = message(ok, [HTML, length(body), close], body)
        forms[name] = served_as(interim + final, final)  # README: an interim answer is not kept
    return forms


def _header_forms(
    forms: dict[str, Form], page: Callable[[str], bytes], ok: bytes, close: bytes
) -> None:
    body = page("headers")
    fields = [
        b"cOnTeNt-TyPe: text/html; charset=utf-8",
        b"Set-Cookie: a=1; Path=/",
        b"Set-Cookie: b=2; Path=/",
        b"X-Latin: caf\xe9 cr\xe8me",  # Latin-1 in a value (a name is ASCII: a token)
        b"X-Long: " + b"v" * 12_000,
        length(body),
        close,
    ]
    forms["headers"] = as_served(message(ok, fields, body))
    # Kept as they came over the wire (``archiver.wire_heads``), not as httpx parsed them
    # (one of two equal lengths, a folded value joined, blanks trimmed, lines ended by CRLF).
    body = page("same-length-twice")
    fields = [HTML, length(body), length(body), close]
    forms["same-length-twice"] = as_served(message(ok, fields, body))
    body = page("obs-fold")
    fields = [HTML, b"X-Folded: first", b"   second", b"\tthird", length(body), close]
    forms["obs-fold"] = as_served(message(ok, fields, body))
    body = page("spacing")
    fields = [b"Content-Type:text/html; charset=utf-8  ", b"X-Blank:", length(body), close]
    forms["spacing"] = as_served(message(b"HTTP/1.1 200 OK ", fields, body))
    body = page("lf-lines")
    forms["lf-lines"] = as_served(message(ok, [HTML, length(body), close], body, b"\n"))
    body = page("mixed-lines")
    fields = [HTML + b"\r", length(body) + b"\r", close]  # CRLF, but the head ends LF LF
    forms["mixed-lines"] = as_served(message(ok, fields, body, b"\n"))
    body = page("folded-and-dropped")
    forms["folded-and-dropped"] = served_as(  # a dropped field's folded lines go with it
        message(
            ok,
            [HTML, b"Transfer-Encoding:", b" chunked", close],
            chunked(body),
        ),
        message(ok, [HTML, close], body),
    )
    body = page("header-past-limit")
    fields = [HTML, b"X-Huge: " + b"v" * 200_000, length(body), close]
    refused = "broken HTTP answer (Receive buffer too long)"  # httpx's limit: 100 KiB of head
    forms["header-past-limit"] = Form(message(ok, fields, body), b"", True, refused)


def _redirect_forms(forms: dict[str, Form], page: Callable[[str], bytes], close: bytes) -> None:
    """A redirect of each kind, with a body (one gzipped), to a relative Location; two to a
    Location with bytes over 0x7F (UTF-8, and Latin-1: each byte followed percent-encoded)."""
    moved = b"<html><body><p>Moved: <a href=elsewhere>here</a></p></body></html>"
    squeezed = gzip.compress(moved, mtime=0)
    for status, location, body, coding in (
        (b"301 Moved Permanently", b"to-301", moved, []),
        (b"302 Found", b"/form/to-302", squeezed, [b"Content-Encoding: gzip"]),
        (b"303 See Other", b"to-303", moved, []),
        (b"307 Temporary Redirect", b"to-caf\xc3\xa9", moved, []),
        (b"308 Permanent Redirect", b"to-l\xe9", moved, []),
    ):
        name = status.split()[0].decode()
        fields = [b"Location: " + location, HTML, *coding, length(body), close]
        forms[name] = as_served(message(b"HTTP/1.1 " + status, fields, body))
    # A redirect's body the answer ends inside (half its gzip stream), or not in its coding
    # at all: a browser follows it all the same, its body is no page; kept as served.
    cut = squeezed[: len(squeezed) // 2]
    fields = [b"Location: to-302-cut", HTML, b"Content-Encoding: gzip", length(cut), close]
    forms["302-cut"] = as_served(message(b"HTTP/1.1 302 Found", fields, cut))
    fields = [b"Location: to-302-cut", HTML, b"Content-Encoding: gzip", length(moved), close]
    forms["302-not-gzip"] = as_served(message(b"HTTP/1.1 302 Found", fields, moved))
    # One whose gzip breaks off past its first network chunk (its check fails at the end
    # of 200 KB): followed alike, not failed by where the break falls.
    broken = bytearray(gzip.compress(random.Random(7).randbytes(200_000), mtime=0))
    broken[-6] ^= 0xFF  # the CRC-32 of the trailer
    fields = [b"Location: to-302-cut", HTML, b"Content-Encoding: gzip", length(broken), close]
    forms["302-broken-gzip"] = as_served(message(b"HTTP/1.1 302 Found", fields, bytes(broken)))
    # Ones whose br stream has bytes after its end, in its first network chunk or past it:
    # followed alike, as a gzip one is.
    for name, payload in (("302-br-after-end", moved), ("302-long-br-after-end", broken)):
        junk = brotli.compress(bytes(payload)) + b"junk"
        fields = [b"Location: to-302-cut", HTML, b"Content-Encoding: br", length(junk), close]
        forms[name] = as_served(message(b"HTTP/1.1 302 Found", fields, junk))
    # A redirect whose way then fails (nothing listens on port 1): kept for the article that
    # had embeds, its head as it came (a folded line) as a followed redirect's is.
    fields = [b"Location: http://127.0.0.1:1/gone", HTML, b"X-Folded: a", b"  b", length(moved)]
    forms["302-dead-end"] = as_served(message(b"HTTP/1.1 302 Found", [*fields, close], moved), True)
    for name in ("to-301", "to-302", "to-303", "to-caf%C3%A9", "to-l%E9", "to-302-cut"):
        body = page(name)
        forms[name] = as_served(message(b"HTTP/1.1 200 OK", [HTML, length(body), close], body))


def _body_forms(
    forms: dict[str, Form], page: Callable[[str], bytes], ok: bytes, close: bytes
) -> None:
    for name, body in (
        ("bom", b"\xef\xbb\xbf" + page("bom")),
        (
            "nul-byte",
            page("nul-byte").replace(b"</article>", b"<p>%s\x00</p></article>" % (b"x" * 9000)),
        ),
        (
            "meta-charset",
            page("meta-charset")
            .replace(b"caf\xc3\xa9", b"caf\xe9")
            .replace(b'charset="utf-8"', b'charset="windows-1252"'),
        ),
        ("wrong-charset", page("wrong-charset")),
    ):
        content_type = {
            "meta-charset": b"Content-Type: text/html",
            "wrong-charset": b"Content-Type: text/html; charset=iso-8859-1",
        }.get(name, HTML)
        forms[name] = as_served(message(ok, [content_type, length(body), close], body))
    early = page("nul-early").replace(b"<article>", b"<article>\x00", 1)  # README: binary
    refused = "binary file, not a web page or text"
    forms["nul-early"] = Form(message(ok, [HTML, length(early), close], early), b"", True, refused)


def answer(kind: str, body: bytes, content_type: bytes) -> Form:
    """``body`` (a feed, a sitemap, a provider's reply) served in one of a few forms:
    ``chunked-gzip``, ``chunked-trailers``, ``br``, ``deflate-raw``."""
    ok, close = b"HTTP/1.1 200 OK", b"Connection: close"
    typed = b"Content-Type: " + content_type
    if kind == "chunked-gzip":
        coded = gzip.compress(body, mtime=0)
        coding = b"Content-Encoding: gzip"
        return served_as(
            message(ok, [typed, coding, b"Transfer-Encoding: chunked", close], chunked(coded)),
            message(ok, [typed, coding, close], coded),
        )
    if kind == "chunked-trailers":
        wire = chunked(body, 50, b";n=1", b"X-Checksum: abc\r\n")
        fields = [typed, b"Transfer-Encoding: chunked", close]
        return served_as(message(ok, fields, wire), message(ok, [typed, close], body))
    coding, coded = {
        "br": (b"br", brotli.compress(body)),
        "deflate-raw": (b"deflate", raw_deflate(body)),
    }[kind]
    fields = [typed, b"Content-Encoding: " + coding, length(coded), close]
    return as_served(message(ok, fields, coded))


def first_answer(body: bytes) -> bytes:
    """The plain page a form with ``before`` answers first."""
    return message(b"HTTP/1.1 200 OK", [HTML, length(body), b"Connection: close"], body)


class WireServer(h.HostileServer):
    """Serves ``forms`` at ``/form/NAME`` (a form with ``before`` first answers ``first``)."""

    request_queue_size = 128  # a scan's threads connect at once: socketserver's 5 drops some

    def __init__(self, forms: dict[str, Form], first: Callable[[str], bytes]) -> None:
        super().__init__({})
        self.forms, self.first = forms, first
        self.answered: dict[str, int] = {}
        self.select = lambda conn: conn.path

    def route_for(self, conn: h.Conn) -> h.Route:
        name = conn.path.removeprefix("/form/")
        if name not in self.forms:
            return super().route_for(conn)
        form = self.forms[name]
        count = self.answered.get(name, 0)
        self.answered[name] = count + 1
        data = first_answer(self.first(name)) if form.before and count == 0 else form.wire

        def send(conn: h.Conn) -> None:
            conn.send(data)
            conn.sock.shutdown(1)

        return send
