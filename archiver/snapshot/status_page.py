"""Read a post's own page (``twitter.com/{handle}/status/{id}``, as an archive captured it).

Three layers of the page say who wrote what, and captures of different years keep
different ones, so each is read and the fullest wins:

* the permalink post's markup (2014-2020 pages): ``data-screen-name``, ``data-name``,
  ``data-time`` and the ``p.tweet-text`` paragraph;
* ``og:description`` (``“TEXT”``) with ``og:title`` (``Name on Twitter``, later
  ``Name (@handle) on X``) and ``og:url``;
* the ``<title>``, in our title form ``Name on Twitter: "TEXT"`` (``… / X`` later).

A page that has none of them (a script shell, a login wall) is no evidence of the post.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ..decode import decode
from ..detect.dom import Node, get, text_content
from ..detect.dom import parse as parse_html
from ..detect.post_titles import parse_title
from ..normalize import clean_text, strip_title_wrapper
from ..urls import clean_handle, find_status
from .answers import failure, http_failure, not_found
from .result import LIVE, OK, WRONG_SHAPE, ProviderResult

STATUS_PAGE = "status_page"
_OG_TITLE = re.compile(
    r"^(?P<name>.*?)\s*(?:\(@(?P<handle>[A-Za-z0-9_]{1,15})\))?\s+on (?:Twitter|X)$"
)
_QUOTES = '"“”'


def parse_status_page(http_status: int, content_type: str | None, body: bytes) -> ProviderResult:
    """The post a status page shows, as a ``live`` answer; a failure when it shows none.
    The page is read in the character set it declares (BOM, the replayed ``Content-Type``,
    ``<meta charset>``), as a browser reads it; the payload keeps the bytes served."""
    p = STATUS_PAGE
    if http_status == 404:
        return not_found(p, body)
    if http_status != 200:
        return http_failure(p, http_status, content_type, body)
    try:
        root = parse_html(decode(body, content_type))
    except ValueError as exc:
        return failure(p, 200, WRONG_SHAPE, f"not a readable HTML page ({exc})", body)
    meta = _meta(root)
    found = find_status(meta.get("og:url", "") or _canonical(root))
    post_id, handle = found if found else (None, None)
    tweet = _permalink_tweet(root, post_id)
    title = parse_title(_title(root))
    og_title = _OG_TITLE.match(clean_text(meta.get("og:title")))
    text = _tweet_text(tweet) or _unquote(meta.get("og:description"))
    text = text or (title[1] if title else None)
    author = _attr(tweet, "data-name") or (title[0] if title else None)
    author = author or (og_title.group("name") if og_title else None)
    handle = clean_handle(_attr(tweet, "data-screen-name")) or handle
    if not handle and og_title:
        handle = clean_handle(og_title.group("handle"))
    if not text:
        return failure(p, 200, WRONG_SHAPE, "page shows no post text (a script shell?)", body)
    return ProviderResult(
        p,
        200,
        OK,
        LIVE,
        True,
        post_id=post_id or _attr(tweet, "data-tweet-id"),
        author_name=clean_text(author) or None,
        handle=handle,
        text=clean_text(text),
        created_at=_epoch_time(tweet),
        payload=body,
    )


def _meta(root: Node) -> dict[str, str]:
    """``<meta property|name=… content=…>`` by lowercased name, the first of each."""
    found: dict[str, str] = {}
    for element in root.css("meta"):
        name = (get(element, "property") or get(element, "name") or "").strip().lower()
        content = get(element, "content")
        if name and content is not None and name not in found:
            found[name] = content
    return found


def _canonical(root: Node) -> str:
    for link in root.css("link"):
        if "canonical" in (get(link, "rel") or "").lower().split():
            return get(link, "href") or ""
    return ""


def _title(root: Node) -> str:
    element = root.css_first("title")
    return clean_text(text_content(element)) if element is not None else ""


def _permalink_tweet(root: Node, post_id: str | None) -> Node | None:
    """The element of the page's own post (not a reply or a quoted post around it)."""
    candidates = root.css("[data-tweet-id][data-screen-name]")
    for element in candidates:
        if post_id and get(element, "data-tweet-id") == post_id:
            return element
    permalink = [e for e in candidates if "permalink-tweet" in (get(e, "class") or "")]
    return permalink[0] if permalink else None


def _attr(element: Node | None, name: str) -> str | None:
    return get(element, name) if element is not None else None


def _tweet_text(tweet: Node | None) -> str | None:
    if tweet is None:
        return None
    for paragraph in tweet.css("p"):
        if "tweet-text" in (get(paragraph, "class") or "").split():
            return text_content(paragraph)
    return None


def _unquote(description: str | None) -> str | None:
    """``“TEXT”`` (og:description) → ``TEXT``."""
    text = clean_text(description)
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        return strip_title_wrapper(text[1:-1]) or None
    return text or None


def _epoch_time(tweet: Node | None) -> str | None:
    if tweet is None:
        return None
    for element in tweet.css("[data-time]"):
        value = get(element, "data-time")
        if value and value.isdigit():
            moment = datetime.fromtimestamp(int(value), UTC)
            return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None
