"""A post's address left as text where an embed was meant: a block whose whole content is
one status URL (a failed auto-embed), a URL alone on a line of its block, between ``<br>``
(WordPress after wpautop), and shortcodes (``[embed]URL[/embed]``, a tweet shortcode) left
in a block's text.
"""

from __future__ import annotations

import re

from ..urls import (
    bare_status,
    find_status,
)
from .dom import (
    Node,
    get,
    kids,
    tail_text,
)
from .flatten import BLOCK_TAGS
from .found import MAX_CONTAINER_ELEMENTS, MAX_CONTAINER_TEXT, Found
from .shortcodes import find_shortcodes, may_hold_shortcode
from .tree import text_content


def small_enough(el: Node) -> bool:
    for count, _ in enumerate(el.traverse(), 1):
        if count > MAX_CONTAINER_ELEMENTS:
            return False
    return len(text_content(el)) <= MAX_CONTAINER_TEXT


def is_bare_url_block(el: Node) -> str | None:
    """A block whose whole content is one status URL (plain, linked, or as an image's
    address), or one empty link to a status (a stub a script fills in): a failed or pending
    auto-embed."""
    if el.tag not in BLOCK_TAGS:
        return None
    children = kids(el, at_most=2)
    if len(children) > 1:
        return None
    only = children[0] if children else None
    text = text_content(el)
    if only is not None and only.tag == "img" and not text.strip():
        # A post's address as an image's (Markdown's ``![](URL)``, Obsidian's embed syntax,
        # rendered): no picture, a post meant to be shown.
        status = bare_status(get(only, "src") or "")
        return status[0] if status else None
    if only is not None and (only.tag != "a" or (tail_text(only) or "").strip()):
        return None
    if only is not None and not text.strip() and only.first_child is None:
        status = find_status(get(only, "href") or "")
        return status[0] if status else None
    status = bare_status(text)
    if status and only is not None and get(only, "href"):
        # The link must lead where its text says (a status URL as the text of a link to a
        # video is a joke in a comment, not a failed embed).
        target = find_status(get(only, "href") or "")
        return status[0] if target and target[0] == status[0] else None
    return status[0] if status else None


def post_as_image(img: Node) -> tuple[Node, tuple[str, str | None]] | None:
    """An image whose address is a post's, alone in its block (``is_bare_url_block``): that
    block and the post (ID, handle)."""
    block = img.parent
    if block is None or block.tag not in BLOCK_TAGS or not is_bare_url_block(block):
        return None
    status = bare_status(get(img, "src") or "")
    return (block, status) if status else None


def alone_on_its_line(link: Node) -> str | None:
    """The post a link names when it is a failed auto-embed on a line of its own inside a
    block: its label is its own status URL, and ``<br>`` or the block's edge (one of them a
    ``<br>``) on each side, with only spaces between. WordPress embeds a URL typed on its own
    line; when that fails it leaves the URL as a link, and ``wpautop`` turns the single line
    breaks around it into ``<br />`` (blank lines make a block: ``is_bare_url_block``)."""
    parent = link.parent
    if parent is None or parent.tag not in BLOCK_TAGS:
        return None
    edges = [_line_edge(link.prev, "prev"), _line_edge(link.next, "next")]
    if None in edges or "br" not in edges:
        return None
    status = bare_status(text_content(link))
    target = find_status(get(link, "href") or "")
    return status[0] if status and target and target[0] == status[0] else None


def _line_edge(node: Node | None, step: str) -> str | None:
    """What ends a link's line on one side: ``"br"``, ``"block"`` (the block's edge), or
    None when anything but spaces and comments comes first."""
    while node is not None:
        if node.is_element_node:
            return "br" if node.tag == "br" else None
        if node.is_text_node and (node.text_content or "").strip():
            return None
        node = getattr(node, step)
    return "block"


MAX_BLOCK_NODES = 200  # child nodes of a block read for its lines: a paragraph has a few


def block_lines(el: Node) -> tuple[list[tuple[str, bool]], int]:
    """A block's own lines, split at its ``<br>`` children: (text of the line's text
    nodes, True when nothing but text and comments stands on it), and how many ``<br>``
    split them. Text inside child elements is not read."""
    lines: list[tuple[str, bool]] = []
    parts: list[str] = []
    pure, breaks = True, 0
    node, seen = el.first_child, 0
    while node is not None and seen < MAX_BLOCK_NODES:
        if node.is_text_node:
            parts.append(node.text_content or "")
        elif node.is_element_node and node.tag == "br":
            lines.append(("".join(parts), pure))
            parts, pure, breaks = [], True, breaks + 1
        elif node.is_element_node:
            pure = False
        node, seen = node.next, seen + 1
    lines.append(("".join(parts), pure))
    return lines, breaks


def bare_url_line(el: Node) -> str | None:
    """The post of a status URL typed as plain text on a line of its own inside a block,
    between ``<br>`` (or a ``<br>`` and the block's edge): WordPress's failed auto-embed after
    ``wpautop``, like its linked form (``alone_on_its_line``). One such line in the block;
    several are a list of sources."""
    lines, breaks = block_lines(el)
    if not breaks:
        return None
    found = [
        status[0]
        for text, pure in lines
        if pure and "/status" in text and (status := bare_status(text))
    ]
    return found[0] if len(found) == 1 else None


def block_shortcode(el: Node) -> tuple[str, str | None] | None:
    """(status id, handle) of the one tweet shortcode written in a block's own text (on any
    of its lines: a shortcode the site no longer renders, left in its paragraph)."""
    texts = [text for text, _ in block_lines(el)[0] if may_hold_shortcode(text)]
    shortcodes = [code for text in texts for code in find_shortcodes(text)]
    return shortcodes[0] if len(shortcodes) == 1 else None


# WordPress's ``[embed]URL[/embed]`` (``[embed width=…]``) around a link: the shortcode's URL
# made a link by a filter that links URLs in the text (``make_clickable``, a CMS's importer).
EMBED_OPENING = re.compile(r"\[embed(?:\s[^\[\]]*)?\]\s*\Z")


EMBED_CLOSING = re.compile(r"\s*\[/embed\]")


def linked_embed_shortcode(link: Node) -> Found | None:
    """``[embed]<a href=STATUS>STATUS</a>[/embed]``: the link's label is its own status URL,
    the shortcode's brackets the text around it. The embed is the link's block when the
    shortcode is all the block holds, else the link."""
    closing = EMBED_CLOSING.match(tail_text(link) or "")
    opening = EMBED_OPENING.search(text_before(link))
    if closing is None or opening is None:
        return None
    label = text_content(link)
    status = bare_status(label)
    target = find_status(get(link, "href") or "")
    if status is None or target is None or target[0] != status[0]:
        return None
    parent = link.parent
    shortcode = "".join([opening.group(), label, closing.group()]).split()
    alone = parent is not None and parent.tag in BLOCK_TAGS
    if alone and parent is not None and text_content(parent).split() == shortcode:
        return Found(parent, "wordpress", *status)
    return Found(link, "wordpress", *status)


def text_before(node: Node) -> str:
    """The text just before a node, back to the previous element or comment."""
    parts = []
    previous = node.prev
    while previous is not None and previous.is_text_node:
        parts.append(previous.text_content or "")
        previous = previous.prev
    return "".join(reversed(parts))
