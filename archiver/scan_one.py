"""One target read and detected: a page file, standard input, or an article URL fetched
through ``http.Http``. These run in worker processes (files) or threads (URLs), so every
failure comes back as a value (``TargetFailed``, or a record carrying its error), never as
an exception that would end the batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from .clock import utcnow
from .errors import ContentTypeError, FetchError, TargetError
from .evidence.capture import capture_of, served_on_the_way
from .evidence.pages import prepare_frames, prepare_page
from .frame_posts import folder_frame_names, folder_frames, framed, part_frame_names
from .models import FrameFile, ScanRecord
from .normalize import sha256_hex
from .page_read import check_page_bytes, page_suffix, read_local_page
from .refresh import refresh_target
from .saved_pages import FrameDocument, saved_from, saved_page
from .scan_targets import Target
from .urls import absolute_url, article_url, file_url, without_password

if TYPE_CHECKING:
    from .evidence.warc import HttpCapture
    from .http import Exchange, Http


TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


PAGE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)


class TargetFailed(NamedTuple):
    """A target that gave no page to save (unreadable file, bad URL scheme, WARC error...)."""

    error: str


Result = ScanRecord | TargetFailed  # what reading one target gives


def detect_record(
    url: str,
    data: bytes,
    *,
    started_at: str,
    include_links: bool,
    content_type: str | None = None,
    is_html: bool | None = None,
    final_url: str | None = None,
    http_status: int | None = None,
    source: str | None = None,
    page_url: str | None = None,
    frames: Callable[[str], str | None] | None = None,
) -> ScanRecord:
    """Detection on a page's bytes, packed as a record for ``save_scan``. The embeds'
    fingerprints are computed here: in the worker process, not in the one that saves.
    A page that breaks a detector gets a record carrying the error: the scan goes on.
    ``page_url`` is where a saved page came from, when its file says so; ``frames`` names
    the posts of its local frame files (``find_posts``)."""
    from .detect import detect_or_fail

    final_url = without_password(final_url) if final_url else None
    detection, error = detect_or_fail(
        data,
        url,
        content_type=content_type,
        include_links=include_links,
        html=is_html,
        url=page_url or final_url or url,
        frames=frames,
    )
    page = detection.page
    if page.canonical_url:  # <link rel=canonical href="/a"> as an address
        canonical = absolute_url(page.canonical_url, final_url) if final_url else None
        page = page._replace(canonical_url=without_password(canonical or page.canonical_url))
    return ScanRecord(
        url=url,
        started_at=started_at,
        finished_at=utcnow(),
        source=source,
        final_url=final_url,
        http_status=http_status,
        content_sha256=sha256_hex(data),
        page=page,
        embeds=detection.embeds,
        fingerprints=[embed.fingerprint for embed in detection.embeds],
        error=error,
    )


def scan_file(
    path: str, include_links: bool, real_path: str | None = None, evidence: bool = False
) -> Result:
    """Read and detect one local file (runs in worker processes; errors come back as values).
    With ``evidence``, a page to be kept has its WARC record's payload made ready here. A
    gzip file is scanned as the page it holds, as an HTTP body's Content-Encoding is undone:
    the record's hash and the embeds' byte ranges are the page's, the evidence the file."""
    started = utcnow()
    try:
        read = read_local_page(path)
    except TargetError as exc:
        return TargetFailed(str(exc))
    is_html = False if page_suffix(path) in TEXT_SUFFIXES else None
    try:
        record = _detect_local(
            file_url(real_path or os.path.realpath(path)),
            read.page,
            path,
            started_at=started,
            include_links=include_links,
            is_html=is_html,
            source="file",
            path=path,
        )
    except TargetError as exc:
        return TargetFailed(str(exc))
    if evidence:
        record.capture = prepare_page(record, read)
        record.frames = prepare_frames(record)
    else:
        record.frames = ()
    return record


def scan_stdin(data: bytes, include_links: bool) -> ScanRecord:
    check_page_bytes("<stdin>", data)
    started = utcnow()
    record = _detect_local(
        f"stdin:{sha256_hex(data)[:16]}",
        data,
        "<stdin>",
        started_at=started,
        include_links=include_links,
        source="stdin",
    )
    record.capture = data
    return record


def _detect_local(
    url: str,
    data: bytes,
    label: str,
    *,
    is_html: bool | None = None,
    path: str | None = None,
    **options: Any,
) -> ScanRecord:
    """``detect_record`` of a local page; a page saved as one file (MHTML, e-mail, web archive) is
    detected in its page while the record keeps the file's hash (the archive keeps
    the file as given). Its embeds have no byte range: their markup is encoded in the file.
    The address a saved page came from (its browser's mark) is its canonical URL when it
    names none, and tells X's own pages (a saved post frame) from articles. A post rendered
    in a frame the save kept (a part, a subframe, a file of the page's ``_files`` folder
    named by ``path``'s iframes) is read from that frame's document (``frame_posts``)."""
    document = saved_page(data, label)
    if document is None:
        origin = saved_from(data)
        frames = folder_frame_names(path) if path is not None else None
        record = detect_record(
            url, data, is_html=is_html, page_url=origin, frames=frames, **options
        )
        if path is not None:
            _with_frames(record, lambda: folder_frames(data, path))
        return _with_origin(record, origin)
    record = detect_record(
        url,
        document.html,
        content_type=document.content_type,
        page_url=document.location,
        frames=part_frame_names(document.frames),
        **options,
    )
    record.content_sha256 = sha256_hex(data)
    record.embeds = [
        embed._replace(raw_start=None, raw_end=None, raw_sha256=None) for embed in record.embeds
    ]
    if document.frames:
        _with_frames(record, lambda: document.frames)
    return _with_origin(record, document.location)


def _with_frames(record: ScanRecord, frames: Callable[[], Iterable[FrameDocument]]) -> None:
    """The record's text-less embeds filled in from the frames that show their posts; the
    frame files of its own they were read from are the record's ``frames``."""
    if not record.embeds:
        return
    filled = framed(record.embeds, frames)
    record.embeds = [embed for embed, _ in filled]
    record.fingerprints = [embed.fingerprint for embed in record.embeds]
    files: dict[str, list[int]] = {}
    read: dict[str, bytes] = {}
    for index, (_, frame) in enumerate(filled):
        if frame is not None and frame.path is not None:
            files.setdefault(frame.path, []).append(index)
            read[frame.path] = frame.html
    record.frames = [
        FrameFile(file_url(path), tuple(indexes), sha256_hex(read[path]), read[path])
        for path, indexes in files.items()
    ]


def _with_origin(record: ScanRecord, origin: str | None) -> ScanRecord:
    if origin and not record.page.canonical_url:
        record.page = record.page._replace(canonical_url=without_password(origin))
    return record


REDIRECTS = frozenset({301, 302, 303, 307, 308})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
XML_TYPES = frozenset({"application/xml", "text/xml"})


def _source_hint(media_type: str) -> str:
    """What to do with a feed or a sitemap given as an article: the worker reads them."""
    if media_type in FEED_TYPES:
        return ': a feed? list it as a [[sources]] of type "feed" for archive worker'
    if media_type in XML_TYPES:
        return ": a feed or a sitemap? list it as a [[sources]] for archive worker"
    return ""


class ArticleStatusError(FetchError):
    """An article answered with an HTTP error, or with a body its Content-Encoding does not
    undo to its end; ``exchange`` is the answer (evidence when the article had embeds: a
    page that now says 404 is part of its story)."""

    def __init__(self, message: str, *, url: str, exchange: Exchange) -> None:
        super().__init__(message, url=url, status_code=exchange.status_code)
        self.exchange = exchange


def fetch_article(http: Http, url: str) -> Exchange:
    """GET an article page (retried and throttled by ``http``). What is not a page is refused
    before its body is read; an HTTP error is raised once its body was read (and recorded).

    Raises ``FetchError`` (with ``status_code`` for HTTP errors) or ``ContentTypeError``.
    """

    def accept(response) -> None:
        status = response.status_code
        media_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
        if status < 400 and media_type and media_type not in PAGE_TYPES:
            why = f"not a web page (Content-Type {media_type}){_source_hint(media_type)}"
            raise ContentTypeError(f"{url}: {why}", url=url, status_code=status)

    from .http import UNDECODED  # httpx is loaded by now (a scan of files never loads it)

    exchange = http.get(url, accept=accept, keep_undecoded=True)
    status = exchange.status_code
    undecoded = exchange.notes.get(UNDECODED)
    if undecoded and status < 300:  # refused, its answer as served kept as an HTTP error's is
        raise ArticleStatusError(f"{url}: {undecoded}", url=url, exchange=exchange)
    if status >= 300:  # a 3xx here was not followed: it had no Location (or is a 304)
        phrase = exchange.response.reason_phrase
        why = (
            " (a redirect with no Location to follow)"
            if status in REDIRECTS
            else " (to a request without validators)"
            if status == 304  # an article is always asked for whole
            else ""
        )
        raise ArticleStatusError(
            f"{url}: HTTP {status} {phrase}".rstrip() + why, url=url, exchange=exchange
        )
    return exchange


MAX_REFRESHES = 3  # pages in a row that send the reader on with a meta refresh
HTML_TYPES = ("text/html", "application/xhtml+xml")


def fetch_followed(http: Http, url: str) -> tuple[Exchange, tuple[HttpCapture, ...]]:
    """The article's answer, after the pages that sent the reader on to it with a meta
    refresh (``archiver.refresh``), as a browser goes on; and the exchanges that led there
    (each page's HTTP redirects, then the page), kept before it as its redirects are."""
    page = fetch_article(http, url)
    earlier: tuple[HttpCapture, ...] = ()
    for followed in range(MAX_REFRESHES + 1):
        media_type = (page.content_type or "text/html").split(";")[0].strip().lower()
        target = (
            refresh_target(page.body, page.final_url, page.content_type)
            if media_type in HTML_TYPES
            else None
        )
        if target is None:
            return page, earlier
        capture = capture_of(page)
        earlier = (*earlier, *capture.redirects, capture._replace(redirects=()))
        if followed == MAX_REFRESHES:
            break
        if why := http.way_refused(url, target):
            raise _refused_refresh(url, target, why, earlier)
        try:
            page = fetch_article(http, target)
        except FetchError as exc:
            exc.refreshed_from = earlier
            raise _named_by_start(exc, url, target) from None
    error = FetchError(f"{url}: too many meta refreshes ({MAX_REFRESHES} pages in a row)", url=url)
    error.refreshed_from = earlier
    raise error


def _named_by_start(exc: FetchError, url: str, target: str) -> FetchError:
    """The error of a page a meta refresh led to, named by the address that was asked for
    (in a list of URLs, which one failed), then where the refresh led."""
    message = str(exc)
    reason = message.removeprefix(f"{target}: ")
    exc.args = (f"{url}: after a meta refresh to {target}: {reason}",)
    return exc


def _refused_refresh(
    url: str, target: str, why: str, earlier: tuple[HttpCapture, ...]
) -> FetchError:
    """A meta refresh from a public address to a private one, or to a name that gave no
    answer in time (``why``: ``Http.way_refused``), not followed (see ``archiver.inward``);
    the pages that were served are kept, as a refused redirect is."""
    from .http import NOT_INWARD, PRIVATE_ADDRESS

    if why == PRIVATE_ADDRESS:
        why = f"meta refresh to a private address ({target}), {NOT_INWARD}"
    else:
        why = f"meta refresh to {target} not followed: {why}"
    error = FetchError(f"{url}: {why}", url=url)
    error.refreshed_from = earlier
    return error


def served_before(error: FetchError) -> HttpCapture | None:
    """What a failed fetch was served, as evidence: an HTTP error's answer after the pages
    and redirects that led to it; else the last answer that came (a redirect whose next hop
    failed, a page whose refresh did) after those before it. None when nothing came."""
    if isinstance(error, ArticleStatusError):
        return _led_to(capture_of(error.exchange), error.refreshed_from)
    return served_on_the_way(error)


def _led_to(capture: HttpCapture, refreshed_from: tuple[HttpCapture, ...]) -> HttpCapture:
    """``capture`` with the pages that refreshed to it before its own redirects."""
    return capture._replace(redirects=(*refreshed_from, *capture.redirects))


def scan_url(http: Http, target: Target, include_links: bool) -> ScanRecord:
    """Fetch and detect one article. A failed fetch gives a record carrying the error."""
    url = target.value
    # The article's identity (tracking parameters, fragment and any password removed); the
    # address as fetched is kept as final_url (without its password: ``without_password``,
    # the error too, and the record's address, ``capture_of``; the request sends it). A
    # queued article keeps the URL of its row.
    identity = url if target.reschedule else article_url(url)
    started = utcnow()
    try:
        page, refreshed_from = fetch_followed(http, url)
        check_page_bytes(url, page.body, saved_pages=False)
    except (FetchError, TargetError) as exc:
        record = ScanRecord(
            url=identity,
            started_at=started,
            finished_at=utcnow(),
            source=target.source,
            http_status=getattr(exc, "status_code", None),
            error=without_password(str(exc)),
        )
        if isinstance(exc, FetchError):
            record.capture = served_before(exc)
    else:
        record = detect_record(
            identity,
            page.body,
            started_at=started,
            include_links=include_links,
            content_type=page.content_type,
            final_url=page.final_url,
            http_status=page.status_code,
            source=target.source,
        )
        record.capture = _led_to(capture_of(page), refreshed_from)
    record.reschedule, record.next_scan_at = target.reschedule, target.next_scan_at
    return record
