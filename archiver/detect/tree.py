"""Small reads over a parsed subtree shared by the detectors: its status links, the post IDs
written anywhere in it."""

from __future__ import annotations

from ..urls import canonical_id, find_status, iter_statuses
from .dom import Node, get, lead_text, tail_text, text_content

# The attributes that hold a post's ID (or status URL) on an element a script fills in;
# ``tweetid`` is tarteaucitron's (``<div class="twitterembed-canvas" tweetid=ID>``, the
# French consent manager's Twitter service, and its forks').
ID_ATTRS = ("data-tweet-id", "data-tweetid", "data-tweet", "tweetid")

__all__ = ["ID_ATTRS", "status_links", "subtree_ids", "text_content"]


def status_links(el: Node) -> list[tuple[Node, str, str | None]]:
    """Every ``<a href>`` to a status in ``el``'s subtree (element, id, handle)."""
    found = []
    for a in el.css("a[href]"):
        status = find_status(get(a, "href") or "")
        if status:
            found.append((a, *status))
    return found


def _values(node: Node, attributes: dict[str, str | None], top: bool) -> list[str]:
    """What may name a post at one element: attribute values (not JSON), its leading text,
    the text after it (not for the subtree's top)."""
    values = [v for v in attributes.values() if v and not v.lstrip().startswith(("{", "["))]
    lead = lead_text(node)
    if lead:
        values.append(lead)
    tail = None if top else tail_text(node)
    if tail:
        values.append(tail)
    return values


def subtree_ids(el: Node, limit: int = 2) -> list[str]:
    """Distinct status IDs written anywhere in a subtree (links, attributes, text), up to limit.

    Each element is read as its attributes, its leading text, then the text after it.
    Attributes holding JSON are not read: the posts they name (props of other articles, a
    module's configuration) are data, not what the box shows."""
    ids: list[str] = []
    for node in el.traverse():
        if not node.is_element_node:
            continue
        attributes = node.attributes  # a new dict on each access: read once per element
        for value in _values(node, attributes, node.mem_id == el.mem_id):
            if "status" not in value and "weet" not in value:
                continue
            for post_id, _ in iter_statuses(value):
                if post_id not in ids:
                    ids.append(post_id)
                    if len(ids) >= limit:
                        return ids
        for name in ID_ATTRS:
            named = canonical_id(attributes.get(name))
            if named and named not in ids:
                ids.append(named)
    return ids
