"""Detection over a WARC file's pages: pure (no database), so it runs the same in a local
``archive scan`` and on a Dask worker of ``archive crawl``.

A page's scan is dated by its ``WARC-Date`` (when the crawler fetched it), not by when it
was scanned: the same record gives the same rows whichever machine scans it, and whenever.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .clock import as_timestamp
from .detect import detect_or_fail
from .models import Embed, ScanRecord
from .urls import article_url
from .warc_input import (
    DamagedRecord,
    RawPage,
    WarcCounts,
    WarcPage,
    checked,
    is_text_record,
    iter_warc_pages,
    page_url,
)

SOURCE = "warc"


def scan_warc_page(page: WarcPage, include_links: bool) -> ScanRecord:
    """Detection on one HTML response record, or one page's extracted text (a WET file's
    ``conversion`` record: read as a text file is), packed as a record for the archive."""
    ref = page.ref
    address = page_url(ref.target_uri)  # a Browsertrix text's page, not its urn:text:
    detection, error = detect_or_fail(
        page.body,
        ref.target_uri,
        content_type=ref.content_type,
        include_links=include_links,
        html=not is_text_record(ref),
        url=address,  # a crawl's pages from X's own hosts are not articles
    )
    return ScanRecord(
        url=article_url(address),  # the article's identity, as for fetched URLs
        final_url=address,  # the address as the crawler fetched it
        started_at=as_timestamp(ref.date),  # a date alone, at its day's start
        finished_at=as_timestamp(ref.date),
        source=SOURCE,
        http_status=ref.http_status,
        content_sha256=ref.payload_sha256,  # the same bytes: the payload, decoded
        page=detection.page,
        embeds=_whole_before_cut(detection.embeds, len(page.body), detection.from_scripts)
        if page.truncated
        else detection.embeds,
        record=ref,
        cut=page.truncated,
        error=error,
    )


def _whole_before_cut(embeds: Sequence[Embed], size: int, from_scripts: int) -> list[Embed]:
    """A truncated page's embeds without the one the crawler's cut went through: the last
    in the page, unless its markup was found whole before the cut (an embed cut in two reads
    as a text-only post with part of its text, its markup not located). The ``from_scripts``
    embeds read from the page's scripts come after the page's own and are whole (each is
    in a JSON string that closed before the cut)."""
    own = sorted(embeds, key=lambda embed: embed.position)[: len(embeds) - from_scripts]
    if not own:
        return list(embeds)
    last = own[-1]
    if last.raw_end is not None and last.raw_end < size:
        return list(embeds)
    return [embed for embed in embeds if embed is not last]


def scan_warc_file(
    path: str, include_links: bool, counts: WarcCounts
) -> Iterator[ScanRecord | DamagedRecord]:
    """Every HTML page of a WARC file, scanned, in file order (streamed: one page at a time),
    and in its place each page whose payload fails its digest (not scanned).

    Raises what ``iter_warc_pages`` raises, after the pages read before the problem.
    """
    for page in iter_warc_pages(path, counts):
        yield scan_warc_item(page, include_links)


def scan_warc_item(
    page: WarcPage | DamagedRecord, include_links: bool
) -> ScanRecord | DamagedRecord:
    """A page scanned; a page failing its digest as it is (not scanned)."""
    return page if isinstance(page, DamagedRecord) else scan_warc_page(page, include_links)


def scan_warc_items(
    raws: list[RawPage | DamagedRecord], include_links: bool
) -> list[ScanRecord | DamagedRecord]:
    """Each page checked and scanned (a chunk of a file, in a worker process of
    ``archive scan``)."""
    return [scan_warc_item(checked(raw), include_links) for raw in raws]
