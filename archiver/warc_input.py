"""Web archives (WARC) as scan input: every HTML page of a crawl, one response record at a time
(or a ``resource`` record: a page saved whole), and every page's extracted text (a plain-text
``conversion`` record, as in a WET file; a Browsertrix ``urn:text:`` resource) unless the
input gives the page as HTML, before or soon after it (``_Captures``). ARC files are read by
``arc_input``.

The reader is FastWARC (Rust): on ``news-1000.warc.gz`` it reads the 1,000 records in 0.22 s
where warcio takes 0.45 s, and it refuses a file that is not a WARC where warcio yields a
record of junk. Files are streamed (gzip per record or uncompressed), never loaded whole;
only the page in hand is in memory.

Skipped and counted, not scanned: records that are not ``response``, ``conversion`` or
``resource`` (``revisit`` counted on its own), responses and resources that are not HTML and
texts that are not plain text, records not 2xx, and unreadable
ones (no date or URI, an undecodable body, HTTP headers over FastWARC's 32 KB). HTTP headers
are ended and read as a browser does (``http_head``); a page whose headers warcio ends
elsewhere is a ``DamagedRecord``, as a digest's failure is. A record cut short by the end of
the data (a truncated gzip member, a partial copy, even inside its headers: ``warc_extent``),
or one FastWARC cannot read at all, ends the file with a ``TargetError`` after the pages before
it; a cut record is that error alone, in no count. A record the crawler marked ``WARC-Truncated``
(Common Crawl keeps a page's first MiB) is a page: what it kept is scanned, and counted; so
is a response whose body ends before its framing does (wget keeps what came before a dropped
connection, unmarked), while a 206 holding the rest of it is no page.

Every page handed out (each becomes a ``records`` row) first passes its
``WARC-Payload-Digest``, checked as ``archive verify`` checks it; one that fails is a
``DamagedRecord`` in its place, its one-line error, and the reading goes on. The check and
the page's hash are ``checked``'s, apart from the reading (``iter_raw_pages``): a scan
of a big file runs them in its worker processes while this one reads on.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from .errors import TargetError
from .models import WarcRecordRef
from .page_read import is_binary
from .small_files import MAX_PAGE_BYTES
from .urls import article_url, without_password
from .wacz_input import is_wacz_path, wacz_warc_parts
from .warc_extent import (
    PADDING,
    PADDING_BYTES,
    WarcPart,
    holds_one_record,
    past_empty_members,
    record_end,
)
from .warc_http import SkipRecord, crawled_page, http_head, page_body

if TYPE_CHECKING:
    from fastwarc.warc import HeaderMap, WarcRecord

# A WET file (``.warc.wet.gz``: Common Crawl's extracted texts) is a WARC file too.
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")
ARC_SUFFIXES = (".arc", ".arc.gz")  # ``arc_input``
HTML_TYPES = ("text/html", "application/xhtml+xml")
LOCAL_URIS = ("file:", "stdin:")  # the pages an archiver's scan of files kept (``WarcCounts``)
TEXT_TYPES = ("text/plain",)
# An HTML response; a page's extracted text; a page saved whole, or its text (Browsertrix).
PAGE_RECORDS = ("response", "conversion", "resource")
# Browsertrix keeps a page's text as a ``resource`` record of ``urn:text:URL`` (the text as
# the page loaded) or ``urn:textFinal:URL`` (after its behaviours ran).
TEXT_URNS = ("urn:text:", "urn:textFinal:")


def page_url(uri: str) -> str:
    """The page a record holds or gives the text of: its target URI, without the
    ``urn:text:`` (or ``urn:textFinal:``) in front of a Browsertrix text's."""
    for prefix in TEXT_URNS:
        if uri.startswith(prefix):
            return uri[len(prefix) :]
    return uri


def is_text_record(ref: WarcRecordRef) -> bool:
    """Whether a scanned record holds a page's extracted text (read as a text file is), not
    its HTML: a ``conversion`` record, or a Browsertrix text."""
    return ref.record_type == "conversion" or ref.target_uri.startswith(TEXT_URNS)


def is_warc_path(path: str) -> bool:
    """A WARC file's name (a WET file's, a WACZ file's: WARC files in a zip; an ARC file's,
    their forerunner)."""
    return path.lower().endswith(WARC_SUFFIXES + ARC_SUFFIXES) or is_wacz_path(path)


class WarcPage(NamedTuple):
    """One HTML response: its provenance and its payload, the HTTP body with transfer and
    content encodings removed (as warcio's ``content_stream`` gives it): what detection
    reads, what ``payload_sha256`` hashes and what embed byte ranges point into."""

    ref: WarcRecordRef
    body: bytes
    # marked ``WARC-Truncated`` (the crawler kept only its start), or its body ends before its
    # ``Content-Length`` or last chunk (the connection dropped: ``cut_short``)
    truncated: bool = False


class RawPage(NamedTuple):
    """A page as read, before its digest is checked and its body hashed (``checked``): the
    costly part of reading, done where the page is scanned (a worker process of
    ``archive scan``). ``ref.payload_sha256`` is empty until then."""

    ref: WarcRecordRef
    payload: bytes  # the HTTP body as stored, what ``WARC-Payload-Digest`` covers
    body: bytes  # the page: the payload with its encodings removed
    payload_digest: str | None
    segment: str | None
    block_digest: str | None = None  # ``WARC-Block-Digest``: over ``head``, then ``payload``
    head: bytes = b""  # the HTTP headers as stored
    label: str = ""  # the WARC file as the user named it, for messages (else its path)
    refusal: str | None = None  # why it is not scanned though a page (``checked``'s error)
    digests_checked: bool = False  # passed already (an HTML page, in the reading: ``_Captures``)
    truncated: bool = False  # cut short (``WarcPage.truncated``)


class DamagedRecord(NamedTuple):
    """An HTML response that fails its ``WARC-Payload-Digest`` or ``WARC-Block-Digest``: not
    scanned, and nothing of it stored (``archive verify`` would refuse it); ``error`` is its
    one line. Also a WACZ's WARC file that cannot be read (``uri`` names it), the WACZ's
    other WARC files read all the same."""

    uri: str
    error: str


@dataclass(slots=True)
class WarcCounts:
    """What a reader saw: ``pages`` were handed out for scanning (``texts`` of them a
    page's extracted text, a ``conversion`` record), the rest skipped."""

    pages: int = 0
    texts: int = 0
    same_page: int = 0  # a page's text when the input gives the page as HTML, or a text before
    non_html: int = 0
    revisit: int = 0
    truncated: int = 0  # pages cut short (``WarcPage.truncated``), scanned as the crawler kept them
    not_ok: int = 0
    unreadable: int = 0
    # a page an archiver's scan of a local file or standard input kept (a ``resource`` of a
    # ``file:`` or ``stdin:`` URI: this archive's own WARC files, a WACZ it exported): no
    # web address, so no article to scan
    local: int = 0
    other: int = 0  # warcinfo, request, metadata...: not pages

    def as_dict(self) -> dict[str, int]:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @property
    def skipped(self) -> int:
        counts = (self.same_page, self.non_html, self.revisit, self.not_ok, self.local)
        return sum(counts) + self.unreadable

    def scanned(self, ref: WarcRecordRef, truncated: bool = False) -> None:
        """Count a page handed out (``truncated``: cut short)."""
        self.pages += 1
        self.texts += is_text_record(ref)
        self.truncated += truncated

    def line(self) -> str:
        texts = f" and {self.texts} extracted text(s)" if self.texts else ""
        same = f", {self.same_page} text(s) of a page read as HTML or text"
        same = same if self.same_page else ""
        local = f", {self.local} local page(s) (file: or stdin: resources)" if self.local else ""
        cut = f" ({self.truncated} of them cut short by the crawler)" if self.truncated else ""
        return (
            f"{self.pages - self.texts} HTML page(s){texts} scanned{cut}; skipped"
            f" {self.non_html} non-HTML, {self.revisit} revisit, {self.not_ok} non-2xx, "
            f"{self.unreadable} unreadable{same}{local}"
        )


def iter_warc_pages(path: str, counts: WarcCounts) -> Iterator[WarcPage | DamagedRecord]:
    """Every scannable HTML page of a WARC file, in file order, and in its place each page
    whose payload fails its digest; ``counts`` is updated as the file is read. Raises
    ``OSError`` when the file cannot be opened (a shared disk may come back: worth a retry)
    and ``TargetError`` when its content is not a readable WARC, after the pages before the
    problem."""
    for raw in iter_raw_pages(path, counts):
        page = checked(raw)
        if isinstance(page, WarcPage):
            counts.scanned(page.ref, page.truncated)
        yield page


def iter_raw_pages(path: str, counts: WarcCounts) -> Iterator[RawPage | DamagedRecord]:
    """``iter_warc_pages``'s pages unchecked (``checked`` makes each a page, or its
    failure): ``counts`` is updated but for ``pages``, which whoever checks them counts.
    A WACZ file's WARC files are read in turn, in place (``wacz_input``); one that cannot
    be read is a ``DamagedRecord`` in its place. An ARC file is read by ``arc_input``."""
    warc_file = os.path.abspath(path)
    if not is_utf8_name(warc_file):
        raise TargetError(f"{path}: {NAME_NOT_UTF8}")
    if is_wacz_path(path):
        pages = _wacz_pages(warc_file, path, counts)
    elif path.lower().endswith(ARC_SUFFIXES):
        from .arc_input import arc_pages

        pages = arc_pages(warc_file, path, counts)
    else:
        pages = _part_pages(WarcPart.whole(warc_file), path, counts)
    captures = _Captures(counts)
    try:
        for page in pages:
            yield from captures.passed(page)
    except (TargetError, OSError):  # the texts held are pages before the problem
        yield from captures.held()
        raise
    yield from captures.held()


# A page's text is held (not scanned yet) until its page's HTML comes, or this many texts
# or bytes of them came after it: a crawler writes the two side by side (Browsertrix its
# texts after each page, or in a WARC file of their own: ``wacz_warc_parts`` reads those
# last), and a WET file of texts alone is scanned this far behind its reading.
HELD_TEXTS = 1000
HELD_TEXT_BYTES = 16 << 20


@dataclass(slots=True)
class _Captures:
    """One capture of a page, one scan, whatever the order of an input's records (a WARC
    file, a WACZ's WARC files): a page's text (a ``conversion``, a Browsertrix text) is not
    read when the input gives the page as HTML, the better evidence (its embeds' markup),
    before it or after it within ``HELD_TEXTS`` texts, nor a second text of the page
    (Browsertrix keeps a page's text at load and after its behaviours). An HTML page that
    fails its digest or is refused (``checked``) is no capture: its text is read.

    Memory stays bounded: the texts held are at most ``HELD_TEXTS`` (``HELD_TEXT_BYTES``),
    and a page read is remembered by its identity's hash (``article_url``), not its URL."""

    counts: WarcCounts
    read: set[int] = field(default_factory=set)
    waiting: dict[str, RawPage] = field(default_factory=dict)  # by identity, oldest first
    waiting_bytes: int = 0

    def passed(self, page: RawPage | DamagedRecord) -> Iterator[RawPage | DamagedRecord]:
        """``page`` as it is to be scanned (an HTML page, digests checked here, or its
        failure), if at all, and the texts it ends the wait of."""
        if isinstance(page, DamagedRecord):
            yield page
        elif is_text_record(page.ref):
            yield from self._text(page)
        else:
            failure = failed(page)
            if failure is not None:
                yield failure
                return
            self._drop(_identity(page))
            yield page._replace(digests_checked=True)

    def held(self) -> Iterator[RawPage]:
        """The texts still waiting: the input ended without their pages."""
        while self.waiting:
            yield self._oldest()

    def _text(self, page: RawPage) -> Iterator[RawPage]:
        identity = _identity(page)
        if hash(identity) in self.read or identity in self.waiting:
            count_skip(self.counts, "same_page")
            return
        self.waiting[identity] = page
        self.waiting_bytes += len(page.payload)
        while len(self.waiting) > HELD_TEXTS or self.waiting_bytes > HELD_TEXT_BYTES:
            yield self._oldest()

    def _drop(self, identity: str) -> None:
        """The page ``identity`` was read as HTML: its text waiting is not read."""
        self.read.add(hash(identity))
        text = self.waiting.pop(identity, None)
        if text is not None:
            self.waiting_bytes -= len(text.payload)
            count_skip(self.counts, "same_page")

    def _oldest(self) -> RawPage:
        identity = next(iter(self.waiting))
        text = self.waiting.pop(identity)
        self.waiting_bytes -= len(text.payload)
        self.read.add(hash(identity))
        return text


def _identity(page: RawPage) -> str:
    return article_url(page_url(page.ref.target_uri))


def _wacz_pages(wacz_file: str, path: str, counts: WarcCounts) -> Iterator[RawPage | DamagedRecord]:
    """The pages of each WARC file of a WACZ in turn. One that cannot be read (compressed in
    the ZIP, not a WARC, cut short) is its one-line error in its place, after its pages
    before the problem, and the next one is read, as a directory's next file is."""
    for part, member in wacz_warc_parts(wacz_file, path):
        label = f"{path} ({member})"
        try:
            if isinstance(part, TargetError):
                raise part
            yield from _part_pages(part, label, counts)
        except TargetError as exc:
            yield DamagedRecord(label, str(exc))


def _part_pages(part: WarcPart, label: str, counts: WarcCounts) -> Iterator[RawPage]:
    """The pages of one WARC file (``label`` names it in messages)."""
    with part.open() as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(part.start)
        if gzipped and not holds_one_record(fh):
            raise TargetError(f"{label}: {ONE_STREAM}")
        reading = _Reading(part, gzipped, label=label)
        try:
            yield from _pages(fh, reading, counts)
        except OSError as exc:  # FastWARC's parse and decompression errors
            at = part.start
            if reading.last is not None:
                between = reading.held is not None  # not inside a record (a disk's read error)
                at = record_end(part, reading.last, gzipped, label)
                yield from _release(reading, counts, at)
                if between and only_padding(part, at):  # blank bytes FastWARC took for
                    return  # the start of a record: the file ends with the last one
            raise TargetError(f"{label}: not a readable WARC file (at byte {at}: {exc})") from None
    if reading.last is None:
        raise TargetError(f"{label}: not a WARC file (no WARC record in it)")


def checked(raw: RawPage | DamagedRecord) -> WarcPage | DamagedRecord:
    """The page, its body hashed, or ``DamagedRecord`` when it fails a digest (a page
    ``archive verify`` would refuse is not stored); a ``DamagedRecord`` as it is."""
    if isinstance(raw, DamagedRecord):
        return raw
    failure = failed(raw)
    if failure is not None:
        return failure
    ref = raw.ref._replace(payload_sha256=hashlib.sha256(raw.body).hexdigest())
    return WarcPage(ref, raw.body, raw.truncated)


def failed(raw: RawPage) -> DamagedRecord | None:
    """Why the page is not scanned (its refusal, a digest it fails), or None."""
    ref = raw.ref
    where = f"{raw.label or ref.warc_file}: record at byte {ref.warc_offset} ({ref.target_uri})"
    if raw.refusal:
        return DamagedRecord(ref.target_uri, f"{where} {raw.refusal}, not scanned")
    problem = None if raw.digests_checked else _digest_problem(raw)
    if problem:
        return DamagedRecord(
            ref.target_uri, f"{where} fails its digest check, not scanned ({problem})"
        )
    return None


@dataclass(slots=True)
class _Reading:
    """Where a file's reading is: its last record's offset, and what that record gave, held
    until the record is known whole (its page's length is known when the next record
    starts): its page (or its digest's failure), or the count it is skipped under. A record
    cut by the end of the file is its error alone, neither a page nor a count."""

    part: WarcPart
    gzipped: bool
    label: str  # the file as the user named it, for messages
    last: int | None = None
    held: RawPage | str | None = None

    @property
    def warc_file(self) -> str:
        """The file records are pointed at in (a WACZ file, for the WARC files it holds)."""
        return self.part.path

    @property
    def separator(self) -> int:
        """Uncompressed records end with a CRLF CRLF separator, which (as in warcio and CDX
        indexes) is not part of the record's length; a gzip member is a record, whole."""
        return 0 if self.gzipped else 4


def _pages(fh: BinaryIO, reading: _Reading, counts: WarcCounts) -> Iterator[RawPage]:
    """The pages of the records FastWARC reads, from the start and again after each run of
    empty gzip members where it stopped (``past_empty_members``)."""
    from fastwarc.warc import ArchiveIterator

    start = reading.part.start
    resumed = past_empty_members(reading.part, start) if reading.gzipped else start
    fh.seek(resumed)
    while True:
        # HTTP headers are parsed record by record: one FastWARC cannot read is skipped alone.
        for record in ArchiveIterator(fh, parse_http=False, auto_decode="none"):
            offset = record.stream_pos
            if reading.gzipped and offset == reading.last:
                raise TargetError(f"{reading.label}: {SHARED_MEMBER.format(offset)}")
            yield from _release(reading, counts, offset)  # the record before ends here
            if _record_type(record) != "unknown" or reading.last is not None:
                reading.last = offset
            try:
                reading.held = _read(record, reading, offset)
            except SkipRecord as skip:
                reading.held = skip.args[0]
        if reading.last is None:  # no record at all: the caller says so
            return
        end = record_end(reading.part, reading.last, reading.gzipped, reading.label)
        yield from _release(reading, counts, end)  # none is held if none came since resuming
        after = past_empty_members(reading.part, end) if reading.gzipped else end
        if after == end or reading.last < resumed or only_padding(reading.part, after):
            _must_end_at(reading, after)  # the file must hold the last record whole
            return
        fh.seek(resumed := after)


def _must_end_at(reading: _Reading, end: int) -> None:
    """``TargetError`` unless the file ends at ``end`` (blank bytes aside): a record is cut
    there, or one FastWARC did not read begins there."""
    size = reading.part.end
    if end < size and not only_padding(reading.part, end):
        raise TargetError(
            f"{reading.label}: record at byte {end} is truncated (the file ends"
            f" {size - end:,} bytes into it)"
        )


def only_padding(part: WarcPart, end: int) -> bool:
    """Whether the file holds only blank bytes after ``end`` (an extra CRLF, zeros a copy
    left, after a last record or a last gzip member alike): no record is cut there."""
    with part.open(end) as fh:
        tail = fh.read(PADDING_BYTES + 1)
    return len(tail) <= PADDING_BYTES and not tail.strip(PADDING)


def _release(reading: _Reading, counts: WarcCounts, end: int) -> Iterator[RawPage]:
    """What ``reading`` holds, now that its record is known whole and to end at ``end``:
    its page, with its length, or its count."""
    held, reading.held = reading.held, None
    if isinstance(held, str):
        count_skip(counts, held)
    elif held is not None:
        yield _ending_at(held, end - reading.separator)


def _utc_text(date: datetime | None) -> str | None:
    """A record's WARC-Date in UTC (``…Z``); None when it has none, or when it is out of the
    range of dates in UTC (``9999-12-31T23:59:59-05:00``)."""
    try:
        utc = None if date is None else date.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return None if utc is None else utc.isoformat(timespec="seconds").replace("+00:00", "Z")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _record_date(record: WarcRecord) -> str | None:
    """The record's WARC-Date in UTC (``_utc_text``), or as stored when it is a date alone
    (``2024-03-02``: WARC 1.1 allows W3CDTF's lower precisions, and FastWARC reads none of
    them); None when it has none or none that is a date."""
    date = _utc_text(record.record_date)
    if date is not None:
        return date
    text = (record.headers.get("WARC-Date") or "").strip()
    if _DAY.fullmatch(text):
        return text if _utc_text(_day(text)) else None
    return _utc_text(_loose_time(text))


# What crawls write that FastWARC does not read as a time: W3CDTF's minutes without seconds
# (``2019-08-15T01:02Z``), a time with no zone (UTC, as every WARC-Date is), and the 14 or
# 12 digits of ARC headers, kept by ARC-to-WARC conversions (``20190815010203``).
_DIGIT_TIMES = {14: "%Y%m%d%H%M%S", 12: "%Y%m%d%H%M"}


def _loose_time(text: str) -> datetime | None:
    """A WARC-Date in one of the forms above, or None."""
    try:
        if text.isascii() and text.isdigit():
            moment = datetime.strptime(text, _DIGIT_TIMES[len(text)])
        elif "T" in text:
            moment = datetime.fromisoformat(text)
        else:
            return None
    except (KeyError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:  # ``2024-02-30``
        return None


ONE_STREAM = (
    "compressed as one gzip stream, not a gzip member per record, so its records cannot be"
    " pointed at; gunzip it, or recompress it per record (warcio recompress)"
)
SHARED_MEMBER = (
    "the gzip member at byte {} holds more than one record, so they cannot be pointed at;"
    " recompress the file a gzip member per record (warcio recompress)"
)
NAME_NOT_UTF8 = (
    "the file's name is not UTF-8; rename it (the archive keeps the name of a WARC file it"
    " points into as text)"
)


def is_utf8_name(path: str) -> bool:
    """False for a name that is not UTF-8: decoded, it holds lone surrogates
    (``os.fsdecode``), which neither SQLite's text nor a cluster's messages can carry."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def count_skip(counts: WarcCounts, name: str) -> None:
    setattr(counts, name, getattr(counts, name) + 1)


def _ending_at(page: RawPage, end: int) -> RawPage:
    """The page with its record's length: from its offset to ``end``."""
    return page._replace(ref=page.ref._replace(warc_length=end - page.ref.warc_offset))


def _read(record: WarcRecord, reading: _Reading, offset: int) -> RawPage:
    """The page of a scannable record (its length still 0, unchecked), or ``SkipRecord``."""
    kind = _record_type(record)
    if kind == "revisit":
        raise SkipRecord("revisit")
    if kind == "unknown":  # no WARC-Type: a damaged header
        raise SkipRecord("unreadable")
    if kind not in PAGE_RECORDS:
        raise SkipRecord("other")
    if record.content_length > MAX_PAGE_BYTES:  # a film or an archive, not an article: its
        raise SkipRecord("non_html")  # block (held about three times over as read) is not read
    if kind == "conversion":
        return _read_text(record, reading, offset)
    if kind == "resource":
        return _read_resource(record, reading, offset)
    return _read_response(record, reading, offset)


def _read_response(record: WarcRecord, reading: _Reading, offset: int) -> RawPage:
    """An HTML ``response`` record's page: its payload, read as ``archive verify`` reads it."""
    block = _whole_block(record)
    http = _http_headers(record)
    stored = len(_payload(record, reading, offset))  # as FastWARC ends the HTTP headers
    head, http, refusal = http_head(block, len(block) - stored, http)
    payload = block[len(head) :]
    content_type = http.get("Content-Type")
    if not is_html(content_type, record.headers.get("WARC-Identified-Payload-Type"), payload):
        raise SkipRecord("non_html")
    status = http.status_code or 0
    cut = crawled_page(status, payload, http)
    ref = _reference(record, reading, offset, status, content_type)
    body, refusal = page_body(payload, http, refusal)
    page = _raw_page(record, ref, payload, body, head, reading, refusal)
    return page._replace(truncated=True) if cut else page


def _read_text(record: WarcRecord, reading: _Reading, offset: int) -> RawPage:
    """A ``conversion`` record holding a page's text (a WET file's: the text a crawler
    extracted from a response, as Common Crawl publishes it), or a Browsertrix text: its
    block, as stored, is the text scanned, as a text file's bytes are. Only plain text is
    read: ``text/plain``, or no Content-Type and no binary bytes."""
    content_type = record.headers.get("Content-Type")
    if content_type is not None and _media_type(content_type) not in TEXT_TYPES:
        raise SkipRecord("non_html")
    payload = _payload(record, reading, offset)
    if content_type is None and is_binary(payload):  # no type: text unless it is binary
        raise SkipRecord("non_html")
    ref = _reference(record, reading, offset, None, content_type)
    return _raw_page(record, ref, payload, payload, b"", reading)


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _read_resource(record: WarcRecord, reading: _Reading, offset: int) -> RawPage:
    """A ``resource`` record's page: a page saved whole (by ArchiveWeb.page, a tool
    writing a saved page with warcio), its block the page with no HTTP headers, read when
    it is HTML; or a page's text as Browsertrix keeps it (``urn:text:URL``), read as a
    ``conversion`` is. Other resources (``urn:view:`` screenshots, a crawl log) are no
    pages."""
    uri = _target_uri(record)
    if uri.startswith(TEXT_URNS):
        return _read_text(record, reading, offset)
    if uri.startswith(LOCAL_URIS):
        raise SkipRecord("local")
    if not uri.startswith(("http:", "https:")):
        raise SkipRecord("other")
    content_type = record.headers.get("Content-Type")
    payload = _payload(record, reading, offset)
    identified = record.headers.get("WARC-Identified-Payload-Type")
    if not is_html(content_type, identified, payload):
        raise SkipRecord("non_html")
    ref = _reference(record, reading, offset, None, content_type)
    return _raw_page(record, ref, payload, payload, b"", reading)


def _payload(record: WarcRecord, reading: _Reading, offset: int) -> bytes:
    """What is left of the record's block to read (all of it when FastWARC parsed no HTTP
    headers); ``TargetError`` when the file ends before it does."""
    expected = record.content_length
    payload = record.reader.read()
    if len(payload) < expected:
        raise TargetError(
            f"{reading.label}: record at byte {offset} ends early ({len(payload)} of {expected}"
            " payload bytes): truncated file or gzip member"
        )
    return payload


def _target_uri(record: WarcRecord) -> str:
    """The record's ``WARC-Target-URI``, without the angle brackets WARC 1.0's grammar and
    wget 1.19 put around it (warcio, which verify reads with, strips them too)."""
    return uri_text(record.headers.get_bytes(b"WARC-Target-URI") or b"").strip().strip("<>")


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def uri_text(raw: bytes) -> str:
    """A URI's bytes as a crawler wrote them (UTF-8 as a rule; wget writes a page's own
    link as its bytes), a byte that is no UTF-8 as its escape: ``caf\\xe9`` is ``caf%E9``, the
    URI the server was sent (it was decoded as U+FFFD, which made every such address one)."""
    text = raw.decode("utf-8", "surrogateescape")
    return _NOT_UTF8.sub(lambda byte: f"%{ord(byte[0]) - 0xDC00:02X}", text)


def _reference(
    record: WarcRecord,
    reading: _Reading,
    offset: int,
    status: int | None,
    content_type: str | None,
) -> WarcRecordRef:
    """The pointer a scanned record's rows keep (its length and payload hash still to come);
    ``SkipRecord`` when ``archive verify`` could not read it back by it."""
    uri = _target_uri(record)
    date = _record_date(record)
    record_id = _record_id(record)
    if not readable_back(page_url(uri)) or date is None or not record_id:
        raise SkipRecord("unreadable")
    return WarcRecordRef(
        warc_file=reading.warc_file,
        warc_offset=offset,
        warc_length=0,
        record_id=record_id,
        record_type=_record_type(record),
        target_uri=without_password(uri),  # wget writes the user:password it was given
        date=date,
        http_status=status,
        content_type=content_type,
        payload_sha256="",  # ``checked``
    )


def _record_id(record: WarcRecord) -> str:
    """The record's WARC-Record-ID as ``archive verify`` (warcio) reads it: UTF-8, else
    Latin-1. FastWARC puts U+FFFD for each byte that is not UTF-8: a row no verify matches."""
    raw = record.headers.get_bytes(b"WARC-Record-ID") or b""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _raw_page(
    record: WarcRecord,
    ref: WarcRecordRef,
    payload: bytes,
    body: bytes,
    head: bytes,
    reading: _Reading,
    refusal: str | None = None,
) -> RawPage:
    headers = record.headers
    digests = (declared_digest(headers.get(f"WARC-{kind}-Digest")) for kind in ("Payload", "Block"))
    segment = headers.get("WARC-Segment-Number")
    checks = (next(digests), segment, next(digests))
    # Only the page's start is here: the crawler cut it, or it is the first segment of a
    # segmented record (WARC 1.1, section 7), its rest in ``continuation`` records, not joined.
    cut = bool(headers.get("WARC-Truncated")) or segment is not None
    return RawPage(
        ref, payload, body, *checks, head=head, label=reading.label, refusal=refusal, truncated=cut
    )


def _whole_block(record: WarcRecord) -> bytes:
    """The record's block (its HTTP headers and payload, as stored), read without losing
    the place: FastWARC copies it into memory, then reads on from its start. Read for every
    page: its HTTP headers must end where verify's do, and its block digest must match."""
    record.freeze()
    block = record.reader.read()
    record.reader.seek(0)
    return block


def _digest_problem(raw: RawPage) -> str | None:
    """What ``archive verify`` would find wrong with a record's ``WARC-Payload-Digest`` and
    ``WARC-Block-Digest`` (its own check, run on the bytes in hand), or None. Only the pages
    kept are checked: nothing of a skipped record is stored."""
    payload, block = raw.payload_digest, raw.block_digest
    if (not payload or _digest_matches(payload, raw.payload)) and (
        not block or _digest_matches(block, raw.head, raw.payload)
    ):
        return None  # nothing to check, or matches warcio would find: it is not loaded
    from .evidence.read import digest_problem

    return digest_problem(raw.head, raw.payload, payload, block, raw.segment)


_DIGEST_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*:")


def declared_digest(value: str | None) -> str | None:
    """The digest a ``WARC-Payload-Digest`` or ``WARC-Block-Digest`` field declares, or None.
    A value that does not start with an algorithm's label (``sha1:``, WARC's
    ``labelled-digest``) declares none and is not checked, as an absent field is: wget 1.21
    run with ``--no-warc-digests`` writes both fields all the same, from buffers it never
    filled (empty, or a few stray bytes), and every page of such a crawl failed its check.
    A digest of an algorithm hashlib knows that does not hold (``sha1:AAAA``, ``sha1:not
    base32!``) is still a failure. One labelled with an algorithm hashlib does not know
    (``blake9:…``) cannot be checked, by the scan or by verify, and is passed over as no
    digest: stray bytes often look labelled (``Content-Type: text/html``, a header wget's
    buffer held before), and refusing them lost pages at random."""
    label = _DIGEST_LABEL.match(value or "")
    if value is None or label is None:
        return None
    algorithm = label.group(0)[:-1].lower()
    known = hashlib.algorithms_available
    return value if algorithm in known or algorithm.replace("-", "") in known else None


def _digest_matches(declared: str, *parts: bytes) -> bool:
    """``declared`` is ``sha1:`` or ``sha256:`` and the digest of ``parts`` in base32, as
    crawlers write it: warcio's check passes such a digest (it compares the base32 text),
    so only the others need warcio (about 0.1 s to load)."""
    algorithm, _, value = declared.partition(":")
    if algorithm not in ("sha1", "sha256"):
        return False
    digest = hashlib.new(algorithm)
    for part in parts:
        digest.update(part)
    return value == base64.b32encode(digest.digest()).decode("ascii")


_WHITESPACE = re.compile(r"\s")  # what ``str.isspace`` is true of, in one pass in C


def readable_back(uri: str) -> bool:
    """Whether ``archive verify`` (warcio) reads the record of ``uri`` as this reader does:
    it parses a response's HTTP headers only under a lower-case ``http:``/``https:`` URI,
    and rewrites one with spaces. Any other (``HTTP://…``, ``urn:…``, ``not a url``) would
    be stored, then fail every verify and stop every export."""
    return uri.startswith(("http:", "https:")) and not _WHITESPACE.search(uri)


def _http_headers(record: WarcRecord) -> HeaderMap:
    """The record's HTTP headers; ``SkipRecord`` when it has none, or none FastWARC can read
    (a header line over 32 KB, the file ending inside them)."""
    if not record.is_http:
        raise SkipRecord("non_html")
    try:
        record.parse_http(auto_decode="none")
    except OSError:
        raise SkipRecord("unreadable") from None
    if record.http_headers is None:
        raise SkipRecord("unreadable")
    return record.http_headers


def _record_type(record: WarcRecord) -> str:
    return str(record.record_type).rsplit(".", 1)[-1]


def is_html(content_type: str | None, identified: str | None, payload: bytes) -> bool:
    declared = (content_type or identified or "").lower()
    if declared:
        return any(kind in declared for kind in HTML_TYPES)
    from .detect import looks_like_html

    return looks_like_html(payload)
