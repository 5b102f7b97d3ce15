"""Found items that are one embed: a blockquote and the iframe or card it became, side by
side, and an element and the copies of it the HTML parser made (a formatting element left
open is re-opened after each block that closed it).
"""

from __future__ import annotations

from ..normalize import comparable, is_truncated
from .dom import (
    Node,
    ancestors,
    attribute_items,
    css_name,
)
from .found import Found
from .spans import START, attributes, iter_tags
from .tree import text_content


def merge_rendered_pairs(found: list[Found], copies: ParserCopies | None = None) -> list[Found]:
    """A blockquote and the iframe or placeholder it became, side by side, are one embed;
    so are an element and the copies of it the parser made (``copies``).

    Two blockquotes of the same post are two embeds (the article embedded it twice), and so
    are two embeds of it with something a reader sees between them (``side_by_side``).
    """
    merged: list[Found] = []
    last: Node | None = None  # the element last merged into ``merged[-1]``
    for hit in found:
        if (
            copies is not None
            and merged
            and merged[-1].status_id == hit.status_id
            and copies.is_copy(last, hit.element)
        ):
            last = hit.element
            merged[-1].copies = (*merged[-1].copies, hit.element)
            continue
        last = hit.element
        if hit.method == "link":
            merged.append(hit)
            continue
        previous = next((m for m in reversed(merged) if m.method != "link"), None)
        if (
            previous is not None
            and previous.status_id
            and previous.status_id == hit.status_id
            and not (previous.method == hit.method == "blockquote")
            and merged[-1] is previous
            and side_by_side(previous.element, hit.element)
        ):
            merged[-1] = merge_pair(previous, hit)
            continue
        merged.append(hit)
    return merged


def merge_pair(first: Found, second: Found) -> Found:
    """One embed of two that show the same post. A blockquote's markup is the embed (its
    method, date and bytes: the publish markup of the post, beside the card or frame it was
    rendered into); else the one that shows text. The text is the kept one's, or the
    other's when that is fuller (the kept one has none, or a truncated prefix of it)."""
    shown = first if first.text or not second.text else second
    keep = next((f for f in (first, second) if f.method == "blockquote"), shown)
    other = second if keep is first else first
    if other.text and fuller(other.text, keep.text):
        keep.text, keep.media = other.text, other.media or keep.media
    for name in ("handle", "author", "date", "date_text"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(other, name))
    keep.companions = (*keep.companions, other.element, *other.companions)
    return keep


def fuller(text: str, than: str | None) -> bool:
    """``text`` shows more of a post than ``than``: there is none, or it is cut short
    (``…``) and ``text`` goes on from it."""
    if not than:
        return True
    return is_truncated(than) and comparable(text).startswith(comparable(than))


# The formatting elements the HTML parser re-opens after a block closed them.
FORMATTING_TAGS = frozenset(
    ["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
     "tt", "u"]
)  # fmt: skip


class ParserCopies:
    """The copies of an element that the HTML parser made. A formatting element left open
    (``<p><a class="twitter-embed" href=…>label</p><p>Text</p>``, the ``<a>`` never closed)
    is closed with its block and re-opened, with the same attributes, around each run of
    content after it until its end tag or the next ``<a>``: each copy follows the one before
    with nothing a reader sees between them. A real element may follow so too (a second
    link to the post, right after the copies): so as many are taken for copies, in document
    order, as the tree holds more elements with those attributes than the page's bytes spell
    start tags of (counted only for a page that has such a pair)."""

    def __init__(self, root: Node, markup: bytes) -> None:
        self.root = root
        self.markup = markup
        self.left: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}

    def is_copy(self, first: Node | None, second: Node) -> bool:
        """``second`` is a copy of ``first`` (the element before it of the same post)."""
        if first is None or first.tag != second.tag or first.tag not in FORMATTING_TAGS:
            return False
        attributes = attribute_items(first)
        if attributes != attribute_items(second) or not side_by_side(first, second):
            return False
        key = (first.tag, tuple(sorted(attributes)))
        if key not in self.left:
            self.left[key] = self._copies(first.tag, dict(attributes))
        self.left[key] -= 1
        return self.left[key] >= 0

    def _copies(self, tag: str, wanted: dict[str, str]) -> int:
        """How many more elements with these attributes the tree holds than the bytes spell."""
        in_tree = sum(dict(attribute_items(el)) == wanted for el in self.root.css(css_name(tag)))
        tags = iter_tags(self.markup, names=frozenset([tag]))
        spelled = sum(t.kind == START and attributes(self.markup, t) == wanted for t in tags)
        return in_tree - spelled


INVISIBLE_TAGS = frozenset({"script", "style", "link", "meta", "br", "-comment"})


MAX_BETWEEN = 64  # nodes walked from one embed to the next


def _after(node: Node) -> Node | None:
    """The node after ``node`` and its subtree, in document order."""
    current: Node | None = node
    while current is not None and current.next is None:
        current = current.parent
        if current is not None and not current.is_element_node:
            return None
    return current.next if current is not None else None


def side_by_side(first: Node, second: Node) -> bool:
    """Nothing a reader sees lies between two elements (whitespace, scripts, empty wrappers):
    a blockquote next to the iframe widgets.js rendered it into. Prose or anything else
    visible between them makes them two embeds of one post."""
    holders = {second.mem_id, *(node.mem_id for node in ancestors(second))}
    node = _after(first)
    for _ in range(MAX_BETWEEN):
        if node is None:
            return False
        if node.mem_id == second.mem_id:
            return True
        if node.mem_id in holders:  # ``second`` is inside: what comes before it there
            node = node.first_child
            continue
        if node.is_text_node:
            if (node.text_content or "").strip():
                return False
        elif node.tag not in INVISIBLE_TAGS and text_content(node).strip():
            return False
        node = _after(node)
    return False
