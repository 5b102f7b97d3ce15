"""An element judged to be an embed (``Found``), and the small reads of an element every
judge shares: its classes, a post ID or status address in an attribute, its text, the
handle written beside a post's ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..urls import (
    bare_status,
    iter_statuses,
    parse_post_ref,
    valid_id,
)
from .dom import (
    Node,
    get,
)
from .flatten import flatten
from .tree import ID_ATTRS, status_links, text_content

# A generic container bigger than this is a page region, not a post.
MAX_CONTAINER_TEXT = 3000


MAX_CONTAINER_ELEMENTS = 250


@dataclass
class Found:
    """An element judged to be an embed, before positions are assigned."""

    element: Node
    method: str
    status_id: str | None
    handle: str | None = None
    author: str | None = None
    text: str | None = None
    date: str | None = None
    media: tuple[str, ...] = ()
    date_text: str | None = None
    raw: str | None = None  # a sighting in the prose: its text (no markup of its own)
    # Elements of the same embed merged into this one (``merge_rendered_pairs``).
    companions: tuple[Node, ...] = ()
    # The copies of ``element`` the HTML parser made (an ``<a>`` left open, re-opened around
    # each run of content after it): merged into this embed, never located.
    copies: tuple[Node, ...] = ()
    # A rendered post's frame that nothing in the page names: the local file its ``src``
    # names, which may (``local_frames``).
    frame_src: str | None = None


def parent_id(el: Node) -> int | None:
    parent = el.parent
    return parent.mem_id if parent is not None else None


def classes(el: Node) -> set[str]:
    return set((get(el, "class") or "").split())


def id_or_url(value: str | None) -> tuple[str, str | None] | None:
    """An attribute where a post ID is expected: the ID, or any status URL form (AMP pages
    and some CMSs write the whole URL), read by the same parser as every other address."""
    value = (value or "").strip()
    if not value or value[0] in "{[<":  # JSON or markup: not an address
        return None
    return parse_post_ref(value) if valid_id(value) or bare_status(value) else None


def attribute_status(el: Node, names: tuple[str, ...] = ID_ATTRS) -> tuple[str, str | None] | None:
    """(id, handle) named by the first ID attribute that holds an ID or a status URL."""
    for name in names:
        status = id_or_url(get(el, name))
        if status:
            return status
    return None


def attribute_id(el: Node, names: tuple[str, ...] = ID_ATTRS) -> str | None:
    status = attribute_status(el, names)
    return status[0] if status else None


def text_of(el: Node) -> str:
    """Visible text of an element, ``<br>`` and block boundaries as newlines."""
    return flatten(el)


def handle_for(el: Node, status_id: str) -> str | None:
    """The handle written next to a post's ID in a wrapper's links, else in its elements'
    attributes (Zenn's frame keeps the post's address percent-encoded in ``data-content``),
    else in its text."""
    for _, post_id, handle in status_links(el):
        if post_id == status_id and handle:
            return handle
    for node in el.traverse():
        values = node.attributes.values() if node.is_element_node else ()
        for value in (v for v in values if v and "status" in v):
            found = next((h for i, h in iter_statuses(value) if i == status_id and h), None)
            if found:
                return found
    if "/status" in (text := text_content(el)[:MAX_CONTAINER_TEXT]):
        for post_id, handle in iter_statuses(text):
            if post_id == status_id and handle:
                return handle
    return None
