"""Embed markup a page keeps JSON-escaped in a script, for its own script to render: an
article body sent as JSON (``\\u003Cblockquote class=\\"twitter-tweet\\"…`` in a state
object, ``__NEXT_DATA__``), shown to every reader with JavaScript.

A script's JSON also holds what the page does not show (other articles' bodies, a feed):
an embed there counts only when the text around it in the JSON (the rest of its string, or
the strings beside it) is text the page shows outside its scripts: the article's own
paragraphs, which the page rendered and only the embeds were left to script. An embed the
page's markup already shows (hydration data repeating it) is not counted again, nor a post
found in the scripts a second time (a state object holding the article twice).
"""

from __future__ import annotations

import html
import json
import re

from .dom import Node, lead_text, parse_fragment, serialize, text_content
from .found import Found

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*+"')  # a JSON string literal
_TAG = re.compile(r"<[^<>]*>")
CONTEXT_CHARS = 60  # of text beside an embed that the page must show
NEIGHBOURS = 24  # strings read on each side of the one holding the embed (keys included)
INVISIBLE = frozenset({"script", "style", "noscript", "template", "-comment"})
# Strings holding embed markup read per page, at most (each is parsed and judged: a hostile
# page of thousands would cost seconds; a real one holds a few).
MAX_STRINGS = 200


def script_embeds(root: Node, shown: list[Found]) -> list[Found]:
    """The embeds kept JSON-escaped in the page's scripts that the page's text vouches for
    (``_vouched``), less the posts ``shown`` in its markup; each with its script as its
    element and its markup, decoded, as its raw."""
    from .html import find_embeds

    known = {found.status_id for found in shown if found.status_id}
    visible: str | None = None
    result: list[Found] = []
    budget = MAX_STRINGS
    for script in root.css("script"):
        code = lead_text(script) or ""
        if "twitter-" not in code:
            continue
        strings = [m.group() for m in _STRING.finditer(code)]
        for index, literal in enumerate(strings):
            if "twitter-" not in literal or budget <= 0:
                continue
            budget -= 1
            value = _decoded(literal)
            fragment = parse_fragment(value) if value and "<blockquote" in value else None
            if fragment is None or value is None:
                continue
            inner = [f for f in find_embeds(fragment, value.encode()) if f.method != "link"]
            inner = [f for f in inner if f.status_id and f.status_id not in known]
            if inner and visible is None:
                visible = _visible_text(root)
            if inner and _vouched(fragment, inner, strings, index, visible or ""):
                known.update(f.status_id for f in inner if f.status_id)  # state repeats itself
                result += [_held_by(script, found) for found in inner]
    return result


def _decoded(literal: str) -> str | None:
    try:
        value = json.loads(literal)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _held_by(script: Node, found: Found) -> Found:
    found.raw = serialize(found.element)
    found.element = script
    return found


def _visible_text(root: Node) -> str:
    """The page's text outside its scripts, styles and templates, spaces collapsed."""
    parts = [
        node.text_content or ""
        for node in root.traverse(include_text=True)
        if node.tag == "-text" and node.parent is not None and node.parent.tag not in INVISIBLE
    ]
    return " ".join(" ".join(parts).split())


def _vouched(
    fragment: Node, inner: list[Found], strings: list[str], index: int, visible: str
) -> bool:
    """Text beside the embeds that the page shows outside its scripts: the rest of their
    string, or the nearest string before or after it long enough to tell (keys and short
    values between are passed over)."""
    before = range(index - 1, max(-1, index - NEIGHBOURS - 1), -1)
    after = range(index + 1, min(len(strings), index + NEIGHBOURS + 1))
    nearest = [_first_long(strings, before), _first_long(strings, after)]
    texts = [_text_beside(fragment, inner), *nearest]
    return any(len(text) >= CONTEXT_CHARS and text[:CONTEXT_CHARS] in visible for text in texts)


def _first_long(strings: list[str], order: range) -> str:
    """The first of ``strings`` in ``order`` whose text is ``CONTEXT_CHARS`` long."""
    return next((text for i in order if len(text := _plain(strings[i])) >= CONTEXT_CHARS), "")


def _text_beside(fragment: Node, inner: list[Found]) -> str:
    """The fragment's text less the embeds' own."""
    text = " ".join(text_content(fragment).split())
    for found in inner:
        own = " ".join(text_content(found.element).split())
        text = text.replace(own, " ") if own else text
    return " ".join(text.split())


def _plain(literal: str) -> str:
    value = _decoded(literal) or ""
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())
