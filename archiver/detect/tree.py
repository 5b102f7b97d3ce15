"""Small reads over a parsed subtree shared by the detectors: its text, its status links,
the post IDs written anywhere in it."""

from __future__ import annotations

from lxml import etree

from ..urls import canonical_id, find_status, iter_statuses

ID_ATTRS = ("data-tweet-id", "data-tweetid", "data-tweet")
_STRING_VALUE = etree.XPath("string()")


def text_content(el: etree._Element) -> str:
    """All the text inside an element (its XPath string value)."""
    return str(_STRING_VALUE(el))


def status_links(el: etree._Element) -> list[tuple[etree._Element, str, str | None]]:
    """Every ``<a href>`` to a status below ``el`` (element, id, handle)."""
    found = []
    for a in el.iter("a"):
        status = find_status(a.get("href") or "")
        if status:
            found.append((a, *status))
    return found


def subtree_ids(el: etree._Element, limit: int = 2) -> list[str]:
    """Distinct status IDs written anywhere in a subtree (links, attributes, text), up to limit.

    Attributes holding JSON are not read: the posts they name (props of other articles, a
    module's configuration) are data, not what the box shows."""
    ids: list[str] = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        values = [v for v in node.attrib.values() if not v.lstrip().startswith(("{", "["))]
        if node.text:
            values.append(node.text)
        if node is not el and node.tail:
            values.append(node.tail)
        for value in values:
            if "status" not in value and "weet" not in value:
                continue
            for post_id, _ in iter_statuses(value):
                if post_id not in ids:
                    ids.append(post_id)
                    if len(ids) >= limit:
                        return ids
        for name in ID_ATTRS:
            value = canonical_id(node.get(name))
            if value and value not in ids:
                ids.append(value)
    return ids
