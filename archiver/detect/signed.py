"""The status a flattened signature links to: publish markup that lost its blockquote.

A CMS that strips the ``<blockquote class="twitter-tweet">`` (a sanitizer, a paste from a
rendered page, a bogus comment that swallows the start tag) leaves the post's text and its
signature line as paragraphs: ``— Name (@handle) <a href=".../status/ID">Date</a>``. The
text forms read it from the flattened page, where the link's address is gone; this finds the
address again. The link counts only when its label ends with the signature's date and
``(@handle)`` is written just before it (or in it), outside every markup embed.
"""

from __future__ import annotations

from ..normalize import clean_text, comparable
from ..urls import find_status
from .dom import Node, ancestors, get, text_content
from .flatten import BLOCK_TAGS, flatten
from .text_doc import TextHit

# How much text before a link is read for the signature's ``(@handle)``: a display name
# (at most 50 characters) and the dash, with room for spaces and entities.
CONTEXT_CHARS = 120


def link_signatures(
    root: Node, hits: list[TextHit], embeds: list[Node]
) -> tuple[list[TextHit], set[int]]:
    """``hits`` with the status ID their signature's date links to, and the ``mem_id`` of
    each link so claimed (it is the embed's own link, not a sighting of the post)."""
    if not any(_wants_link(hit) for hit in hits):
        return hits, set()
    inside = {el.mem_id for el in embeds}
    links = [
        (a, status)
        for a in root.css('a[href*="status" i]')
        if (status := find_status(get(a, "href") or ""))
    ]
    claimed: set[int] = set()
    linked: list[TextHit] = []
    for hit in hits:
        match = _link_of(hit, links, claimed, inside) if _wants_link(hit) else None
        if match is None:
            linked.append(hit)
            continue
        anchor, (status_id, handle) = match
        claimed.add(anchor.mem_id)
        linked.append(hit._replace(status_id=status_id, handle=hit.handle or handle))
    return linked, claimed


def _wants_link(hit: TextHit) -> bool:
    return hit.status_id is None and bool(hit.handle and hit.date_text)


def _link_of(
    hit: TextHit,
    links: list[tuple[Node, tuple[str, str | None]]],
    claimed: set[int],
    inside: set[int],
) -> tuple[Node, tuple[str, str | None]] | None:
    """The first link not yet claimed that is ``hit``'s signature date."""
    date = " ".join((hit.date_text or "").split()).casefold()
    mark = f"(@{hit.handle})".casefold()
    for anchor, status in links:
        if anchor.mem_id in claimed:
            continue
        label = " ".join(clean_text(text_content(anchor)).split()).casefold()
        if not label.endswith(date) or mark not in f"{_text_before(anchor)} {label}".casefold():
            continue
        if any(node.mem_id in inside for node in [anchor, *ancestors(anchor)]):
            continue
        return anchor, status
    return None


def _text_before(anchor: Node) -> str:
    """The text just before a link in its line: its earlier siblings, back to a block or a
    ``<br>``, at most ``CONTEXT_CHARS`` characters."""
    parts: list[str] = []
    size = 0
    node = anchor.prev
    while node is not None and size < CONTEXT_CHARS:
        if node.is_element_node and (node.tag in BLOCK_TAGS or node.tag == "br"):
            break
        if node.is_text_node:
            text = node.text_content or ""
        else:
            text = text_content(node) if node.is_element_node else ""
        parts.append(text)
        size += len(text)
        node = node.prev
    # Joined as the page shows them: a linked handle's ``(``, label and ``)`` are one word.
    return "".join(reversed(parts))[-CONTEXT_CHARS:]


HEADINGS = "h1, h2, h3, h4, h5, h6"
BYLINE_CLIMB = 3  # levels up from a heading to the element after it (``<header><h1>``)
BYLINE_CHARS = 400  # of the text after a heading, read for the signature's ``(@handle)``


def drop_bylines(root: Node, hits: list[TextHit]) -> list[TextHit]:
    """A signature line right after a heading (``<h1>Storm hits coast</h1><p>— Jane Doe
    (@jd) March 1, 2024</p>``) is the article's byline written like a signature: a heading
    is never a post's text. Such a hit is no embed; when its date links to a status
    (``link_signatures``), it stays that post, without text."""
    if not any(hit.text and hit.handle for hit in hits):
        return hits
    headings = [(comparable(flatten(h)), h) for h in root.css(HEADINGS)]
    if not headings:
        return hits
    kept: list[TextHit] = []
    for hit in hits:
        text = comparable(hit.text) if hit.text and hit.handle else None
        if text and any(t == text and _signed_after(h, hit.handle or "") for t, h in headings):
            if hit.status_id is None:
                continue
            signature = hit.raw.rsplit("\n", 1)[-1]
            hit = hit._replace(first_line=hit.last_line, text=None, raw=signature, media=())
        kept.append(hit)
    return kept


def _signed_after(heading: Node, handle: str) -> bool:
    """The text that follows a heading (its next node, or its parent's, up a few levels)
    starts with the signature's ``(@handle)``."""
    node, owner = heading.next, heading
    for _ in range(BYLINE_CLIMB):
        while (
            node is not None and not node.is_element_node and not (node.text_content or "").strip()
        ):
            node = node.next
        if node is not None or owner.parent is None:
            break
        owner = owner.parent
        node = owner.next
    if node is None:
        return False
    text = text_content(node) if node.is_element_node else node.text_content or ""
    return f"(@{handle})".casefold() in " ".join(text[:BYLINE_CHARS].split()).casefold()
