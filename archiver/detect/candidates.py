"""The candidate elements of a page: the only elements the HTML detector judges.

Every embed element carries its post in an attribute value (a status URL, an embed URL, a
twitter class) or an ID attribute; only a class-less blockquote, and WordPress's embed
figure of a post whose provider is named "X", may carry neither. So the
core test is: a ``<blockquote>``, or an element with an attribute value holding ``status``,
``weet``, ``witter`` or ``embed/Post.html``. The other tests run only when the page's bytes
show they can find something (``prefilter.PageHints``):

* ``id_attributes``: a ``data-tweet-id`` / ``data-tweetid`` / ``data-tweet`` attribute, or
  an ``<embetty-tweet>`` (whose ``status`` attribute holds only the ID);
* ``text_urls``: a text child holding ``/status`` or ``[tweet`` (a URL or a WordPress
  shortcode as text), and with ``generators`` ``{{<`` or ``{%`` (Hugo's or Jekyll's);
* ``scripts``: a ``<script>`` calling ``createTweet``;
* ``text_forms``: an iframe titled as a post's page (`` on X``, `` on Twitter``: Medium);
* ``encoded``: an attribute value or an element's leading text holding base64 of embed
  markup (Borlabs Cookie 3 and 2).

A CSS selector needs attribute names, so the names come from the markup the tree was parsed
from (``attribute_names``): the name before each quoted or unquoted value holding a word.
Lexbor answers the selector in C, in document order; the exact test then runs in Python on
those few elements only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

import ahocorasick_rs

from .dom import Node, attribute_values, css_name, get, lead_text, tail_text, text_content
from .prefilter import ALL_SEARCHES, BASE64_MARKERS, PageHints
from .tree import ID_ATTRS

# The frame's address at ``platform.x.com/embed/Post.html`` holds none of the others (and
# overlaps none, so each word keeps its own quick search: ``_automata``).
CORE_WORDS = ("status", "weet", "witter", "embed/Post.html")
TEXT_URL_WORDS = ("/status", "[tweet", "=twitter]")
GENERATOR_WORDS = ("{{<", "{%")  # "{%" also starts Hugo's "{{%"
ENCODED_WORDS = tuple(marker.decode("ascii") for marker in BASE64_MARKERS)
# What ends an unquoted attribute value (the run before a value holding a word), and what
# ends an attribute name; each searched backwards by one greedy match in C (``_last``).
_UP_TO_BREAK = re.compile(rb".*[\t\n\f\r >]", re.S)
_UP_TO_NAME_STOP = re.compile(rb".*[\t\n\f\r \"'<>/=]", re.S)
SPACE = b"\t\n\f\r "
NAME_WINDOW = 256
EMBETTY_TAG = "embetty-tweet"  # its ID is in ``status="ID"`` (``prefilter.EMBETTY_MARKER``)
X_FIGURE_CLASSES = frozenset({"wp-block-embed-x", "is-provider-x"})
# Each selector of a list costs a test of every element of the page, so the fixed ones are
# few and wide (the tests in Python are exact): both classes hold "-x".
X_FIGURE_SELECTOR = 'figure[class*="-x"]'


# What script code around a word reads as an "attribute name" (``f+"-dbg");g``,
# ``share.php?u``): characters no markup writes in one. Each name is one more selector, and
# each selector one more test of every element of the page.
NOT_AN_ATTRIBUTE = re.compile(r"""[()"'\\+;,{}!?&|%$^~`<]""")


def markup_names(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (attribute, word) pairs whose name may be an attribute's in markup."""
    return [(name, word) for name, word in pairs if not NOT_AN_ATTRIBUTE.search(name)]


def attribute_names(markup: bytes, words: tuple[str, ...] = CORE_WORDS) -> set[tuple[str, str]]:
    """(name, word) for each attribute whose value may hold one of ``words`` in ``markup``
    (a superset). A value holding an occurrence starts after the last ``"`` or ``'`` before
    it (a quoted value: the name is before that quote and its ``=``) or after the last space
    or ``>`` (an unquoted value, which may hold quotes and ``=``: the name runs from the last
    ``/`` to the first ``=``).

    Markup characters are single ASCII bytes in every encoding the detector searches
    (``pagebytes``). Occurrences come in order, so each delimiter is searched for only since
    the previous occurrence: one pass over the markup in all. The few distinct delimiter
    positions are collected first and their names read once each."""
    seen: set[tuple[int, int, int, int, str]] = set()
    double = single = run = equals = -1
    searched = 0
    rfind, up_to_break = markup.rfind, _UP_TO_BREAK.match
    for at, word in _occurrences(markup, words):
        if (quote := rfind(b'"', searched, at)) > double:
            double = quote
        if (quote := rfind(b"'", searched, at)) > single:
            single = quote
        if (bare := up_to_break(markup, searched, at)) and bare.end() - 1 > run:
            run, equals = bare.end() - 1, -1  # a new unquoted run, its first "=" not seen yet
        if equals < 0:
            equals = markup.find(b"=", max(run + 1, searched), at)
        searched = at
        seen.add((double, single, run, equals, word))
    names: dict[tuple[int, int], list[str]] = {}
    for double, single, run, equals, _ in seen:
        for key in ((double, -1), (single, -1), (run, equals)):
            if key not in names:
                names[key] = _names_at(markup, *key)
    return {
        (name, word)
        for double, single, run, equals, word in seen
        for key in ((double, -1), (single, -1), (run, equals))
        for name in names[key]
    }


def _last(up_to: re.Pattern[bytes], markup: bytes, since: int, at: int) -> int:
    """Where the last byte of ``up_to``'s class lies between ``since`` and ``at`` (-1 if
    none)."""
    match = up_to.match(markup, since, at)
    return match.end() - 1 if match else -1


def _names_at(markup: bytes, start: int, equals: int) -> list[str]:
    """The attribute names of a value: for a quoted one (``equals`` -1, its quote at
    ``start``), the name before the quote's ``=``; for an unquoted run after ``start``, the
    name before an ``=`` just before the run, or from the run's last ``/`` to its first
    ``=`` (at ``equals``)."""
    if equals == -1 and start >= 0 and markup[start] in b"\"'":
        return [name] if start > 0 and (name := _name_before(markup, start)) else []
    found = [name] if start >= 0 and (name := _name_before(markup, start + 1)) else []
    if equals > start + 1:
        named = markup[start + 1 : equals].rsplit(b"/", 1)[-1].lstrip(b"<")
        found += [named.decode("utf-8", "replace").lower()] if named else []
    return found


@lru_cache(maxsize=4)
def _automata(words: tuple[str, ...]) -> list[ahocorasick_rs.BytesAhoCorasick]:
    """One automaton for ``words``, or one per word when no word can overlap another (a
    suffix of one a prefix of another), so that one search per word finds the same
    occurrences: an automaton of one pattern searches with SIMD ``memmem``, several times
    the speed of one of several patterns (the core words: 0.04 ms against 0.14 on a
    200 KB page)."""
    encoded = [word.encode("ascii") for word in words]
    pairs = [(a, b) for a in encoded for b in encoded if a != b]
    if any(b in a or any(a.endswith(b[:n]) for n in range(1, len(b))) for a, b in pairs):
        return [ahocorasick_rs.BytesAhoCorasick(encoded)]
    return [ahocorasick_rs.BytesAhoCorasick([word]) for word in encoded]


def _occurrences(markup: bytes, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """(start, word) of every occurrence of ``words``, in order, as one pass of an automaton
    of them all finds them (none of the words holds another)."""
    automata = _automata(words)
    if len(automata) == 1:
        return [
            (start, words[index]) for index, start, _ in automata[0].find_matches_as_indexes(markup)
        ]
    found = [
        (start, word)
        for word, automaton in zip(words, automata, strict=True)
        for _, start, _ in automaton.find_matches_as_indexes(markup)
    ]
    found.sort()
    return found


def _name_before(markup: bytes, value_start: int) -> str | None:
    """The attribute name written before ``name = value``, given where the value (or its
    quote) starts: at most ``NAME_WINDOW`` bytes after the last byte that ends a name."""
    end = value_start - 1
    while end >= 0 and markup[end] in SPACE:
        end -= 1
    if end < 1 or markup[end] != 0x3D:  # "="
        return None
    end -= 1
    while end >= 0 and markup[end] in SPACE:
        end -= 1
    window = max(0, end - NAME_WINDOW + 1)
    start = _last(_UP_TO_NAME_STOP, markup, window, end + 1)
    name = markup[max(start, window - 1) + 1 : end + 1].decode("utf-8", "replace").lower()
    return name or None


def _holds(value: str | None, words: tuple[str, ...]) -> bool:
    return value is not None and any(word in value for word in words)


def is_x_figure(el: Node) -> bool:
    """WordPress's embed figure for a post whose oEmbed provider answers as "X"
    (``is-provider-x wp-block-embed-x``): no attribute value of it names twitter."""
    return el.tag == "figure" and not X_FIGURE_CLASSES.isdisjoint((get(el, "class") or "").split())


def markup_values(el: Node) -> list[str]:
    """The values of the element's attributes whose names markup may write
    (``NOT_AN_ATTRIBUTE``): the names are tested one by one only when one of them fails."""
    names = el.attributes
    if not NOT_AN_ATTRIBUTE.search("".join(names)):
        return attribute_values(el)
    return [value or "" for name, value in names.items() if not NOT_AN_ATTRIBUTE.search(name)]


def _core(el: Node) -> bool:
    if el.tag == "blockquote" or is_x_figure(el):
        return True
    # One string (no word holds a NUL, so none is found across two values).
    values = "\0".join(markup_values(el))
    return any(word in values for word in CORE_WORDS)


def text_words(hints: PageHints) -> tuple[str, ...]:
    """What a text child holds to make its element a candidate (with ``text_urls``): the
    shortcodes of site generators only on a page that holds one (each word searched costs
    a pass over the page's text)."""
    return TEXT_URL_WORDS + GENERATOR_WORDS if hints.generators else TEXT_URL_WORDS


def _text_url(el: Node, words: tuple[str, ...]) -> bool:
    """A text child (the element's leading text, or the text after any child) holds a URL
    form."""
    return _holds(lead_text(el), words) or any(
        _holds(tail_text(child), words) for child in el.iter()
    )


# A frame titled as a post's page (Medium's ``/media/<hash>`` embed of a post: ``title="Name
# on X: &quot;TEXT&quot; / X"``), a candidate when the page holds a title marker. The
# selector takes any element so titled (half the selectors of one per frame tag); ``_extra``
# keeps the frames.
FRAME_TAGS = ("iframe", "amp-iframe")
FRAME_TITLE_WORDS = (" on X", " on Twitter")
TITLED_FRAMES = ", ".join(f'[title*="{word}"]' for word in FRAME_TITLE_WORDS)


def _extra(el: Node, hints: PageHints) -> bool:
    return bool(
        (hints.text_forms and el.tag in FRAME_TAGS and _holds(get(el, "title"), FRAME_TITLE_WORDS))
        or (hints.id_attributes and any(get(el, name) is not None for name in ID_ATTRS))
        or (hints.id_attributes and el.tag == EMBETTY_TAG)
        or (hints.text_urls and _text_url(el, text_words(hints)))
        or (hints.scripts and el.tag == "script" and "createTweet" in text_content(el))
        or (hints.encoded and any(_holds(v, ENCODED_WORDS) for v in markup_values(el)))
        or (hints.encoded and _holds(lead_text(el), ENCODED_WORDS))
    )


def selector(
    hints: PageHints,
    names: Iterable[tuple[str, str]],
    encoded: Iterable[tuple[str, str]],
    in_text: Collection[str] | None = None,
) -> str:
    """One CSS selector list for every element the tests may accept (a superset):
    ``names`` and ``encoded`` are (attribute, word) pairs (``attribute_names``), less those
    read in script code (``markup_names``). A name that is not ASCII was read from bytes in
    an encoding this module does not know: every element is then a candidate (the tests in
    Python decide). ``in_text``: the words the tree's text holds (``words_in_text``; None:
    every word); a text test is only made for those."""
    names, encoded = markup_names(names), markup_names(encoded)
    if not all(name.isascii() for name, _ in [*names, *encoded]):
        return "*"
    parts = ["blockquote", X_FIGURE_SELECTOR]
    parts += [f'[{css_name(n)}*="{w}"]' for n, w in sorted(names)]
    if hints.id_attributes:
        parts += [f"[{name}]" for name in ID_ATTRS] + [EMBETTY_TAG]
    if hints.text_urls:
        parts += [_contains(word) for word in text_words(hints) if _held(word, in_text)]
    if hints.text_forms:
        parts.append(TITLED_FRAMES)
    if hints.scripts:
        parts.append("script")
    if hints.encoded:
        parts += [f'[{css_name(n)}*="{w}"]' for n, w in sorted(encoded)]
        parts += [_contains(word) for word in ENCODED_WORDS if _held(word, in_text)]
    return ", ".join(parts)


def _contains(word: str) -> str:
    return f':lexbor-contains("{word}")'


def _held(word: str, in_text: Collection[str] | None) -> bool:
    return in_text is None or word in in_text


def words_in_text(root: Node, hints: PageHints) -> frozenset[str]:
    """The words of the text tests (``:lexbor-contains``) that the tree's text holds. Such a
    test matches an element by a text node of its own, and every text node is part of the
    root's text: a word the text lacks matches nothing, and its test, a pass over every
    element of the page (0.13 ms on a page of 100 KB), is left out. Most pages with a status
    URL in their text hold no shortcode (``[tweet``, ``=twitter]``)."""
    words = (text_words(hints) if hints.text_urls else ()) + (
        ENCODED_WORDS if hints.encoded else ()
    )
    if not words:
        return frozenset()
    text = root.text_lexbor()
    return frozenset(word for word in words if word in text)


def candidates(root: Node, markup: bytes, hints: PageHints = ALL_SEARCHES) -> list[Node]:
    """The elements of ``root``'s tree (itself included) that the detector judges, in
    document order; ``markup`` is all the markup the tree was parsed from. A list, taken
    before any is judged."""
    names = attribute_names(markup)
    encoded = attribute_names(markup, ENCODED_WORDS) if hints.encoded else set()
    # One per selector it matches: the first one's place is kept.
    in_text = words_in_text(root, hints)
    found = {el.mem_id: el for el in root.css(selector(hints, names, encoded, in_text))}
    return [el for el in found.values() if _core(el) or _extra(el, hints)]
