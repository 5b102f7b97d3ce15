"""WARC files for the tests, written with warcio (the other WARC library than the reader's)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pages import embed_page
from shared_corpus import CRAWL_WARC
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DATE = "2024-03-02T10:20:30Z"
CORPUS_WARC = CRAWL_WARC


@dataclass
class Page:
    """One record to write: a response unless ``kind`` says otherwise."""

    uri: str
    body: bytes = b""
    kind: str = "response"  # response, revisit, request, warcinfo, conversion
    content_type: str | None = "text/html; charset=utf-8"
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    warc_headers: dict[str, str] = field(default_factory=dict)
    date: str = DATE


def write_warc(path: Path, pages: list[Page]) -> Path:
    """A WARC file (gzip per record when the name ends in .gz) holding ``pages`` in order."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"), warc_version="1.1")
        for page in pages:
            writer.write_record(_record(writer, page))
    return path


def _record(writer: WARCWriter, page: Page):
    warc_headers = {"WARC-Date": page.date, **page.warc_headers}
    if page.kind == "warcinfo":
        return writer.create_warcinfo_record(page.uri, {"software": "tests"})
    if page.kind == "conversion":  # a page's extracted text, as in a WET file
        return writer.create_warc_record(
            page.uri,
            "conversion",
            payload=io.BytesIO(page.body),
            length=len(page.body),
            warc_content_type=page.content_type,
            warc_headers_dict=warc_headers,
        )
    headers = list(page.headers)
    if page.content_type:
        headers.insert(0, ("Content-Type", page.content_type))
    if page.kind == "request":
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        return writer.create_warc_record(page.uri, "request", http_headers=http)
    http = StatusAndHeaders(page.status, headers, protocol="HTTP/1.1")
    if page.kind == "revisit":
        return writer.create_revisit_record(
            page.uri, "sha1:AAAA", page.uri, page.date, http_headers=http
        )
    return writer.create_warc_record(
        page.uri,
        "response",
        payload=io.BytesIO(page.body),
        length=len(page.body),  # without it, warcio recomputes a digest given in warc_headers
        http_headers=http,
        warc_headers_dict=warc_headers,
    )


def payload_digest(payload: bytes, form: str = "sha1 base32") -> str:
    """A ``WARC-Payload-Digest`` value of ``payload`` in ``form``: an algorithm and base32
    (as Heritrix, wget and warcio write it), hex or base64."""
    algorithm, encoding = form.split()
    digest = hashlib.new(algorithm, payload).digest()
    value = {
        "base32": base64.b32encode(digest).decode(),
        "hex": digest.hex(),
        "base64": base64.b64encode(digest).decode(),
    }[encoding]
    return f"{algorithm}:{value}"


def record_offsets(path: Path) -> list[int]:
    """The offset of every record of a whole file, as warcio reads them."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        return [iterator.get_record_offset() for _ in iterator]


def chunked(data: bytes, size: int = 1000) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def article(number: int, with_embed: bool) -> Page:
    """An article page; with an embed of a post whose ID depends on ``number``."""
    uri = f"https://news.example.org/story/{number}"
    if with_embed:
        body = embed_page(
            post_id=str(1763000000000000000 + number),
            text=f"Post number {number} says hello",
            title=f"Story {number}",
        ).encode()
    else:
        body = (
            f"<!DOCTYPE html><html><head><title>Story {number}</title></head>"
            f"<body><p>Nothing embedded in story {number}.</p></body></html>"
        ).encode()
    return Page(uri, body)


def mixed_records(start: int = 0) -> list[Page]:
    """Every kind of record the reader meets: 3 scanned pages and one of each skip."""
    embed = embed_page(post_id="1763000000000000999", text="Encoded post").encode()
    return [
        Page("urn:warcinfo", kind="warcinfo"),
        article(start, True),
        Page("https://news.example.org/style.css", b"body{}", content_type="text/css"),
        Page(f"https://news.example.org/story/{start}", kind="request"),
        article(start + 1, False),
        Page(f"https://news.example.org/story/{start}", kind="revisit"),
        Page(
            "https://news.example.org/missing",
            b"<html><body>gone</body></html>",
            status="404 Not Found",
        ),
        Page(
            "https://news.example.org/encoded",
            chunked(gzip.compress(embed)),
            headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
        ),
    ]


TEXT = (
    "Minister resigns | Example News\n"
    "The minister resigned on Tuesday after a post.\n"
    "We did it. Thank you all https://t.co/AbCdEf1234\n"
    "\u2014 Jane Doe (@janedoe) March 3, 2024\n"
    "The article goes on.\n"
)
QUIET = "Weather | Example News\nSun all week.\n"


def text_record(number: int, text: str = TEXT, **warc_headers: str) -> Page:
    """A page's extracted text, as a WET file holds it (it refers to its response)."""
    refers_to = f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>"
    return Page(
        f"https://news.example.org/text/{number}",
        text.encode("utf-8"),
        kind="conversion",
        content_type="text/plain",
        warc_headers={"WARC-Refers-To": refers_to, **warc_headers},
    )


def wet_records() -> list[Page]:
    """A warcinfo, two texts (one with a post), and one of each skip."""
    return [
        Page("urn:warcinfo", kind="warcinfo"),
        text_record(0),
        text_record(1, QUIET),
        Page("https://news.example.org/text/2", b"%PDF", kind="conversion", content_type="x/y"),
    ]


def scan_lines(run_cli, path: Path) -> list[dict]:
    """``archive scan PATH --json``, which must succeed: its lines, one object per page."""
    result = run_cli("scan", str(path), "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def write_wacz(wacz: Path, members: dict[str, Path], compression: int = zipfile.ZIP_STORED) -> Path:
    """A WACZ-shaped ZIP: ``members`` (name in the ZIP → file), and a datapackage."""
    with zipfile.ZipFile(wacz, "w", compression=compression) as archive:
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package"}))
        for name, path in members.items():
            archive.write(path, name)
    return wacz


def crawl_files(directory: Path, files: int, pages_per_file: int) -> list[Path]:
    """``files`` gzip WARC files of articles, every third one with an embed."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(files):
        numbers = range(index * pages_per_file, (index + 1) * pages_per_file)
        pages = [article(n, n % 3 == 0) for n in numbers]
        paths.append(write_warc(directory / f"crawl-{index:02d}.warc.gz", pages))
    return paths


def split_corpus(directory: Path, files: int, limit: int | None = None) -> list[Path]:
    """The corpus WARC's records dealt round-robin into ``files`` new gzip WARC files."""
    from warcio.archiveiterator import ArchiveIterator

    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"news-{i:02d}.warc.gz" for i in range(files)]
    handles = [open(path, "wb") for path in paths]  # noqa: SIM115
    try:
        writers = [WARCWriter(fh, gzip=True) for fh in handles]
        with open(CORPUS_WARC, "rb") as source:
            for number, record in enumerate(ArchiveIterator(source)):
                if limit is not None and number >= limit:
                    break
                writers[number % files].write_record(record)
    finally:
        for fh in handles:
            fh.close()
    return paths


def raw_response(uri: str, block: bytes, number: int = 1) -> bytes:
    """A response record holding ``block`` (HTTP headers and body) byte for byte, as one gzip
    member: warcio's writer would rewrite the HTTP headers it parses."""
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{number:08d}-0000-4000-8000"
        f"-000000000000>\r\nWARC-Date: {DATE}\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + block + b"\r\n\r\n")


def truncated_page(cut_inside_second: bool) -> Page:
    """A page of two embeds as a crawler keeps its start (``WARC-Truncated: length``): cut
    half-way into the second embed, or after it."""
    second = (
        '<blockquote class="twitter-tweet"><p>The second post, whose end the crawler'
        ' did not keep</p>&mdash; Other (@other) <a href="https://twitter.com/other/status/'
        '1763000000000000777">March 2, 2024</a></blockquote>'
    )
    body = embed_page(post_id="1763000000000000555", extra=second).encode()
    end = body.index(b"did not keep") if cut_inside_second else body.index(b"<p>Closing")
    uri = f"https://news.example.org/long/{int(cut_inside_second)}"
    return Page(uri, body[:end], warc_headers={"WARC-Truncated": "length"})
