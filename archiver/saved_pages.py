"""Pages saved as one file, with their images and frames: MHTML (``.mhtml``, ``.mht``:
"Webpage, single file", Chrome's way of saving pages on Android), a MIME
``multipart/related`` message (RFC 2557) whose root part is the page's HTML in
quoted-printable or base64; any other MIME message (a saved e-mail, ``.eml``: a newsletter),
read by its HTML part, else its text; and Safari's web archive (``.webarchive``, Safari's
default), a binary property list whose ``WebMainResource`` holds the page. Detection reads
the page's document; the archive keeps the file as given.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from .errors import TargetError

if TYPE_CHECKING:  # the email package costs a file scan 9 ms to import: only for MHTML
    from email.message import Message

WEBARCHIVE_MAGIC = b"bplist00"  # a binary property list's first bytes
HEAD_BYTES = 4096  # a saved page's MIME header block is a few hundred bytes

# The message's header block: header lines (or folded continuations) up to a blank line,
# among them MIME-Version and Content-Type. A pattern, not compiled: ``re`` compiles it on a
# MIME file's first look (every page file is looked at; few are messages).
_HEADER_LINE = rb"[!-9;-~]+:[^\r\n]*|[ \t][^\r\n]*"
_DOCUMENT_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")


class FrameDocument(NamedTuple):
    """The document of a frame a saved page kept: an MHTML part, a web archive's subframe,
    a file in a page's ``_files`` folder."""

    html: bytes
    content_type: str | None
    address: str | None  # the address the frame was saved from, when the saver says
    path: str | None = None  # a file of its own (in a page's ``_files`` folder): its path
    content_id: str | None = None  # an MHTML part's Content-ID (a ``src="cid:…"`` names it)


class SavedDocument(NamedTuple):
    """The HTML document of a page saved as one file, and the frames it kept."""

    html: bytes  # its bytes, quoted-printable or base64 undone
    content_type: str  # as its part declares it (with its charset, when given)
    location: str | None  # the address the page was saved from
    frames: tuple[FrameDocument, ...] = ()


def is_mime_message(data: bytes) -> bool:
    """Whether ``data`` starts as a MIME message (a saved page, an e-mail): every line up to
    the first blank one is a header field, ``MIME-Version`` and ``Content-Type`` among them
    (a text's own ``Title:``/``Author:`` lines are not enough). A first ``From …`` line, the
    envelope a mailbox keeps before each message (Thunderbird saves it too), is passed over."""
    head = _message_bytes(data[:HEAD_BYTES])
    lowered = head.lower()
    if b"mime-version" not in lowered or b"content-type" not in lowered:
        return False
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    lines = block.splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if not lines or not all(re.fullmatch(_HEADER_LINE, line) for line in lines):
        return False
    names = {line.split(b":", 1)[0].lower() for line in lines if line[:1] not in (b" ", b"\t")}
    return {b"mime-version", b"content-type"} <= names


def message_type(data: bytes) -> str:
    """The Content-Type of a MIME message file's record: ``multipart/related`` for an MHTML
    (as browsers label a page saved as one file), else ``message/rfc822`` (a whole
    message: an e-mail, whatever type its own body has)."""
    from email.parser import BytesHeaderParser

    kind = BytesHeaderParser().parsebytes(_message_bytes(data[:HEAD_BYTES])).get_content_type()
    return kind if kind == "multipart/related" else "message/rfc822"


def _message_bytes(data: bytes) -> bytes:
    """A MIME message file's bytes from its first header on: a byte order mark and blank
    lines before it, which ``is_mime_message`` passes over, end the email parser's header
    block at once (the whole file was then read as one text part)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")


# The marks a saver leaves atop a page saved as HTML: a browser's ("Webpage, complete":
# Internet Explorer's "mark of the web", which Chrome writes too), ``<!-- saved from
# url=(0041)URL -->`` with the URL's length in four digits; SingleFile's comment, first in
# ``<html>``: ``<!--\n Page saved with SingleFile \n url: URL \n saved date: … -->``.
_SAVED_FROM = (
    rb"<!--\s*saved from url=\(\d{4}\)(\S{1,4096}?)\s*-->"
    rb"|<!--\s*(?:Page saved with|Archive processed by) SingleFile\s*\n\s*url: (\S{1,4096})"
)
SAVED_FROM_BYTES = 4096  # the marks come first, after a doctype and <html …> at most


def saved_from(data: bytes) -> str | None:
    """The http(s) address an HTML file was saved from, by its saver's mark, else None."""
    head = data[:SAVED_FROM_BYTES]
    if b"saved from url=" not in head and b"SingleFile" not in head:
        return None
    match = re.search(_SAVED_FROM, head)
    address = match.group(1) or match.group(2) if match else None
    return _address(address.decode("ascii", "replace")) if address else None


def saved_page(data: bytes, label: str) -> SavedDocument | None:
    """The HTML document of a page saved as one file; None for bytes that are no such file.
    A saved file without an HTML document is refused in one line."""
    if data.startswith(WEBARCHIVE_MAGIC):
        return webarchive_document(data, label)
    return mime_document(data, label) if is_mime_message(data) else None


def webarchive_document(data: bytes, label: str) -> SavedDocument:
    """The main resource of a Safari web archive, with its text encoding as a charset."""
    import plistlib

    try:
        archive = plistlib.loads(data)
    except Exception:  # a damaged list breaks plistlib in many ways, all of them this one
        raise TargetError(f"{label}: a binary property list that cannot be read") from None
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    html = main.get("WebResourceData") if isinstance(main, dict) else None
    if not isinstance(main, dict) or not isinstance(html, bytes):
        raise TargetError(f"{label}: a binary property list, not a saved page (web archive)")
    kind = str(main.get("WebResourceMIMEType") or "text/html").split(";")[0].strip().lower()
    if kind not in _DOCUMENT_TYPES:
        raise TargetError(f"{label}: a saved page (web archive) without an HTML document")
    if not html.strip():
        raise TargetError(f"{label}: a saved page (web archive) whose HTML document is empty")
    charset = main.get("WebResourceTextEncodingName")
    content_type = f"{kind}; charset={charset}" if isinstance(charset, str) else kind
    address = _address(main.get("WebResourceURL"))
    return SavedDocument(html, content_type, address, tuple(_subframes(archive)))


MAX_FRAMES = 64  # frames read of one saved page (a page of posts shows a few dozen)


def _subframes(archive: dict, depth: int = 0) -> list[FrameDocument]:
    """The HTML documents of a web archive's ``WebSubframeArchives`` (each a web archive of
    its own, its frames nested in it), in document order, at most ``MAX_FRAMES``."""
    found: list[FrameDocument] = []
    subframes = archive.get("WebSubframeArchives")
    for sub in subframes if isinstance(subframes, list) and depth < 4 else []:
        main = sub.get("WebMainResource") if isinstance(sub, dict) else None
        html = main.get("WebResourceData") if isinstance(main, dict) else None
        if isinstance(main, dict) and isinstance(html, bytes):
            charset = main.get("WebResourceTextEncodingName")
            kind = f"text/html; charset={charset}" if isinstance(charset, str) else None
            found.append(FrameDocument(html, kind, _address(main.get("WebResourceURL"))))
        if isinstance(sub, dict):
            found += _subframes(sub, depth + 1)
    return found[:MAX_FRAMES]


def mime_document(data: bytes, label: str) -> SavedDocument:
    """The page a MIME message holds: an MHTML's root part (named by the ``start``
    parameter when it is HTML), else its first HTML part, else its first text part (an
    e-mail sent as text). A message with none is refused in one line."""
    from email.message import Message
    from email.parser import BytesParser

    message = BytesParser().parsebytes(_message_bytes(data))
    parts = [part for part in message.walk() if not part.is_multipart()]
    part = _root(message, parts)
    if part is None:
        raise TargetError(f"{label}: a MIME message (a saved page or an e-mail) with no page")
    html = part.get_payload(decode=True)
    if not isinstance(html, bytes) or not html.strip():
        raise TargetError(f"{label}: a MIME message whose page is empty")
    location = message.get("Snapshot-Content-Location") or part.get("Content-Location")
    frames: tuple[FrameDocument, ...] = ()
    if part.get_content_type() in _DOCUMENT_TYPES:
        html = _frames_named(html, [p for p in parts if isinstance(p, Message)])
        frames = tuple(_frame_parts(parts, part))
    return SavedDocument(html, _declared_type(part), _address(location), frames)


def _frame_parts(parts: list[Message], root: Message) -> list[FrameDocument]:
    """The HTML parts of an MHTML other than its page: the documents of its frames, each
    with the address it was saved from (Chrome's ``cid:frame-…@mhtml.blink`` parts)."""
    found = []
    for part in parts:
        if part is root or part.get_content_type() not in _DOCUMENT_TYPES:
            continue
        html = part.get_payload(decode=True)
        if isinstance(html, bytes) and html.strip():
            location = _address(part.get("Content-Location"))
            named = _content_id(part).strip("<>") or None
            found.append(FrameDocument(html, _declared_type(part), location, None, named))
    return found[:MAX_FRAMES]


def _declared_type(part: Message) -> str:
    """The part's type and charset as text (a header holding other bytes than ASCII is an
    object of the email package's, which detection cannot read)."""
    charset = part.get_content_charset()
    kind = part.get_content_type()
    return f"{kind}; charset={charset}" if charset and charset.isascii() else kind


def _root(message: Message, parts: list[Message]) -> Message | None:
    start = message.get_param("start")
    named = [p for p in parts if isinstance(start, str) and _content_id(p) == start.strip()]
    for kinds in (_DOCUMENT_TYPES, _TEXT_TYPES):
        found = [p for p in named + parts if p.get_content_type() in kinds]
        if found:
            return found[0]
    return None


def _content_id(part: Message) -> str:
    return str(part.get("Content-ID", "")).strip()


_CID_SOURCE = rb"""(?i)(\bsrc\s*=\s*["']?)cid:([^"'\s>]+)"""


def _frames_named(html: bytes, parts: list[Message]) -> bytes:
    """The document with each frame's ``src="cid:…"`` (a browser saving a page points its
    frames at the parts holding them) put back to the address that part was saved from: a
    rendered post's frame is known by its ``platform.twitter.com/embed/…?id=`` address."""
    if b"cid:" not in html:
        return html
    addresses = {}
    for part in parts:
        address = _address(part.get("Content-Location"))
        if address:
            safe = address.replace('"', "%22").replace("'", "%27").replace(">", "%3E")
            addresses[_content_id(part).strip("<>")] = safe.encode("utf-8", "replace")

    def named(match: re.Match[bytes]) -> bytes:
        address = addresses.get(match.group(2).decode("ascii", "replace"))
        return match.group(1) + address if address else match.group(0)

    return re.sub(_CID_SOURCE, named, html)


def _address(value: object) -> str | None:
    """An ``http(s)`` address from a location header (folded lines joined, RFC 2047
    encoded words decoded: Python's email package writes a long header so), else None."""
    if value is None:
        return None
    text = str(value)
    if "=?" in text:
        text = _decoded_header(text)
    address = "".join(text.split())
    return address if re.match(r"https?://", address, re.IGNORECASE) else None


def _decoded_header(text: str) -> str:
    """A header's RFC 2047 encoded words decoded; the text as it is when they are broken."""
    from email.errors import HeaderParseError
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text
