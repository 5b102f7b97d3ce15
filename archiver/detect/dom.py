"""The parsed page: selectolax's Lexbor tree, and the small reads of it detection shares.

Lexbor builds the tree the way a browser does (the HTML Standard's algorithm, in C) at 1.9 to
2.7 times libxml2's speed on real pages, and answers CSS selectors in C, so detection visits only
the elements a selector picks. A node is a fresh Python object on each access, and two nodes
compare equal when their markup is equal: identity is ``mem_id``, never ``==`` or ``is``.

A ``<template>``'s content is a separate fragment in the HTML Standard; it is copied into the
template element, so selectors, ancestors and text see it where the page wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .spans import VOID

Node = LexborNode


def parse(markup: str, utf8: bytes | None = None) -> Node:
    """The root element (``<html>``) of a page (see ``shallow`` for hostile nesting).

    ``utf8``: the page's own bytes when they are exactly ``markup`` in UTF-8 (Lexbor reads
    them as they are: no copy of the page, and a tag count at ``memchr`` speed)."""
    if utf8 is not None and utf8.count(b"<") <= GUARD_TAGS:
        root = LexborHTMLParser(utf8).root
    else:
        root = LexborHTMLParser(shallow(markup)).root
    if root is None:  # never for a document; kept for the type checker
        root = LexborHTMLParser("<html></html>").root
        assert root is not None
    inline_templates(root)
    return root


def parse_fragment(markup: str) -> Node | None:
    """Markup found as text or in an attribute, parsed into a ``<div>`` of its own
    document (None when there is nothing to parse).

    The wrapper is the body's first ``<div>`` in document order: its first child when that
    is one (always, unless ``shallow`` dropped the wrapper's tag), found without compiling
    a selector (half the cost of parsing a post's markup). Only markup spelling
    ``<template`` can hold a template to inline."""
    body = LexborHTMLParser(shallow(f"<div>{markup}</div>")).body
    first = body.child if body is not None else None
    wrapper = first if first is not None and first.tag == "div" else None
    if wrapper is None and body is not None:
        wrapper = body.css_first("div")
    if wrapper is not None and "<template" in markup.lower():
        inline_templates(wrapper)
    return wrapper


# Tree construction looks through the stack of open elements on many tags, so its cost grows
# with the number of tags times the nesting depth (50,000 levels: 5 s). Below GUARD_TAGS tags
# even the worst nesting parses in well under a second, so only bigger pages are measured, by
# a simulation of that stack (about 1 ms per 1,000 tags). Real pages nest a few dozen levels.
MAX_DEPTH = 4096
GUARD_TAGS = 20_000
# Tags that carry no embed: dropped when a page nests deeper than MAX_DEPTH.
# A tag runs to the next '>' or, unterminated, to the end of the page (the tokenizer drops it
# there): so a '<' left without a '>' after it is read once, not once per later '<'.
_WRAPPER_TAGS = re.compile(
    r"</?(?:(?:font|b|i|u|s|em|strong|small|big|center|strike|tt)\b[^>]*+|div|span|section)"
    r"(?:>|\Z)",
    re.I,
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*+(>|\Z)")
# A start tag of these closes an open element of the same name (the HTML Standard's implied
# end tags and the adoption agency), so they never nest in each other.
_SIBLINGS = frozenset(["p", "li", "dd", "dt", "option", "tr", "td", "th", "a", "nobr"])
# A start tag of these closes an open ``p`` first (the HTML Standard, "in body"): without
# this, 50,000 ``<blockquote><p>`` looked 3 levels deep, nested 50,000 and took 9 s to parse.
_CLOSE_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hgroup",
        "main",
        "menu",
        "nav",
        "ol",
        "search",
        "section",
        "summary",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "listing",
        "form",
        "hr",
        "xmp",
        "plaintext",
        "li",
        "dd",
        "dt",
    ]
)


def shallow(markup: str) -> str:
    """The markup, or for a page nesting deeper than ``MAX_DEPTH``, the markup without its
    attribute-less wrapper and presentational tags, cut where it still nests too deep (as
    libxml2 dropped the rest of such a page)."""
    if markup.count("<") <= GUARD_TAGS or _too_deep_at(markup) is None:
        return markup  # nearly every page: too few tags, or nesting a few dozen levels
    markup = _WRAPPER_TAGS.sub("", markup)
    cut = _too_deep_at(markup)
    return markup if cut is None else markup[:cut]


def _too_deep_at(markup: str) -> int | None:
    """Where the elements first nest deeper than ``MAX_DEPTH``, or None: the stack of open
    elements as tree construction keeps it, near enough. Void elements and self-closed ones
    in SVG or MathML open nothing, a ``p``, ``li``… closes the open one of its name, a block
    such as ``blockquote`` closes an open ``p`` (scopes aside: fewer levels, never more), and
    an end tag closes only a name that is open (a stray one is ignored, as the parser does)."""
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    for match in _TAG.finditer(markup):
        if not match.group(3):
            break  # the page ends inside this tag
        name = match.group(2).lower()
        if not match.group(1) and name in _CLOSE_P and open_names["p"]:
            _close(stack, open_names, "p")
        if match.group(1) or name in _SIBLINGS:
            if open_names[name]:
                _close(stack, open_names, name)
            if match.group(1):
                continue
        if name in VOID or _self_closed_foreign(markup, match.end(), open_names):
            continue
        stack.append(name)
        open_names[name] += 1
        if len(stack) > MAX_DEPTH:
            return match.start()
    return None


def _self_closed_foreign(markup: str, tag_end: int, open_names: Counter[str]) -> bool:
    """A ``<x .../>`` inside SVG or MathML (in HTML the slash is ignored)."""
    return markup[tag_end - 2] == "/" and bool(open_names["svg"] or open_names["math"])


def _close(stack: list[str], open_names: Counter[str], name: str) -> None:
    """Pop the open elements down to the last one named ``name``."""
    while stack:
        top = stack.pop()
        open_names[top] -= 1
        if top == name:
            return


# Each level of templates nested in templates' content copies all the levels below it, so
# deep nesting costs its square (6,000 levels: 14 s): the templates deeper than this stay empty.
MAX_TEMPLATE_DEPTH = 64


def inline_templates(root: Node) -> None:
    """Copy each ``<template>``'s content (nested ones too, ``MAX_TEMPLATE_DEPTH`` deep) into
    the template element.

    Lexbor copies what ``insert_child`` is given, and a copied template comes without its
    content: so the templates inside a content fragment are filled first, innermost first,
    and only then is the fragment copied out."""
    order: list[Node] = []  # every template, each after the ones inside its content
    stack = [(template, False, 1) for template in root.css("template")]
    while stack:
        template, filled_inside, depth = stack.pop()
        if filled_inside:
            order.append(template)
            continue
        stack.append((template, True, depth))
        if depth >= MAX_TEMPLATE_DEPTH:
            continue  # the templates inside stay empty
        for fragment in template.template_fragments()[:1]:
            stack.extend((inner, False, depth + 1) for inner in fragment.css("template"))
    for template in order:
        for fragment in template.template_fragments()[:1]:
            for child in list(fragment.iter(include_text=True)):
                template.insert_child(child)


def get(el: Node, name: str) -> str | None:
    """An attribute's value (None when absent; ``""`` for an attribute without a value)."""
    attributes = el.attributes
    return (attributes[name] or "") if name in attributes else None


def attribute_items(el: Node) -> list[tuple[str, str]]:
    return [(name, value or "") for name, value in el.attributes.items()]


def attribute_values(el: Node) -> list[str]:
    return [value or "" for value in el.attributes.values()]


def kids(el: Node, at_most: int | None = None) -> list[Node]:
    """Child elements and comments (what an lxml element holds as its children); the first
    ``at_most`` of them when only that many matter (a container of thousands of links)."""
    return list(islice(el.iter(), at_most))


def elements(el: Node) -> list[Node]:
    """Child elements."""
    return [child for child in el.iter() if child.is_element_node]


def lead_text(el: Node) -> str | None:
    """The text before an element's first child element or comment (lxml's ``.text``)."""
    return _text_run(el.first_child)


def tail_text(el: Node) -> str | None:
    """The text after an element up to its next sibling element or comment (lxml's
    ``.tail``)."""
    return _text_run(el.next)


def _text_run(node: Node | None) -> str | None:
    """The text of ``node`` and the text nodes after it, up to the first other node."""
    parts = []
    while node is not None and node.is_text_node:
        parts.append(node.text_content or "")
        node = node.next
    return "".join(parts) or None


def text_content(el: Node) -> str:
    """All the text inside an element."""
    return el.text(deep=True)


def ancestors(el: Node) -> Iterator[Node]:
    node = el.parent
    while node is not None and node.is_element_node:
        yield node
        node = node.parent


class AncestorCount:
    """How many ancestors of an element pass ``test`` (below ``scope``, when given). Each
    element's count is kept, so an element is walked up only to its nearest counted
    ancestor: asking for every element of a tree nested thousands deep stays linear (a
    walk to the top from each was quadratic)."""

    def __init__(self, test: Callable[[Node], bool], scope: Node | None = None) -> None:
        self.test = test
        self.counts: dict[int, int] = {} if scope is None else {scope.mem_id: 0}

    def of(self, el: Node) -> int:
        chain, node = [], el.parent
        while node is not None and node.is_element_node and node.mem_id not in self.counts:
            chain.append(node)
            node = node.parent
        count = self.counts.get(node.mem_id, 0) if node is not None else 0
        for ancestor in reversed(chain):
            count += self.test(ancestor)
            self.counts[ancestor.mem_id] = count
        return count


def descendants(el: Node, selector: str) -> list[Node]:
    """Elements below ``el`` matching ``selector``, in document order (``el`` excluded)."""
    return [node for node in el.css(selector) if node.mem_id != el.mem_id]


@lru_cache(maxsize=4096)
def css_name(name: str) -> str:
    """A tag or attribute name as a CSS identifier: every character but a letter, ``_`` or
    ``-`` (and a digit after the first place) as a hex escape."""
    return "".join(
        c if c.isascii() and (c.isalpha() or c in "_-" or (i and c.isdigit())) else f"\\{ord(c):x} "
        for i, c in enumerate(name)
    )


def serialize(el: Node) -> str:
    return el.html or ""
