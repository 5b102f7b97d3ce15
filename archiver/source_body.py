"""The body of a feed or sitemap answer, made ready to parse, within bounds.

gzip is undone by its magic bytes: a static ``.xml.gz`` is usually served as
``application/gzip`` or ``octet-stream`` without ``Content-Encoding``. The result never
exceeds ``max_source_bytes``. An empty body or an HTML page (a soft 404, a login wall) where
a feed or sitemap was expected is an error, not "0 URLs".
"""

from __future__ import annotations

import html
import re
import zlib

from .errors import FetchError, SourceFormatError, SourceTooLargeError
from .listings import Fetch, SourceResponse, Validators
from .urls import resolve_link

GZIP_MAGIC = b"\x1f\x8b"
# A page's first tag. HTML lets a page leave out <html> and <head> (``<meta charset=utf-8>
# <title>Not found</title>``); none of these names is the root of a feed or a sitemap.
HTML_START_RE = re.compile(
    rb"(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|(?:html|head|body|meta|title|script)[\s/>])",
    re.IGNORECASE | re.DOTALL,
)


def decoded_body(response: SourceResponse, max_bytes: int, kind: str) -> bytes:
    """The document in ``response``: un-gzipped by magic bytes, bounded, checked.

    Raises ``SourceTooLargeError`` past ``max_bytes`` and ``SourceFormatError`` for an
    empty body or an HTML page (a soft 404, a login wall) where a ``kind`` was expected.
    """
    body = response.body
    if body.startswith(GZIP_MAGIC):
        body = gunzip(body, max_bytes, response.url)
    elif len(body) > max_bytes:
        raise SourceTooLargeError(too_large(response.url, max_bytes))
    if not body.strip():
        raise SourceFormatError(
            f"{response.url}: empty body, not a {kind} (HTTP {response.status_code})"
        )
    head = body[:4096].removeprefix(b"\xef\xbb\xbf")
    if HTML_START_RE.match(head):
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
        hint = announced_feed(body, response.url) if kind == "feed" else None
        raise SourceFormatError(
            f"{response.url}: an HTML page, not a {kind}"
            f" (HTTP {response.status_code}, Content-Type {content_type or 'none'})"
            + (f"; the page names its feed: {hint}" if hint else "")
        )
    return body


LINK_TAG_RE = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
ATTRIBUTE_RE = re.compile(rb"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
FEED_TYPES = frozenset({b"application/rss+xml", b"application/atom+xml", b"application/feed+json"})


def announced_feed(page: bytes, url: str) -> str | None:
    """The feed a web page announces (``<link rel="alternate" type="application/rss+xml"
    href=…>``), for the error when a site's page was configured as its feed."""
    for tag in LINK_TAG_RE.finditer(page, 0, 1 << 16):
        found = ATTRIBUTE_RE.findall(tag.group(0))
        attributes = {name.lower(): a or b or c for name, a, b, c in found}
        rels = attributes.get(b"rel", b"").lower().split()
        if b"alternate" in rels and attributes.get(b"type", b"").lower() in FEED_TYPES:
            return resolve_link(
                html.unescape(attributes.get(b"href", b"").decode("utf-8", "replace")), url
            )
    return None


def gunzip(data: bytes, max_bytes: int, url: str) -> bytes:
    """Undo gzip (several members too) without ever holding more than ``max_bytes``.

    A truncated stream gives what it decompressed (the parser then drops the unclosed
    entry); trailing bytes that are not another gzip member are ignored.
    """
    parts: list[bytes] = []
    size = 0
    while data.startswith(GZIP_MAGIC):
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = decompressor.decompress(data, max_bytes + 1 - size)
        except zlib.error as exc:
            raise SourceFormatError(f"{url}: not valid gzip ({exc})") from None
        size += len(part)
        if size > max_bytes:
            raise SourceTooLargeError(too_large(url, max_bytes, "once decompressed"))
        parts.append(part)
        data = decompressor.unused_data if decompressor.eof else b""
    return parts[0] if len(parts) == 1 else b"".join(parts)  # one member: no copy


def too_large(url: str, max_bytes: int, how: str = "") -> str:
    return f"{url}: larger than max_source_bytes ({max_bytes:,} bytes){' ' + how if how else ''}"


def read_document(
    fetch: Fetch, url: str, validators: Validators, kind: str, max_bytes: int
) -> tuple[SourceResponse, bytes | None]:
    """GET one document conditionally: (response, decoded body), body None for 304.

    A 304 to a request that sent no validators (none stored, or none sendable) is a broken
    answer, not "unchanged": there was nothing it could match. It raises ``FetchError``.
    """
    headers = validators.request_headers()
    response = fetch(url, headers)
    if response.status_code == 304:
        if not headers:
            raise FetchError(
                f"{url}: 304 Not Modified to a request without validators",
                url=url,
                status_code=304,
            )
        return response, None
    return response, decoded_body(response, max_bytes, kind)
