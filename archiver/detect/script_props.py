"""Posts a page's script state names as an embed component's props: an ``id`` holding a
status ID beside X's embed options in camel case (``hideThread``, as the oEmbed
``hide_thread``), in an object literal of a hydration script (Nuxt's ``window.__NUXT__``:
``{is: "tweet", props: {id: "ID", hideThread: true, hideMedia: false}}``), the markup
holding only the empty slot the component fills; or, with no such ID, one status URL among
the props (a CMS block, ``{"url": "https://x.com/…/status/ID", "hideThread": false}``).

A state object also holds what the page does not show (other articles, a feed): a component
counts only when the nearest long string before or after it in the script is text the page
shows outside its scripts (``json_markup.vouched_between``): the article's own paragraphs,
rendered, between which the posts were left to the script.
"""

from __future__ import annotations

import re

from ..urls import canonical_id, iter_statuses
from .dom import Node, lead_text
from .found import Found
from .json_markup import visible_text, vouched_between
from .typed_ids import MIN_DIGITS

OPTION = "hideThread"  # also the pre-filter's marker (``prefilter.PROPS_MARKER``)
# The post's key in the props; its value quoted (an ID past 2**53 is no JS number).
ID_KEY = re.compile(
    r"""(?<![\w$])["']?(?P<key>id|tweetId|tweet_id|statusId|status_id)["']?\s*:\s*"""
    r"""["'](?P<id>\d{1,19})["']"""
)
MAX_PROPS = 200  # objects read per page, at most (a real page holds a few)
# How far before the option its object may open: props are a few short keys, and a search
# back without bound would read a hostile script once per occurrence.
MAX_PROPS_CHARS = 2000


def props_embeds(root: Node, shown: list[Found]) -> list[Found]:
    """The posts named by embed props in the page's scripts that its text vouches for, less
    those ``shown`` already; each with its script as its element and the props as its raw."""
    known = {found.status_id for found in shown if found.status_id}
    result: list[Found] = []
    visible: str | None = None
    read = 0
    for script in root.css("script"):
        code = lead_text(script) or ""
        for start, end in _objects(code):
            read += 1
            if read > MAX_PROPS:
                return result
            post = _post_of(code[start:end])
            if post is None or post[0] in known:
                continue
            visible = visible_text(root) if visible is None else visible
            if vouched_between(code, start, end, visible):
                known.add(post[0])
                result.append(Found(script, "placeholder", *post, raw=code[start:end]))
    return result


def _post_of(props: str) -> tuple[str, str | None] | None:
    """(id, handle) of the post the props name: their ID key, else their one status URL. A
    bare ``id``, a key any component has (a block's own number), counts only as an ID of
    X's snowflake era (``typed_ids.MIN_DIGITS``), as a slot's ``data-id`` does."""
    for match in ID_KEY.finditer(props):
        status_id = canonical_id(match.group("id"))
        if status_id and (match.group("key") != "id" or len(status_id) >= MIN_DIGITS):
            return status_id, None
    posts = dict(iter_statuses(props.replace("\\u002F", "/").replace("\\u002f", "/")))
    return next(iter(posts.items())) if len(posts) == 1 else None


def _objects(code: str) -> list[tuple[int, int]]:
    """(start, end) of each innermost ``{…}`` holding the option, in order (at most
    ``MAX_PROPS``)."""
    spans: list[tuple[int, int]] = []
    at = code.find(OPTION)
    while at >= 0 and len(spans) < MAX_PROPS:
        start = code.rfind("{", max(0, at - MAX_PROPS_CHARS), at)
        end = code.find("}", at, at + MAX_PROPS_CHARS)
        if start >= 0 and end > at and "}" not in code[start:at]:
            spans.append((start, end + 1))
        at = code.find(OPTION, max(end, at) + 1)
    return spans
