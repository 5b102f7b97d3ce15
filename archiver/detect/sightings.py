"""``link`` sightings (``include_links``): the posts an element that is no embed names, by a
link's address or a status URL in its own text, and the items found put in document order.
Its own module: a sighting is no embed; it is read only when asked for, of the elements
that judging passed over.
"""

from __future__ import annotations

import itertools

from ..normalize import clean_text
from ..urls import bare_status, iter_statuses
from .dom import AncestorCount, Node, get, lead_text, tail_text
from .flatten import INVISIBLE
from .found import Found, text_of
from .text import SIGHTING_LINES_FACTOR, SIGHTING_LINES_MIN


def in_document_order(root: Node, found: list[Found], at: list[Node]) -> list[Found]:
    """``found`` sorted by where each item stands (``at``): candidates are elements, judged
    in document order, but a sighting in the text after a child element comes after what
    was found inside that child."""
    if all(node.is_element_node for node in at):
        return found
    rank = {node.mem_id: n for n, node in enumerate(root.traverse(include_text=True))}
    keys: list[int] = []
    for node in at:  # a node outside the tree (none is expected) keeps its place
        keys.append(rank.get(node.mem_id, keys[-1] if keys else -1))
    return [found[i] for i in sorted(range(len(found)), key=keys.__getitem__)]


class Sightings:
    """The posts an element that is no embed names (``link`` sightings, for
    ``include_links``), each with the node it stands at: a link's address (it must point at
    the post: a share link whose ``?url=`` names a post is not a sighting of it), and each
    status URL written as plain text in the element's own text (prose naming a post, as a
    line of a text file does), wherever links count (``<noscript>`` and ``<template>``
    content too), but not in a script, a style, or a link's label (its address says where
    it goes).

    A sighting in the prose keeps its run of text as its raw, so a run of thousands made as
    many copies: as in a text page (``find_text_embeds``), those raws may total
    ``SIGHTING_LINES_FACTOR`` times the page (at least ``SIGHTING_LINES_MIN`` characters);
    the sightings past that are not reported."""

    def __init__(self, size: int) -> None:
        self.room = max(SIGHTING_LINES_MIN, SIGHTING_LINES_FACTOR * size)
        self.links_above = AncestorCount(lambda node: node.tag == "a")  # linear when nested

    def of(self, el: Node) -> list[tuple[Node, Found]]:
        if el.tag == "a":
            status = bare_status(get(el, "href") or "")
            text = clean_text(text_of(el)) or None
            return [(el, Found(el, "link", *status, text=text))] if status else []
        runs = [(el.first_child, lead_text(el)), *((kid.next, tail_text(kid)) for kid in el.iter())]
        named = [(run, text) for run, text in runs if run and text and "status" in text]
        if not named or el.tag in INVISIBLE or self.links_above.of(el):
            return []
        found: list[tuple[Node, Found]] = []
        for run, text in named:
            share = list(itertools.islice(iter_statuses(text), self.room // len(text)))
            found += [(run, Found(el, "link", *status, raw=text)) for status in share]
            self.room -= len(text) * len(share)
        return found
