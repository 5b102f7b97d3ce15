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
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from ..urls import iter_statuses
from .dom import Node, lead_text, parse_fragment, serialize, text_content
from .found import Found

_STRING = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"')  # a JSON string literal
# One that opens at a quote no backslash escapes: a search for the next literal does not
# start again at each escaped quote of a string that never closes (each try reads to its end).
_OPENED_STRING = re.compile(r"(?<!\\)" + _STRING.pattern)
_TAG = re.compile(r"<[^<>]*>")
CONTEXT_CHARS = 60  # of text beside an embed that the page must show
NEIGHBOURS = 24  # strings read on each side of the one holding the embed (keys included)
INVISIBLE = frozenset({"script", "style", "noscript", "template", "-comment"})
# Strings holding embed markup read per page, at most (each is parsed and judged: a hostile
# page of thousands would cost seconds; a real one holds a few).
MAX_STRINGS = 200


class Held(NamedTuple):
    """A JSON string literal holding embed markup, and the literals on each side of it
    (nearest first)."""

    literal: str
    before: list[str]
    after: list[str]


def script_embeds(root: Node, shown: list[Found]) -> list[Found]:
    """The embeds kept JSON-escaped in the page's scripts that the page's text vouches for
    (``_vouched``), less the posts ``shown`` in its markup; each with its script as its
    element and its markup, decoded, as its raw."""
    from .html import find_embeds

    known = {found.status_id for found in shown if found.status_id}
    visible: str | None = None
    result: list[Found] = []
    scripts = [s for s in root.css("script") if "twitter-" in (lead_text(s) or "")]
    held = islice(((s, h) for s in scripts for h in _held(lead_text(s) or "")), MAX_STRINGS)
    for script, found in held:
        value = _decoded(found.literal)
        if not value or "<blockquote" not in value or _only_known(value, known):
            continue
        fragment = parse_fragment(value)
        if fragment is None or value is None:
            continue
        inner = [f for f in find_embeds(fragment, value.encode()) if f.method != "link"]
        inner = [f for f in inner if f.status_id and f.status_id not in known]
        if inner and visible is None:
            visible = visible_text(root)
        if inner and _vouched(fragment, inner, found, visible or ""):
            known.update(f.status_id for f in inner if f.status_id)  # state repeats itself
            result += [_held_by(script, item) for item in inner]
    return result


def _held(code: str) -> Iterator[Held]:
    """Each string literal of ``code`` holding ``twitter-``, found from each occurrence
    back to its opening quote (the quotes inside a JSON string are escaped): a script of
    hundreds of kilobytes is not tokenised whole. The search back stops where the last
    one ended (``floor``: no literal holding a later occurrence opens before it), so an
    occurrence in no literal (a string never closed) costs no rescan of what came before."""
    floor = 0
    at = code.find("twitter-")
    while at >= 0:
        start = _quote_before(code, at, floor)
        literal = _STRING.match(code, start) if start >= 0 else None
        if literal is None or literal.end() <= at:
            floor = at + 1
            at = code.find("twitter-", floor)
            continue
        after = [
            m.group() for m in islice(_OPENED_STRING.finditer(code, literal.end()), NEIGHBOURS)
        ]
        yield Held(literal.group(), _literals_before(code, start), after)
        floor = literal.end()
        at = code.find("twitter-", floor)


def _quote_before(code: str, at: int, floor: int = 0) -> int:
    """Where the last unescaped ``"`` between ``floor`` and ``at`` is (-1 if none)."""
    quote = code.rfind('"', floor, at)
    while quote >= 0 and _escaped(code, quote):
        quote = code.rfind('"', floor, quote)
    return quote


def _escaped(code: str, at: int) -> bool:
    """An odd run of backslashes stands before ``at``."""
    run = at
    while run > 0 and code[run - 1] == "\\":
        run -= 1
    return (at - run) % 2 == 1


def _literals_before(code: str, start: int) -> list[str]:
    """Up to ``NEIGHBOURS`` string literals before the one opening at ``start``, nearest
    first."""
    found: list[str] = []
    while len(found) < NEIGHBOURS:
        end = _quote_before(code, start)
        opening = _quote_before(code, end) if end > 0 else -1
        literal = _STRING.match(code, opening) if opening >= 0 else None
        if literal is None or literal.end() != end + 1:
            break
        found.append(literal.group())
        start = opening
    return found


def _only_known(value: str, known: set[str]) -> bool:
    """Every post the markup names is known already (hydration data repeating the page's
    markup, the usual case): it is not parsed."""
    posts = {post_id for post_id, _ in iter_statuses(value)}
    return bool(posts) and posts <= known


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


def vouched_between(code: str, start: int, end: int, visible: str) -> bool:
    """The nearest long string before ``code[start:end]``, or after it, is text the page
    shows (``visible``): what sits between two of the article's paragraphs."""
    before = _first_long(_literals_before(code, start))
    after = _first_long([m.group() for m in islice(_OPENED_STRING.finditer(code, end), NEIGHBOURS)])
    return any(
        len(text) >= CONTEXT_CHARS and text[:CONTEXT_CHARS] in visible for text in (before, after)
    )


def visible_text(root: Node) -> str:
    """The page's text outside its scripts, styles and templates, spaces collapsed."""
    parts = [
        node.text_content or ""
        for node in root.traverse(include_text=True)
        if node.tag == "-text" and node.parent is not None and node.parent.tag not in INVISIBLE
    ]
    return " ".join(" ".join(parts).split())


def _vouched(fragment: Node, inner: list[Found], held: Held, visible: str) -> bool:
    """Text beside the embeds that the page shows outside its scripts: the rest of their
    string, or the nearest string before or after it long enough to tell (keys and short
    values between are passed over)."""
    texts = [_text_beside(fragment, inner), _first_long(held.before), _first_long(held.after)]
    return any(len(text) >= CONTEXT_CHARS and text[:CONTEXT_CHARS] in visible for text in texts)


def _first_long(strings: list[str]) -> str:
    """The first of ``strings`` whose text is ``CONTEXT_CHARS`` long."""
    return next((text for string in strings if len(text := _plain(string)) >= CONTEXT_CHARS), "")


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
