"""The two no-auth providers: request builders and response parsers (no I/O here).

The caller sends ``GET url?params`` and passes the HTTP status, ``Content-Type`` and raw body
to the parser, which never raises on a bad answer: every outcome (x-embeds.md §3a, §3b
T1-T8, 429, 5xx, invalid JSON) becomes a ``ProviderResult``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from lxml import etree

from ..detect.dom import Node, elements, get
from ..detect.dom import parse as parse_html
from ..detect.html import read_blockquote
from ..normalize import clean_text
from ..urls import canonical_id, canonical_url, clean_handle, find_status
from .classify import (
    classify_oembed_forbidden,
    classify_tombstone,
    classify_unavailable_reason,
    tombstone_text,
)
from .display import oembed_text, syndication_text
from .result import (
    API_ERROR,
    EMPTY,
    FORBIDDEN,
    HTTP_ERROR,
    INVALID_JSON,
    LIVE,
    NETWORK_ERROR,
    NO_USER,
    NOT_FOUND,
    NOT_JSON,
    OK,
    RATE_LIMITED,
    SERVER_ERROR,
    TOMBSTONE,
    UNAVAILABLE,
    WRONG_SHAPE,
    ProviderResult,
    post_time,
)
from .token import syndication_token

SYNDICATION = "syndication"
OEMBED = "oembed"

_RESOLUTION = re.compile(r"/(\d{2,5})x(\d{2,5})/")


# --- requests -----------------------------------------------------------------------------


def syndication_request(base_url: str, post_id: str) -> tuple[str, dict[str, str]]:
    """``GET {base_url}?id=ID&token=T&lang=en`` as (url, params); ValueError for a bad ID."""
    canonical = canonical_id(post_id)
    if not canonical:
        raise ValueError(f"not a status ID: {post_id!r}")
    return base_url, {"id": canonical, "token": syndication_token(canonical), "lang": "en"}


def oembed_request(base_url: str, post_url: str) -> tuple[str, dict[str, str]]:
    """``GET {base_url}?url=POST_URL&omit_script=1&dnt=true`` as (url, params).

    A bare status ID is turned into its canonical ``https://x.com/i/status/ID`` URL.
    """
    canonical = canonical_id(post_url)
    if canonical:
        post_url = canonical_url(canonical)
    return base_url, {"url": post_url, "omit_script": "1", "dnt": "true"}


def request_url(url: str, params: dict[str, str]) -> str:
    """The full request URL (for ``snapshots.request_url``), query appended to any existing."""
    if "?" not in url and "#" not in url:  # the usual case: no split and join per request
        return f"{url}?{urlencode(params)}"
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


# --- shared helpers -----------------------------------------------------------------------


def network_failure(provider: str, message: str) -> ProviderResult:
    """The result for a request that got no HTTP answer (connect error, timeout, reset)."""
    return ProviderResult(
        provider,
        None,
        NETWORK_ERROR,
        UNAVAILABLE,
        False,
        retryable=True,
        error=f"{provider}: {message}",
    )


def _failure(
    provider: str,
    http_status: int | None,
    outcome: str,
    error: str,
    body: bytes,
    *,
    absent: bool = False,
    retryable: bool = False,
    reason: str | None = None,
) -> ProviderResult:
    return ProviderResult(
        provider,
        http_status,
        outcome,
        UNAVAILABLE,
        False,
        reason=reason,
        absent=absent,
        retryable=retryable,
        error=f"{provider}: {error}",
        payload=body,
    )


def _not_found(provider: str, body: bytes) -> ProviderResult:
    """HTTP 404: proves nothing alone (both endpoints send it for live posts under load)."""
    return _failure(
        provider,
        404,
        NOT_FOUND,
        "HTTP 404 not found (inconclusive)",
        body,
        absent=True,
        reason="not_found",
    )


def _looks_like_html(content_type: str | None, body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" in (content_type or "").lower() or head.startswith((b"<!doctype", b"<html", b"<"))


def _is_markup(content_type: str | None, body: bytes) -> bool:
    """An HTML page where JSON was asked for: by its content type, or by its first bytes
    whatever it is labelled (a block page served as ``application/json``)."""
    labelled_json = "json" in (content_type or "").lower()
    return _looks_like_html(None if labelled_json else content_type, body)


def _not_json(http_status: int, content_type: str | None) -> str:
    kind = (content_type or "").split(";")[0].strip() or "no content type"
    return f"HTTP {http_status} with an HTML page ({kind}) instead of JSON: blocked or throttled?"


def _load_json(body: bytes) -> tuple[object, str | None]:
    """(value, None) or (None, why it is not JSON). Lone surrogates become U+FFFD."""
    if not body.strip():
        return None, "empty body"
    try:
        value = json.loads(body.decode("utf-8-sig"), parse_int=_bounded_int)
        return (_well_formed(value) if _SURROGATE_ESCAPE.search(body) else value), None
    except UnicodeDecodeError as exc:
        return None, f"body is not UTF-8 ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON (nested too deeply to read)"


# ``\uD800``-``\uDFFF`` escapes. X's JSON may escape an emoji as a surrogate pair, and JSON
# lets a string hold half of one (RFC 8259 §8.2), which Python's parser keeps as it is.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(value: object) -> object:
    """``value`` with each lone surrogate in its strings replaced by U+FFFD, as a browser
    shows it (paired escapes were joined by the parser). A lone surrogate cannot be written
    as UTF-8: one in a post's text made saving the check fail and the whole run stop. The
    raw body keeps the escape as it came. Iterative: the nesting is as deep as the JSON's."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    stack = [value] if isinstance(value, (dict, list)) else []
    while stack:
        item = stack.pop()
        children: Any = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in list(children):
            if isinstance(child, str):
                item[key] = _LONE_SURROGATE.sub("\ufffd", child)
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return value


INT_DIGITS = 100  # no field X sends is longer; Python refuses to read 4,300 digits


def _bounded_int(text: str) -> int | None:
    """A JSON integer, or None for one longer than any field holds (a 5,000-digit
    ``favorite_count`` made the whole reply unreadable)."""
    return int(text) if len(text.lstrip("-")) <= INT_DIGITS else None


def _body_error(content_type: str | None, body: bytes) -> str | None:
    """The error message of an error body: JSON (``error``, ``errors``) or X's old XML
    ``<errors><error code="64">…</error></errors>`` (the retired v1 endpoints' 410)."""
    if _is_xml(content_type, body):
        return _xml_error(body)
    return _error_of(_load_json(body)[0])


def _error_of(value: object) -> str | None:
    """The message of parsed JSON that is an error: ``{"error": "…"}``, ``{"error":
    {"message": …}}``, ``{"errors": [{"code": …, "message": "…"}]}`` or ``{"errors":
    ["…"]}`` (several messages are joined with "; ")."""
    if not isinstance(value, dict):
        return None
    error = value.get("error")
    if isinstance(error, str) and error:
        return error
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    messages = [_error_item(item) for item in _list(value.get("errors"))]
    return "; ".join(m for m in messages if m) or None


def _error_item(item: object) -> str | None:
    if isinstance(item, str):
        return item.strip() or None
    if not isinstance(item, dict) or not isinstance(item.get("message"), str):
        return None
    code = item.get("code")
    return f"{item['message']} (code {code})" if isinstance(code, int) else item["message"]


def _is_xml(content_type: str | None, body: bytes) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind.endswith(("/xml", "+xml")):
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")


def _xml_error(body: bytes) -> str | None:
    """``<errors><error code="N">message</error>…</errors>`` → "message (code N)"."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    messages = []
    for error in root.iter("error"):
        text = " ".join("".join(error.itertext()).split())
        code = error.get("code")
        if text:
            messages.append(f"{text} (code {code})" if code else text)
    return "; ".join(messages) or None


def _http_failure(
    provider: str, http_status: int, content_type: str | None, body: bytes
) -> ProviderResult:
    """429, 5xx and other unexpected statuses: never conclusive."""
    detail = _body_error(content_type, body)
    suffix = f": {detail}" if detail else ""
    if http_status == 429:
        return _failure(
            provider, 429, RATE_LIMITED, f"HTTP 429 rate limited{suffix}", body, retryable=True
        )
    if http_status >= 500:
        return _failure(
            provider,
            http_status,
            SERVER_ERROR,
            f"HTTP {http_status} server error{suffix}",
            body,
            retryable=True,
        )
    if detail:
        return _failure(provider, http_status, API_ERROR, f"HTTP {http_status}{suffix}", body)
    if _is_xml(content_type, body):
        error = f"HTTP {http_status} with XML instead of JSON"
        return _failure(provider, http_status, NOT_JSON, error, body)
    if _looks_like_html(content_type, body):
        return _failure(provider, http_status, NOT_JSON, _not_json(http_status, content_type), body)
    return _failure(provider, http_status, HTTP_ERROR, f"unexpected HTTP {http_status}", body)


def _iso_time(value: object) -> str | None:
    """``2023-09-17T15:52:15.000Z`` (or the v1.1 form) → UTC ISO-8601 with milliseconds."""
    if not isinstance(value, str) or not value:
        return None
    for parse in (
        lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
        lambda v: datetime.strptime(v, "%a %b %d %H:%M:%S %z %Y"),
    ):
        try:
            moment = parse(value)
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (ValueError, OverflowError):  # OverflowError: out of range in UTC
            continue
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return None


def _str_id(value: object) -> str | None:
    return canonical_id(value) if isinstance(value, str) else None


# --- syndication --------------------------------------------------------------------------


def parse_syndication(http_status: int, content_type: str | None, body: bytes) -> ProviderResult:
    """Parse a ``tweet-result`` answer (x-embeds.md §3b: normal post and T1-T8)."""
    p = SYNDICATION
    if http_status == 404:  # T5: also sent for live posts when the caller is throttled
        return _not_found(p, body)
    if http_status != 200:  # T8 JSON errors, 429, 5xx, other
        return _http_failure(p, http_status, content_type, body)
    if _is_markup(content_type, body):  # T7
        return _failure(
            p,
            200,
            NOT_JSON,
            _not_json(200, content_type),
            body,
        )
    value, why = _load_json(body)
    if why:
        return _failure(p, 200, INVALID_JSON, f"HTTP 200 with {why}", body)
    if not isinstance(value, dict):
        return _failure(
            p, 200, WRONG_SHAPE, f"expected a JSON object, got {type(value).__name__}", body
        )
    if not value:  # T4
        return _failure(
            p,
            200,
            EMPTY,
            "HTTP 200 with {} (not found, inconclusive)",
            body,
            absent=True,
            reason="not_found",
        )
    detail = _error_of(value)
    if detail and "text" not in value and "__typename" not in value:  # T8 at HTTP 200
        return _failure(p, 200, API_ERROR, f"HTTP 200 with error: {detail}", body)
    value = _unwrapped(value)
    typename = value.get("__typename")
    if typename == "TweetTombstone" or _has_tombstone(value):
        return _tombstone(value, body)
    if typename == "TweetUnavailable":
        return _unavailable(value, body)
    if typename not in _POST_TYPES or not isinstance(value.get("text"), str):
        keys = ", ".join(sorted(value)[:8])
        return _failure(
            p,
            200,
            WRONG_SHAPE,
            f"JSON object is not a post (__typename={typename!r}, keys: {keys})",
            body,
        )
    return _tweet(value, body)


# A post, as such or in X's GraphQL wrapper for posts shown with limited actions (the post
# itself in ``tweet``, or flattened into the wrapper like every other syndication object).
_POST_TYPES = (None, "Tweet", "TweetWithVisibilityResults")


def _unwrapped(value: dict) -> dict:
    """The post inside a ``TweetWithVisibilityResults`` wrapper (``{"__typename":
    "TweetWithVisibilityResults", "tweet": {…}}``), else ``value`` itself."""
    inner = value.get("tweet")
    if value.get("__typename") == "TweetWithVisibilityResults" and isinstance(inner, dict):
        return inner
    return value


def _has_tombstone(value: dict) -> bool:
    """A ``tombstone`` without ``__typename``: a tombstone object (any shape, even empty),
    not a null one, and not on a post that has its text (``"tombstone": null`` on a live
    post is no tombstone; an empty ``text`` beside a tombstone is none)."""
    text = value.get("text")
    return value.get("tombstone") is not None and not (isinstance(text, str) and text)


def _unavailable(value: dict, body: bytes) -> ProviderResult:
    """GraphQL-style ``TweetUnavailable`` with a ``reason`` code (Protected, NsfwLoggedOut…)."""
    code = _as_str(value.get("reason"))
    status, reason, conclusive = classify_unavailable_reason(code)
    return ProviderResult(
        SYNDICATION, 200, TOMBSTONE, status, conclusive, reason=reason, notice=code, payload=body
    )


def _as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _tombstone(value: dict, body: bytes) -> ProviderResult:
    """T1-T3: the reason, when there is one, is only in ``tombstone.text.text``."""
    tomb = value.get("tombstone")
    text_obj = tomb.get("text") if isinstance(tomb, dict) else None
    raw = text_obj.get("text") if isinstance(text_obj, dict) else text_obj
    message = tombstone_text(clean_text(raw)) if isinstance(raw, str) else ""
    status, reason, conclusive = classify_tombstone(message)
    error = None if conclusive else "tombstone without a conclusive reason"
    if error and message:
        error = f"tombstone: {message}"
    return ProviderResult(
        SYNDICATION,
        200,
        TOMBSTONE,
        status,
        conclusive,
        reason=reason,
        error=f"{SYNDICATION}: {error}" if error else None,
        notice=message or None,
        post_id=_str_id(value.get("id_str")),
        payload=body,
    )


def _tweet(value: dict, body: bytes) -> ProviderResult:
    """A post: 200 with ``user`` is live; without ``user`` (T6) the account may be gone."""
    media = _syndication_media(value)[:MAX_MEDIA]  # a hostile reply listed 300: 300 fetches
    text, article_cover = _shown_text(value, media)
    post_id = _str_id(value.get("id_str"))
    edited, edit_ids = _edits(value)
    quoted = value.get("quoted_tweet")
    parent = value.get("parent")
    # A long post (``note_tweet: {"id": …}``) comes with its text cut at ~275 characters,
    # the rest behind an ID this endpoint does not resolve: like an X Article, a part.
    truncated = isinstance(value.get("note_tweet"), dict)
    fields: dict[str, Any] = {
        "post_id": post_id,
        "text": text or None,
        "created_at": post_time(post_id, _iso_time(value.get("created_at"))),
        "media": media + article_cover,
        "quoted_id": _str_id(quoted.get("id_str")) if isinstance(quoted, dict) else None,
        "parent_id": (_str_id(parent.get("id_str")) if isinstance(parent, dict) else None)
        or _str_id(value.get("in_reply_to_status_id_str")),
        "edited": edited,
        "edit_ids": edit_ids,
        "truncated": truncated,
        "partial": truncated or isinstance(value.get("article"), dict),
        "payload": body,
    }
    user = value.get("user")
    if not isinstance(user, dict) or not user:
        # T6. react-tweet #144: "This Post is from an account that no longer exists" comes
        # back without `user`; but #129 (2023-08) and #197 (2025-08) show live posts served
        # without `user` during X-side faults. So: evidence of absence (counts like a 404
        # toward the two-check rule), never proof on its own.
        return ProviderResult(
            SYNDICATION,
            200,
            NO_USER,
            UNAVAILABLE,
            False,
            reason="account_gone",
            absent=True,
            error=f"{SYNDICATION}: post without user (account gone? inconclusive)",
            **fields,
        )
    return ProviderResult(
        SYNDICATION,
        200,
        OK,
        LIVE,
        True,
        author_name=_verbatim(user.get("name")),
        handle=clean_handle(_as_str(user.get("screen_name"))),
        **fields,
    )


def _edits(value: dict) -> tuple[bool | None, list[str]]:
    """(edited, the IDs of all the post's versions) from ``edit_control``. The first version
    holds ``edit_tweet_ids``; a later one holds them in ``edit_control_initial``, beside
    ``initial_tweet_id`` (X's edit metadata: the developer docs' ``ext_edit_control.edit``,
    GraphQL's ``EditControlEdit``). ``isEdited``, when given, says whether it was edited."""
    edit = _dict(value.get("edit_control"))
    ids = edit.get("edit_tweet_ids")
    if not isinstance(ids, list):
        ids = _dict(edit.get("edit_control_initial")).get("edit_tweet_ids")
    edit_ids = [i for i in map(_str_id, _list(ids)) if i]
    edited = value.get("isEdited")
    if isinstance(edited, bool):
        return edited, edit_ids
    if _str_id(edit.get("initial_tweet_id")) or len(set(edit_ids)) > 1:
        return True, edit_ids
    return (False if edit_ids else None), edit_ids


def _verbatim(value: object) -> str | None:
    """A name as X gave it: only the surrounding whitespace goes."""
    return value.strip() or None if isinstance(value, str) else None


def _shown_text(value: dict, media: list[dict]) -> tuple[str, list[dict]]:
    """The text X displays (``display.syndication_text``), and for an X Article post the
    article's cover image: X shows the article's title and preview text in place of its
    link, so those follow the post's own text (the article itself is not in the answer)."""
    entities = _dict(value.get("entities"))
    hidden = [m["tco"] for m in media if m.get("tco")]
    hidden += [str(_dict(e).get("url")) for e in _list(entities.get("media"))]
    article = value.get("article")
    if isinstance(article, dict):
        hidden += [
            str(_dict(e).get("url"))
            for e in _list(entities.get("urls"))
            if "/i/article/" in str(_dict(e).get("expanded_url"))
        ]
    raw = _as_str(value.get("text")) or ""
    text = syndication_text(raw, value.get("display_text_range"), hidden)
    if not isinstance(article, dict):
        return text, []
    parts = [text, _as_str(article.get("title")), _as_str(article.get("preview_text"))]
    info = _dict(_dict(article.get("cover_media")).get("media_info"))
    image = _as_str(info.get("original_img_url"))
    media_item = _media_item(
        "article_cover",
        image,
        image,
        width=info.get("original_img_width"),
        height=info.get("original_img_height"),
    )
    return "\n\n".join(p.strip() for p in parts if p and p.strip()), [media_item] if image else []


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _best_photo(url: str) -> str:
    """``…/media/ABC.jpg`` → ``…/media/ABC?format=jpg&name=orig`` (react-tweet getMediaUrl).
    A URL that does not parse (``http://[::1``) is left as it is: its fetch fails alone."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path, dot, ext = parts.path.rpartition(".")
    if not dot or "/" in ext or not parts.netloc.endswith("twimg.com"):
        return url
    return urlunsplit(parts._replace(path=path, query=f"format={ext}&name=orig"))


def _best_mp4(variants: list) -> str | None:
    """The highest-bitrate (else largest, else last) ``video/mp4`` variant's URL."""
    best: tuple[int, int, int, str] | None = None
    for position, variant in enumerate(variants):
        if not isinstance(variant, dict):
            continue
        kind = variant.get("content_type") or variant.get("type")
        url = variant.get("url") or variant.get("src")
        if kind != "video/mp4" or not isinstance(url, str):
            continue
        bitrate = variant.get("bitrate")
        bitrate = bitrate if isinstance(bitrate, int) else -1
        size = _RESOLUTION.search(url)
        area = int(size.group(1)) * int(size.group(2)) if size else -1
        key = (bitrate, area, position, url)
        if best is None or key > best:
            best = key
    return best[3] if best else None


def _media_item(
    kind: object,
    url: object,
    preview: object = None,
    tco: object = None,
    display_url: object = None,
    alt: object = None,
    width: object = None,
    height: object = None,
) -> dict:
    def s(v: object) -> str | None:
        return v if isinstance(v, str) and v else None

    def n(v: object) -> int | None:
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    return {
        "type": s(kind),
        "url": s(url),
        "preview": s(preview),
        "tco": s(tco),
        "display_url": s(display_url),
        "alt": s(alt),
        "width": n(width),
        "height": n(height),
    }


MAX_MEDIA = 4  # a post holds at most four photos, or one video or GIF


def _syndication_media(value: dict) -> list[dict]:
    """Media from ``mediaDetails``, else from ``photos`` and ``video``."""
    items: list[dict] = []
    details = value.get("mediaDetails")
    if isinstance(details, list) and details:
        for md in details:
            if not isinstance(md, dict):
                continue
            kind = md.get("type")
            poster = md.get("media_url_https")
            info = _dict(md.get("original_info"))
            if kind in ("video", "animated_gif"):
                video_info = _dict(md.get("video_info"))
                url = _best_mp4(_list(video_info.get("variants")))
            else:
                url = _best_photo(poster) if isinstance(poster, str) else None
            items.append(
                _media_item(
                    kind,
                    url,
                    poster,
                    md.get("url"),
                    md.get("display_url"),
                    md.get("ext_alt_text"),
                    info.get("width"),
                    info.get("height"),
                )
            )
        return items
    for photo in _list(value.get("photos")):
        if isinstance(photo, dict) and isinstance(photo.get("url"), str):
            items.append(
                _media_item(
                    "photo",
                    _best_photo(photo["url"]),
                    photo["url"],
                    width=photo.get("width"),
                    height=photo.get("height"),
                )
            )
    video = value.get("video")
    if isinstance(video, dict):
        items.append(
            _media_item("video", _best_mp4(_list(video.get("variants"))), video.get("poster"))
        )
    return items


# --- oEmbed -------------------------------------------------------------------------------


def parse_oembed(http_status: int, content_type: str | None, body: bytes) -> ProviderResult:
    """Parse a publish.twitter.com ``oembed`` answer (x-embeds.md §3a)."""
    p = OEMBED
    if http_status == 404:  # deleted, never existed, or a spurious 404 under load
        return _not_found(p, body)
    if http_status == 403:
        message = _body_error(content_type, body)
        status, reason, conclusive = classify_oembed_forbidden(message)
        if conclusive:
            return ProviderResult(
                p, 403, FORBIDDEN, status, True, reason=reason, notice=message, payload=body
            )
        detail = f": {message}" if message else ""
        return _failure(p, 403, FORBIDDEN, f"HTTP 403 forbidden{detail}", body)
    if http_status != 200:
        return _http_failure(p, http_status, content_type, body)
    if _is_markup(content_type, body):
        return _failure(p, 200, NOT_JSON, _not_json(200, content_type), body)
    value, why = _load_json(body)
    if why:
        return _failure(p, 200, INVALID_JSON, f"HTTP 200 with {why}", body)
    if not isinstance(value, dict):
        return _failure(
            p, 200, WRONG_SHAPE, f"expected a JSON object, got {type(value).__name__}", body
        )
    error_text = _error_of(value)
    if error_text and "html" not in value:
        return _failure(p, 200, API_ERROR, f"HTTP 200 with error: {error_text}", body)
    return _oembed_post(value, body)


def _oembed_post(value: dict, body: bytes) -> ProviderResult:
    """A 200 oEmbed answer with its ``html``: the post as its blockquote displays it."""
    markup = value.get("html")
    if not isinstance(markup, str) or "<blockquote" not in markup.lower():
        return _failure(OEMBED, 200, WRONG_SHAPE, "JSON has no blockquote in 'html'", body)
    try:
        blockquote = parse_html(markup).css("blockquote")[0]
        found = read_blockquote(blockquote)
    except (IndexError, ValueError) as exc:
        error = f"cannot read the 'html' blockquote: {exc}"
        return _failure(OEMBED, 200, WRONG_SHAPE, error, body)
    author_url = _as_str(value.get("author_url")) or ""
    handle = clean_handle(urlsplit(author_url).path.strip("/").split("/")[-1]) or found.handle
    post_url = _as_str(value.get("url")) or ""
    status_id = (find_status(post_url) or (found.status_id, None))[0] or found.status_id
    paragraph = next((child for child in elements(blockquote) if child.tag == "p"), None)
    text, links = oembed_text(paragraph) if paragraph is not None else (found.text or "", [])
    media = [_media_item(None, None, tco=href, display_url=shown) for href, shown in links]
    return ProviderResult(
        OEMBED,
        200,
        OK,
        LIVE,
        True,
        post_id=status_id,
        author_name=_verbatim(value.get("author_name")) or found.author,
        handle=handle,
        text=text or None,
        created_at=post_time(status_id, _signature_time(blockquote) or found.date),
        media=media,
        quoted_id=_quoted_in_text(blockquote, status_id),
        payload=body,
    )


def _signature_time(blockquote: Node) -> str | None:
    """The full time some old markup puts on the date link (``data-datetime``), in UTC."""
    for a in reversed([child for child in elements(blockquote) if child.tag == "a"]):
        moment = _iso_time(get(a, "data-datetime"))
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
