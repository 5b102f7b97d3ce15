"""Parsing X's oEmbed answer (``publish.twitter.com/oembed``, x-embeds.md §3a): the author
and text read from its publish blockquote, or a failure.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..detect.blockquotes import read_blockquote
from ..detect.dom import Node, elements, get
from ..detect.dom import parse as parse_html
from ..urls import clean_handle, find_status
from .answers import (
    OEMBED,
    as_str,
    body_error,
    error_of,
    failure,
    http_failure,
    is_markup,
    iso_time,
    load_json,
    media_item,
    not_found,
    not_json,
    verbatim,
)
from .classify import classify_oembed_forbidden
from .display import looks_cut_long, oembed_links, oembed_text
from .result import (
    API_ERROR,
    FORBIDDEN,
    INVALID_JSON,
    LIVE,
    NOT_JSON,
    OK,
    WRONG_SHAPE,
    ProviderResult,
    post_time,
)


def parse_oembed(http_status: int, content_type: str | None, body: bytes) -> ProviderResult:
    """Parse a publish.twitter.com ``oembed`` answer (x-embeds.md §3a)."""
    p = OEMBED
    if http_status == 404:  # deleted, never existed, or a spurious 404 under load
        return not_found(p, body)
    if http_status == 403:
        message = body_error(content_type, body)
        status, reason, conclusive = classify_oembed_forbidden(message)
        if conclusive:
            return ProviderResult(
                p, 403, FORBIDDEN, status, True, reason=reason, notice=message, payload=body
            )
        detail = f": {message}" if message else ""
        return failure(p, 403, FORBIDDEN, f"HTTP 403 forbidden{detail}", body)
    if http_status != 200:
        return http_failure(p, http_status, content_type, body)
    if is_markup(content_type, body):
        return failure(p, 200, NOT_JSON, not_json(200, content_type), body)
    value, why = load_json(body)
    if why:
        return failure(p, 200, INVALID_JSON, f"HTTP 200 with {why}", body)
    if not isinstance(value, dict):
        return failure(
            p, 200, WRONG_SHAPE, f"expected a JSON object, got {type(value).__name__}", body
        )
    error_text = error_of(value)
    if error_text and "html" not in value:
        return failure(p, 200, API_ERROR, f"HTTP 200 with error: {error_text}", body)
    return _oembed_post(value, body)


def _oembed_post(value: dict, body: bytes) -> ProviderResult:
    """A 200 oEmbed answer with its ``html``: the post as its blockquote displays it."""
    markup = value.get("html")
    if not isinstance(markup, str) or "<blockquote" not in markup.lower():
        return failure(OEMBED, 200, WRONG_SHAPE, "JSON has no blockquote in 'html'", body)
    try:
        blockquote = parse_html(markup).css("blockquote")[0]
        found = read_blockquote(blockquote)
    except (IndexError, ValueError) as exc:
        error = f"cannot read the 'html' blockquote: {exc}"
        return failure(OEMBED, 200, WRONG_SHAPE, error, body)
    author_url = as_str(value.get("author_url")) or ""
    handle = clean_handle(urlsplit(author_url).path.strip("/").split("/")[-1]) or found.handle
    post_url = as_str(value.get("url")) or ""
    status_id = (find_status(post_url) or (found.status_id, None))[0] or found.status_id
    paragraph = next((child for child in elements(blockquote) if child.tag == "p"), None)
    text, links = oembed_text(paragraph) if paragraph is not None else (found.text or "", [])
    media = [media_item(None, None, tco=href, display_url=shown) for href, shown in links]
    cut = looks_cut_long(text)  # a long post: oEmbed shows only its first ~280 characters
    return ProviderResult(
        OEMBED,
        200,
        OK,
        LIVE,
        True,
        post_id=status_id,
        author_name=verbatim(value.get("author_name")) or found.author,
        handle=handle,
        text=text or None,
        created_at=post_time(status_id, _signature_time(blockquote) or found.date),
        media=media,
        links=oembed_links(paragraph) if paragraph is not None else [],
        quoted_id=_quoted_in_text(blockquote, status_id),
        truncated=cut,
        partial=cut,
        payload=body,
    )


def _signature_time(blockquote: Node) -> str | None:
    """The full time some old markup puts on the date link (``data-datetime``), in UTC."""
    for a in reversed([child for child in elements(blockquote) if child.tag == "a"]):
        moment = iso_time(get(a, "data-datetime"))
        if moment:
            return moment
    return None


def _quoted_in_text(blockquote: Node, own_id: str | None) -> str | None:
    """A status linked inside the text ``<p>`` (a quoted post), other than the post itself."""
    for paragraph in blockquote.css("p"):
        for a in paragraph.css("a"):
            found = find_status(get(a, "href") or "")
            if found and found[0] != own_id:
                return found[0]
    return None
