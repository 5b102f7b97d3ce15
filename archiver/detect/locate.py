"""Where a parsed element's markup lies in the page's bytes, or None when that is not certain.

Lexbor keeps no source positions, so an element is matched to a start tag of the tokens
``spans`` reads from the bytes: the one of the same name at the same rank, in document order,
among the elements of that name in the same scope (the page, or the markup re-parsed from a
host element's text), and its attributes must agree. Tree construction may add or move
elements, and then ranks in the tree and in the bytes differ:

* a tag the builder drops, or an element it adds without a tag (a formatting element cloned
  by the adoption agency algorithm, the ``<p>`` of a stray ``</p>``): the counts differ;
* an element foster-parented out of a table (written between rows, placed before the
  table): its count of ``<table>`` ancestors is lower than the number of tables around its
  tag in the bytes.

So a name is only located when the tree and the bytes hold as many elements of it, each at
the same table depth; otherwise every element of that name gets None. ``<template>`` content
is in the tree where the page wrote it (``dom.inline_templates``).

Tokenizing the whole page costs about as much as parsing it, so the page's own elements are
first looked for by a quicker test (``_quick_find``): a start tag of the name, in any case,
at each place the page's bytes spell one. Every element of most names comes from a start tag
of its own, and each tag makes at most one element, so the tree holds at most as many as the
bytes spell; when it holds exactly as many, every spelling is a tag that made an element (none
sits in a comment, a script or an attribute value), and in a page without tables (no foster
parenting) they come in the same order. Only then are the spellings used; otherwise the page
is tokenized as above.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs

from .dom import AncestorCount, Node, ancestors, css_name, get
from .merging import FORMATTING_TAGS
from .spans import START, VOID, Tag, attributes, iter_tags, matching_end, start_tags, tokenize

Span = tuple[int, int]
# Elements the tree builder makes without a start tag of their own name: implied ones, the
# formatting elements the adoption agency and the reconstruction of formatting elements clone,
# ``<img>`` from ``<image>``. Their spellings in the bytes are not a count of them.
UNTAGGED = frozenset(
    [
        "html",
        "head",
        "body",
        "p",
        "br",
        "tbody",
        "tr",
        "td",
        "th",
        "colgroup",
        "table",
        "img",
        "image",
        "a",
        "b",
        "big",
        "code",
        "em",
        "font",
        "i",
        "nobr",
        "s",
        "small",
        "strike",
        "strong",
        "tt",
        "u",
    ]
)
TAG_NAME_ENDS = frozenset(b"\t\n\f\r />")


class Place(NamedTuple):
    """An element's scope (the page, or a re-parsed host's wrapper), its host, its rank."""

    element: Node
    scope: Node
    host: Node | None
    rank: int


class Locator:
    """Byte ranges of elements of one parsed page; ``wrappers`` are the ``<div>`` elements
    detection put in hosts in place of the markup it re-parsed from their text."""

    def __init__(
        self,
        data: bytes,
        root: Node,
        wrappers: Sequence[Node] = (),
        copies: Sequence[tuple[Node, Sequence[Node]]] = (),
    ) -> None:
        self.data = data
        self.root = root
        self.wrappers = {wrapper.mem_id: wrapper for wrapper in wrappers}
        # Copies the parser made of a formatting element left open: they have no tag of
        # their own, so they are not counted, and the element they copy ends where the
        # parser first closed it (``reopened_end``), not at an end tag.
        self.copies = frozenset(copy.mem_id for _, made in copies for copy in made)
        self.reopened = frozenset(el.mem_id for el, made in copies if made)
        self.names: frozenset[str] = frozenset()
        self._tags: dict[Span, list[Tag]] = {}
        self._names: dict[tuple[int, str], list[Node]] = {}
        self._ranks: dict[tuple[int, str], dict[int, int]] = {}
        self._starts: dict[tuple[Span, str], list[int]] = {}
        self._checked: dict[tuple[int, str, Span], bool] = {}
        self._spelled: dict[str, list[int]] | None = None
        self._starts_only: dict[str, list[int]] | None = None

    def locate_all(self, elements: Sequence[Node]) -> list[Span | None]:
        """The range of each element (tokenizing only the names involved)."""
        places = [self.place(el) for el in elements]
        names = {"table"}
        for place in places:
            node = place
            while node is not None:
                names.add(node.element.tag or "")
                node = self.place(node.host) if node.host is not None else None
        self.names, self._tags, self._starts = frozenset(names), {}, {}
        self._spelled = self._starts_only = None  # they hold these names only
        return [self._range(place) if place else None for place in places]

    def locate(self, el: Node) -> Span | None:
        return self.locate_all([el])[0]

    def place(self, el: Node) -> Place | None:
        """Where ``el`` is counted; None for an element of another tree, or a wrapper."""
        if el.mem_id in self.wrappers or not el.is_element_node or not el.tag:
            return None
        scope, host = self.root, None
        top = el
        for node in ancestors(el):
            if node.mem_id in self.wrappers:
                scope, host = node, node.parent
                break
            top = node
        if host is None and top.mem_id != self.root.mem_id:
            return None
        rank = self._rank_of(scope, el.tag).get(el.mem_id)
        return None if rank is None else Place(el, scope, host, rank)

    def _rank_of(self, scope: Node, tag: str) -> dict[int, int]:
        """Each element named ``tag`` of a scope (by ``mem_id``) → its rank among them: one
        map per name, so locating n elements is not n scans of them."""
        key = (scope.mem_id, tag)
        if key not in self._ranks:
            named = self._named(scope, tag)
            self._ranks[key] = {el.mem_id: rank for rank, el in enumerate(named)}
        return self._ranks[key]

    def _named(self, scope: Node, tag: str) -> list[Node]:
        """The elements named ``tag`` of a scope in document order, without the wrappers and
        what they hold (their tags are not in this scope's bytes)."""
        key = (scope.mem_id, tag)
        if key not in self._names:
            hidden: set[int] = set()
            for wrapper in self.wrappers.values():
                if wrapper.mem_id != scope.mem_id:
                    hidden.update(node.mem_id for node in wrapper.css(css_name(tag)))
                    hidden.add(wrapper.mem_id)
            hidden.update(self.copies)
            found = [el for el in scope.css(css_name(tag)) if el.mem_id not in hidden]
            self._names[key] = [el for el in found if el.mem_id != scope.mem_id]
        return self._names[key]

    def _region(self, place: Place) -> Span | None:
        """The bytes a place's scope was parsed from: the page, or its host's content."""
        if place.host is None:
            return 0, len(self.data)
        host = self.place(place.host)
        found = self._find(host) if host is not None else None
        if found is None:
            return None
        opening, end = found
        return opening.end, self.data.rfind(b"<", opening.end, end)

    def _range(self, place: Place) -> Span | None:
        found = self._find(place)
        return None if found is None else (found[0].start, found[1])

    def _find(self, place: Place) -> tuple[Tag, int] | None:
        """The start tag of a placed element and the end offset of its markup."""
        quick = self._quick_find(place)
        if quick is not None:
            return quick if quick[0] is not None else None
        region = self._region(place)
        if region is None:
            return None
        tags = self._tokens(region)
        tag = place.element.tag or ""
        if (region, tag) not in self._starts:
            found = [i for i, t in enumerate(tags) if t.kind == START and t.name == tag]
            self._starts[(region, tag)] = found
        starts = self._starts[(region, tag)]
        if not self._consistent(place, region, tags, starts):
            return None
        index = starts[place.rank]
        if not _attrs_agree(self.data, tags[index], place.element):
            return None
        if place.element.mem_id in self.reopened:
            end = reopened_end(self.data, tags[index], place.element)
        else:
            end = matching_end(tags[i] for i in range(index, len(tags)))  # no copy of the list
        return None if end is None else (tags[index], end)

    def _quick_find(self, place: Place) -> tuple[Tag, int] | tuple[None, None] | None:
        """``_find`` for an element of a page without tables (no tag depths to check): the
        start tag at its rank among the page's start tags of its name, found by their
        spellings when the tree holds as many (see the module's notes), else among the
        tokenizer's start tags alone. None when the page must be tokenized in full; (None,
        None) when there is no range."""
        tag = place.element.tag or ""
        if place.host is not None or self._has_tables():
            return None
        count = len(self._named(place.scope, tag))
        starts = self._spellings(tag) if tag not in UNTAGGED else []
        if len(starts) != count:
            if self._starts_only is None:
                self._starts_only = start_tags(self.data, self.names)
            starts = self._starts_only.get(tag, [])
            if len(starts) != count:
                return None, None
        tags = iter_tags(self.data, starts[place.rank], len(self.data), frozenset([tag]))
        opening = next(tags, None)
        if opening is None or opening.start != starts[place.rank]:
            return None
        if not _attrs_agree(self.data, opening, place.element):
            return None, None
        if place.element.mem_id in self.reopened:
            end = reopened_end(self.data, opening, place.element)
        else:
            end = matching_end(itertools.chain([opening], tags))
        return (None, None) if end is None else (opening, end)

    def _has_tables(self) -> bool:
        """The page spells a ``<table`` tag (then it may foster-parent elements)."""
        return bool(self._spellings("table"))

    def _spellings(self, tag: str) -> list[int]:
        """Where the page's bytes spell a start tag named ``tag`` (in any ASCII case): all
        the names located are found in one pass over the page."""
        if self._spelled is None:
            self._spelled = spellings(self.data, sorted(self.names | {"table"}))
        return self._spelled.get(tag, [])

    def _tokens(self, region: Span) -> list[Tag]:
        """Every tag of the names located in a region (all of them: the counts are
        checked)."""
        if region not in self._tags:
            self._tags[region] = tokenize(self.data, *region, names=self.names)
        return self._tags[region]

    def _consistent(self, place: Place, region: Span, tags: list[Tag], starts: list[int]) -> bool:
        """The tree and the bytes hold as many elements of this name, at the same table
        depths."""
        tag = place.element.tag or ""
        key = (place.scope.mem_id, tag, region)
        if key not in self._checked:
            named = self._named(place.scope, tag)
            same = len(named) == len(starts)
            if same and any(t.name == "table" for t in tags):
                same = _token_depths(tags, starts) == self._tree_depths(place.scope, named)
            self._checked[key] = same
        return self._checked[key]

    def _tree_depths(self, scope: Node, named: list[Node]) -> list[int]:
        """How many ``<table>`` elements of the scope hold each element."""
        tables = AncestorCount(lambda node: node.tag == "table", scope)
        return [tables.of(el) for el in named]


# Each name is searched in every ASCII case at once, one automaton pattern per way of
# writing it: lower-casing the page first cost twice the search. Names with more ways than
# this (long ones) are searched in the lower-cased page.
MAX_CASINGS = 4096


def spellings(data: bytes, names: Sequence[str]) -> dict[str, list[int]]:
    """Where ``data`` holds ``<name`` in any ASCII case (a name with an upper-case letter:
    nowhere), followed by a tag name's end, by name."""
    wanted = tuple(name for name in names if name.isascii())
    if not wanted:
        return {}
    cased = sum(2 ** sum(c.islower() for c in name) for name in wanted) <= MAX_CASINGS
    haystack = data if cased else data.lower()
    automaton, owners = _automaton(wanted, cased)
    found: dict[str, list[int]] = {name: [] for name in wanted}
    for index, start, end in automaton.find_matches_as_indexes(haystack, overlapping=True):
        if end < len(haystack) and haystack[end] in TAG_NAME_ENDS:
            found[owners[index]].append(start)
    return found


@lru_cache(maxsize=64)
def _automaton(
    names: tuple[str, ...], cased: bool
) -> tuple[ahocorasick_rs.BytesAhoCorasick, list[str]]:
    """Finds each ``<name`` (with ``overlapping``, ``<amp-twitter`` is also a ``<a``), in
    every ASCII case when ``cased`` (else as written, in a lower-cased page); and the name
    of each pattern."""
    patterns: list[bytes] = []
    owners: list[str] = []
    for name in names:
        ways = _casings(name) if cased else [name]
        patterns += [b"<" + way.encode("ascii") for way in ways]
        owners += [name] * len(ways)
    return ahocorasick_rs.BytesAhoCorasick(patterns), owners


def _casings(name: str) -> list[str]:
    """Every way of writing ``name`` in ASCII upper and lower case (none for a name with an
    upper-case letter: a lower-cased page never spelled it)."""
    if any(c.isupper() for c in name):
        return []
    letters = [(c, c.upper()) if c.islower() else (c,) for c in name]
    return ["".join(way) for way in itertools.product(*letters)]


def _token_depths(tags: list[Tag], starts: list[int]) -> list[int]:
    """How many open ``<table>`` tags surround each start tag of ``starts`` (a table's own
    tag counts the tables around it, as its element's ancestors do)."""
    wanted = set(starts)
    depth, depths = 0, []
    for index, tag in enumerate(tags):
        if index in wanted:
            depths.append(depth)
        if tag.name == "table":
            depth = depth + 1 if tag.kind == START else max(depth - 1, 0)
    return depths


def _attrs_agree(data: bytes, tag: Tag, el: Node) -> bool:
    """The start tag's attributes are the element's: the same names, and the same values
    except where a value holds a character reference (Python's decoding of those in
    attribute values is not exactly the HTML Standard's)."""
    found = attributes(data, tag)
    wanted = {name: get(el, name) or "" for name in el.attributes}
    if set(found) != set(wanted):
        return False
    return all(
        found[name] == value or "&" in data[tag.start : tag.end].decode("latin-1")
        for name, value in wanted.items()
    )


# Start tags that close an open ``<p>`` (the HTML Standard's "close a p element" in body).
CLOSES_P = frozenset(
    ["address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
     "div", "dl", "dd", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
     "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "listing", "main",
     "menu", "nav", "ol", "p", "pre", "search", "section", "summary", "table", "ul", "xmp"]
)  # fmt: skip
MAX_REOPENED_TAGS = 4096  # tags read after a re-opened element's start tag for its end


def reopened_end(data: bytes, opening: Tag, el: Node) -> int | None:
    """Where the parser first closed a formatting element it then re-opened as copies
    (``<p><a href=…>label</p><p>…``): at its own end tag (included), at the next start
    tag of its name (the adoption agency closes it), at an end tag of an element opened
    before it (its block), or, in a ``<p>``, at a start tag that closes the paragraph. The
    tags opened inside it are followed so that theirs are not taken for its block's; None
    when the end is not within ``MAX_REOPENED_TAGS`` tags. The caller checks the range
    (the located bytes, parsed alone, must hold the element's words and addresses)."""
    in_p = _in_paragraph(el)
    inside: list[str] = []
    for count, tag in enumerate(iter_tags(data, opening.end)):
        if count >= MAX_REOPENED_TAGS:
            return None
        if tag.kind == START:
            if tag.name == opening.name or (in_p and tag.name in CLOSES_P):
                return tag.start
            if tag.name not in VOID:
                inside.append(tag.name)
        elif tag.name in inside:
            del inside[len(inside) - 1 - inside[::-1].index(tag.name) :]
        else:
            return tag.end if tag.name == opening.name else tag.start
    return None


def _in_paragraph(el: Node) -> bool:
    """``el`` is in a ``<p>`` with only formatting elements between them."""
    for node in ancestors(el):
        if node.tag == "p":
            return True
        if node.tag not in FORMATTING_TAGS:
            return False
    return False
