"""Parsing X's syndication answer (``cdn.syndication.twimg.com/tweet-result``, x-embeds.md
§3b T1-T8): a post, a tombstone, an unavailable post, or a failure, with the post's text as
X displays it, its media at their best quality, and its versions.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..models import STREAM_TYPES
from ..normalize import clean_text
from ..urls import clean_handle, find_status
from .answers import (
    SYNDICATION,
    as_dict,
    as_list,
    as_str,
    error_of,
    failure,
    http_failure,
    is_markup,
    iso_time,
    load_json,
    media_item,
    not_found,
    not_json,
    one_line,
    str_id,
    verbatim,
)
from .cards import card_of
from .classify import classify_tombstone, classify_unavailable_reason, tombstone_text
from .display import (
    MAX_LINKS,
    drop_links,
    link_item,
    shown_links,
    syndication_cut,
    whole_note_text,
)
from .graphql import flattened
from .labels import labels_of, media_flags
from .result import (
    API_ERROR,
    EMPTY,
    INVALID_JSON,
    LIVE,
    NO_USER,
    NOT_JSON,
    OK,
    TOMBSTONE,
    UNAVAILABLE,
    WRONG_SHAPE,
    ProviderResult,
    post_time,
)

_RESOLUTION = re.compile(r"/(\d{2,5})x(\d{2,5})/")
_LAST_TCO = re.compile(r"(https?://t\.co/[A-Za-z0-9]+)\s*$", re.IGNORECASE)


def parse_syndication(http_status: int, content_type: str | None, body: bytes) -> ProviderResult:
    """Parse a ``tweet-result`` answer (x-embeds.md §3b: normal post and T1-T8)."""
    p = SYNDICATION
    if http_status == 404:  # T5: also sent for live posts when the caller is throttled
        return not_found(p, body)
    if http_status != 200:  # T8 JSON errors, 429, 5xx, other
        return http_failure(p, http_status, content_type, body)
    if is_markup(content_type, body):  # T7
        return failure(
            p,
            200,
            NOT_JSON,
            not_json(200, content_type),
            body,
        )
    value, why = load_json(body)
    if why:
        return failure(p, 200, INVALID_JSON, f"HTTP 200 with {why}", body)
    if not isinstance(value, dict):
        return failure(
            p, 200, WRONG_SHAPE, f"expected a JSON object, got {type(value).__name__}", body
        )
    if not value:  # T4
        return failure(
            p,
            200,
            EMPTY,
            "HTTP 200 with {} (not found, inconclusive)",
            body,
            absent=True,
            reason="not_found",
        )
    detail = error_of(value)
    if detail and "text" not in value and "__typename" not in value:  # T8 at HTTP 200
        return failure(p, 200, API_ERROR, f"HTTP 200 with error: {detail}", body)
    value = flattened(_unwrapped(value))
    typename = value.get("__typename")
    if typename == "TweetTombstone" or _has_tombstone(value):
        return _tombstone(value, body)
    if typename == "TweetUnavailable":
        return _unavailable(value, body)
    if typename not in _POST_TYPES or not isinstance(value.get("text"), str):
        keys = ", ".join(sorted(value)[:8])
        return failure(
            p,
            200,
            WRONG_SHAPE,
            f"JSON object is not a post ({one_line(f'__typename={typename!r}, keys: {keys}')})",
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
    code = one_line(as_str(value.get("reason")))
    status, reason, conclusive = classify_unavailable_reason(code)
    error = None
    if not conclusive:  # age-restricted, withheld, or a reason not known: the post may be there
        why = f"reason {code!r}" if code else "no reason"
        error = f"{SYNDICATION}: post unavailable ({why}, inconclusive)"
    return ProviderResult(
        SYNDICATION,
        200,
        TOMBSTONE,
        status,
        conclusive,
        reason=reason,
        error=error,
        notice=code,
        payload=body,
    )


def _tombstone(value: dict, body: bytes) -> ProviderResult:
    """T1-T3: the reason, when there is one, is only in ``tombstone.text.text``."""
    tomb = value.get("tombstone")
    text_obj = tomb.get("text") if isinstance(tomb, dict) else None
    raw = text_obj.get("text") if isinstance(text_obj, dict) else text_obj
    message = one_line(tombstone_text(clean_text(raw)) if isinstance(raw, str) else "") or ""
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
        post_id=str_id(value.get("id_str")),
        payload=body,
    )


def _tweet(value: dict, body: bytes) -> ProviderResult:
    """A post: 200 with ``user`` is live; without ``user`` (T6) the account may be gone."""
    media = _syndication_media(value)[:MAX_MEDIA]  # a hostile reply listed 300: 300 fetches
    note = _note(value)
    text, article_cover = _shown_text(value, media, note)
    post_id = str_id(value.get("id_str"))
    edited, edit_ids = _edits(value)
    parent = value.get("parent")
    # A long post (``note_tweet: {"id": …}``) comes with its text cut at ~275 characters,
    # the rest behind an ID this endpoint does not resolve: like an X Article, a part.
    # GraphQL's form holds the whole text (``note_tweet_results``): then the post is whole.
    truncated = isinstance(value.get("note_tweet"), dict) and not note
    fields: dict[str, Any] = {
        "post_id": post_id,
        "text": text or None,
        "links": _links(value, text, as_dict(note.get("entity_set"))),
        "created_at": post_time(post_id, iso_time(value.get("created_at"))),
        "media": media + article_cover,
        "quoted_id": _quoted_id(value),
        "parent_id": (str_id(parent.get("id_str")) if isinstance(parent, dict) else None)
        or str_id(value.get("in_reply_to_status_id_str")),
        "card": card_of(value.get("card")),
        "labels": labels_of(value),
        "edited": edited,
        "edit_ids": edit_ids,
        "truncated": truncated,
        "partial": truncated or isinstance(value.get("article"), dict),
        "payload": body,
    }
    unknown = _without_author(value.get("user"), fields)
    if unknown is not None:
        return unknown
    user = value["user"]
    return ProviderResult(
        SYNDICATION,
        200,
        OK,
        LIVE,
        True,
        author_name=verbatim(user.get("name")),
        handle=clean_handle(as_str(user.get("screen_name"))),
        **fields,
    )


def _without_author(user: object, fields: dict[str, Any]) -> ProviderResult | None:
    """The result for a post whose author the answer does not give, None when it does."""
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
    if not (verbatim(user.get("name")) or clean_handle(as_str(user.get("screen_name")))):
        # A user of another shape (nulls, numbers): the answer is faulty, not a sign of
        # absence, and a post whose author is unknown is not shown live.
        error = f"{SYNDICATION}: post whose user has no name or handle (inconclusive)"
        return ProviderResult(
            SYNDICATION, 200, WRONG_SHAPE, UNAVAILABLE, False, error=error, **fields
        )
    return None


def _quoted_id(value: dict) -> str | None:
    """The quoted post's ID: ``quoted_tweet``'s, else (a quoted post shown as a tombstone,
    which carries no ID) the v1.1 fields X's post objects keep beside it:
    ``quoted_status_id_str``, or the status ``quoted_status_permalink`` leads to."""
    found = str_id(as_dict(value.get("quoted_tweet")).get("id_str"))
    found = found or str_id(value.get("quoted_status_id_str"))
    link = as_str(as_dict(value.get("quoted_status_permalink")).get("expanded"))
    status = find_status(link) if link and not found else None
    return found or (status[0] if status else None)


def _edits(value: dict) -> tuple[bool | None, list[str]]:
    """(edited, the IDs of all the post's versions) from ``edit_control``. The first version
    holds ``edit_tweet_ids``; a later one holds them in ``edit_control_initial``, beside
    ``initial_tweet_id`` (X's edit metadata: the developer docs' ``ext_edit_control.edit``,
    GraphQL's ``EditControlEdit``). ``isEdited``, when given, says whether it was edited."""
    edit = as_dict(value.get("edit_control"))
    ids = edit.get("edit_tweet_ids")
    if not isinstance(ids, list):
        ids = as_dict(edit.get("edit_control_initial")).get("edit_tweet_ids")
    edit_ids = [i for i in map(str_id, as_list(ids)) if i]
    edited = value.get("isEdited")
    if isinstance(edited, bool):
        return edited, edit_ids
    if str_id(edit.get("initial_tweet_id")) or len(set(edit_ids)) > 1:
        return True, edit_ids
    return (False if edit_ids else None), edit_ids


def _note(value: dict) -> dict:
    """A long post's whole text with its entities, as X's GraphQL form gives them
    (``note_tweet.note_tweet_results.result``: ``text``, ``entity_set``); {} when the
    answer does not hold it (syndication's own form: ``note_tweet: {"id": …}``)."""
    results = as_dict(as_dict(value.get("note_tweet")).get("note_tweet_results"))
    note = as_dict(results.get("result"))
    return note if as_str(note.get("text")) else {}


def _shown_text(value: dict, media: list[dict], note: dict) -> tuple[str, list[dict]]:
    """The text X displays (``display.syndication_cut``, media links dropped; a long
    post's whole text when the answer holds it), and for an X Article post the article's
    cover image: X shows the article's title and preview text in place of its link, so
    those follow the post's own text (the article itself is not in the answer)."""
    entities = as_dict(value.get("entities"))
    hidden = [m["tco"] for m in media if m.get("tco")]
    hidden += [str(as_dict(e).get("url")) for e in as_list(entities.get("media"))]
    article = value.get("article")
    if isinstance(article, dict):
        hidden += [
            str(as_dict(e).get("url"))
            for e in as_list(entities.get("urls"))
            if "/i/article/" in str(as_dict(e).get("expanded_url"))
        ]
    cut = syndication_cut(as_str(value.get("text")) or "", value.get("display_text_range"))
    if note:
        text = whole_note_text(note["text"], cut, hidden)
    else:
        text = drop_links(cut[1], hidden).strip()
    if not isinstance(article, dict):
        return text, []
    parts = [text, as_str(article.get("title")), as_str(article.get("preview_text"))]
    info = as_dict(as_dict(article.get("cover_media")).get("media_info"))
    image = as_str(info.get("original_img_url"))
    cover = media_item(
        "article_cover",
        image,
        image,
        width=info.get("original_img_width"),
        height=info.get("original_img_height"),
    )
    return "\n\n".join(p.strip() for p in parts if p and p.strip()), [cover] if image else []


def _links(value: dict, text: str, note_entities: dict) -> list[dict]:
    """The links the displayed text shows, in its order, each with where it leads when
    ``entities.urls`` (optional since 2026) or a long post's own entities say; hidden ones
    (a quoted post's, an X Article's, the media's) are not shown, so not listed."""
    shown = shown_links(text)[:MAX_LINKS]
    if not shown:
        return []
    said: dict[str, dict] = {url: {} for url in shown}
    urls = as_list(note_entities.get("urls")) + as_list(as_dict(value.get("entities")).get("urls"))
    for entity in map(as_dict, urls):
        url = as_str(entity.get("url"))
        if url in said and not said[url]:
            said[url] = entity
    return [
        link_item(url, entity.get("expanded_url"), entity.get("display_url"))
        for url, entity in said.items()
    ]


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


def _best_variant(variants: list) -> tuple[str | None, str | None]:
    """(URL, content type) of the highest-bitrate (else largest, else last) ``video/mp4``
    variant; without one, of the first HLS playlist, its content type as X wrote it (some
    videos are offered only as a stream: X served it, so it is kept, marked as such)."""
    best: tuple[int, int, int, str] | None = None
    stream: tuple[str, str] | None = None
    for position, variant in enumerate(variants):
        if not isinstance(variant, dict):
            continue
        kind = variant.get("content_type") or variant.get("type")
        url = variant.get("url") or variant.get("src")
        if not isinstance(url, str) or not url or not isinstance(kind, str):
            continue
        if kind.lower() in STREAM_TYPES:
            stream = stream or (url, kind)
        if kind != "video/mp4":
            continue
        bitrate = variant.get("bitrate")
        bitrate = bitrate if isinstance(bitrate, int) else -1
        size = _RESOLUTION.search(url)
        area = int(size.group(1)) * int(size.group(2)) if size else -1
        key = (bitrate, area, position, url)
        if best is None or key > best:
            best = key
    if best:
        return best[3], "video/mp4"
    return stream or (None, None)


MAX_MEDIA = 4  # a post holds at most four photos, or one video or GIF


def _syndication_media(value: dict) -> list[dict]:
    """Media from ``mediaDetails``, else from ``photos`` and ``video``, which lack the t.co
    link (``_media_link`` finds it) and, for a video or GIF, the alt text."""
    details = value.get("mediaDetails")
    if isinstance(details, list) and details:
        return [_detail_item(md) for md in details if isinstance(md, dict)]
    tco, display_url = _media_link(value)
    items = [
        media_item(
            "photo",
            _best_photo(photo["url"]),
            photo["url"],
            tco,
            display_url,
            photo.get("accessibilityLabel"),
            photo.get("width"),
            photo.get("height"),
        )
        for photo in as_list(value.get("photos"))
        if isinstance(photo, dict) and isinstance(photo.get("url"), str)
    ]
    video = value.get("video")
    if isinstance(video, dict):
        url, content_type = _best_variant(as_list(video.get("variants")))
        # ``contentType`` "gif" is what ``mediaDetails`` calls ``animated_gif``.
        kind = "animated_gif" if video.get("contentType") == "gif" else "video"
        items.append(
            media_item(kind, url, video.get("poster"), tco, display_url, content_type=content_type)
        )
    return items


def _detail_item(md: dict) -> dict:
    """One ``mediaDetails`` item: a photo at its best size, a video or GIF's best variant."""
    kind = md.get("type")
    poster = md.get("media_url_https")
    info = as_dict(md.get("original_info"))
    content_type = None
    if kind in ("video", "animated_gif"):
        video_info = as_dict(md.get("video_info"))
        url, content_type = _best_variant(as_list(video_info.get("variants")))
    else:
        url = _best_photo(poster) if isinstance(poster, str) else None
    item = media_item(
        kind,
        url,
        poster,
        md.get("url"),
        md.get("display_url"),
        md.get("ext_alt_text"),
        info.get("width"),
        info.get("height"),
        content_type,
    )
    return {**item, **media_flags(md)}


def _media_link(value: dict) -> tuple[str | None, str | None]:
    """(t.co link, display URL) of the post's media, which all its photos share: the
    ``entities.media`` item's, else the t.co link that ends the text (X puts the media link
    last, hidden after the display range or, on 2012 posts, inside it; ``entities`` is
    optional since 2026)."""
    for entity in as_list(as_dict(value.get("entities")).get("media")):
        url = as_dict(entity).get("url")
        if isinstance(url, str) and url:
            return url, as_str(entity.get("display_url"))
    last = _LAST_TCO.search(as_str(value.get("text")) or "")
    return (last.group(1), None) if last else (None, None)
