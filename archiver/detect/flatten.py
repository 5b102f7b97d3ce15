"""Text the way a reader tool flattens markup, for the text forms and an embed's text.

Block boundaries and ``<br>`` become newlines, line breaks in the source become spaces
(except in ``<pre>``), invisible elements vanish, an emoji or smiley drawn as an image is its
``alt`` (WordPress writes them so), and each embed element found in markup can
stand as one placeholder line. Python visits only the elements that hold a line break (a
block, ``<br>``, an invisible or preformatted element) or an embed below them; the text of
any other element is read in one call to Lexbor (``text()``, in C).
"""

from __future__ import annotations

from collections.abc import Sequence

from .dom import Node, ancestors

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "figure",
        "section",
        "article",
        "blockquote",
        "center",
        "td",
        "dd",
        "header",
        "footer",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
)
INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
PREFORMATTED = frozenset({"pre", "textarea", "plaintext", "listing", "xmp"})
BREAKING_TAGS = BLOCK_TAGS | INVISIBLE | PREFORMATTED | {"br"}
# An emoji or smiley drawn as an image (WordPress's ``convert_smilies`` writes
# ``<img class="wp-smiley" alt="🙂">`` into the page; wp-emoji and Twemoji ``class="emoji"``):
# its ``alt`` is the character the text shows.
EMOJI_IMAGES = 'img[alt][class~="wp-smiley"], img[alt][class~="emoji"], img[alt][class~="Emoji"]'
EMOJI_CLASSES = frozenset({"wp-smiley", "emoji", "Emoji"})
BREAKING = ", ".join([*sorted(BREAKING_TAGS), EMOJI_IMAGES])
# Up to this many elements, a walk in Python finds the breaking ones faster than Lexbor
# parses the selector of 32 names (about 10 µs) and matches each of them.
SMALL_SUBTREE = 64
# A line break in the markup is a space on screen (outside <pre>): only <br> and blocks break.
SOURCE_BREAKS = "\n\r\t\f"


def flatten(root: Node, placeholders: Sequence[tuple[Node, str]] = ()) -> str:
    """The text of ``root``'s subtree; each (element, line) of ``placeholders`` stands as
    that line. Iterative, so deep nesting cannot overflow."""
    lines = {el.mem_id: line for el, line in placeholders}
    structured = _holding(root, [el for el, _ in placeholders])
    parts: list[str] = []
    pre = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag or ""
        if closing:
            pre -= tag in PREFORMATTED
            if tag in BLOCK_TAGS:
                parts.append("\n")
        elif node.is_text_node:
            parts.append(_source_text(node.text_content or "", pre))
        elif node.mem_id in lines:
            parts.append(f"\n{lines[node.mem_id]}\n")
        elif tag == "img":
            parts.append(_emoji(node))
        elif node.is_element_node and tag not in INVISIBLE:
            if tag in BLOCK_TAGS or tag == "br":
                parts.append("\n")
            if node.mem_id not in structured:  # nothing below it breaks a line
                parts.append(_source_text(node.text(deep=True), pre + (tag in PREFORMATTED)))
                parts.append("\n" if tag in BLOCK_TAGS else "")
                continue
            pre += tag in PREFORMATTED
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    return "".join(parts)


def _source_text(text: str, pre: int) -> str:
    """The text as shown: outside ``<pre>``, each source line break a space. One
    ``str.replace`` per character (a ``memchr`` scan), not ``str.translate``, which looks
    each character of non-ASCII text up in a dict: 25 µs for a post's 200 characters."""
    if pre:
        return text
    for char in SOURCE_BREAKS:
        text = text.replace(char, " ")
    return text


def _holding(root: Node, below: list[Node]) -> set[int]:
    """``mem_id`` of each element of ``root``'s subtree that holds a line-breaking element
    or one of ``below``."""
    held: set[int] = set()
    for el in [*_breaking(root), *below]:
        node = el.parent
        while node is not None and node.is_element_node and node.mem_id not in held:
            held.add(node.mem_id)
            if node.mem_id == root.mem_id:
                break
            node = node.parent
    return held


def _breaking(root: Node) -> list[Node]:
    """The line-breaking elements below ``root``: a walk for a small subtree (a post, a
    paragraph), one selector answered in C for a bigger one."""
    found = []
    for count, node in enumerate(root.traverse()):
        if count > SMALL_SUBTREE:
            return [el for el in root.css(BREAKING) if el.mem_id != root.mem_id]
        if count and (node.tag in BREAKING_TAGS or (node.tag == "img" and _is_emoji(node))):
            found.append(node)
    return found


def _is_emoji(img: Node) -> bool:
    """An image ``EMOJI_IMAGES`` selects: an emoji class and an ``alt``."""
    attributes = img.attributes
    classes = (attributes.get("class") or "").split()
    return "alt" in attributes and not EMOJI_CLASSES.isdisjoint(classes)


def _emoji(img: Node) -> str:
    """The character an emoji image stands for (its ``alt``), or ``""`` for another image."""
    return (img.attributes.get("alt") or "") if _is_emoji(img) else ""


def visible_lines(root: Node, embeds: list[Node], regions: Sequence[Node] = ()) -> list[str]:
    """The page as lines of text; each embed element becomes one line ``\ufffcN`` so text
    forms keep their place among the markup embeds. Each of ``regions`` (parts of the page
    beside the article, the other elements of an embed) becomes one line ``\ufffc`` and the
    lines of the embeds inside it: no text form is read in it, nor across it."""
    from . import SENTINEL

    lines = {el.mem_id: f"{SENTINEL}{n}" for n, el in enumerate(embeds)}
    inside: dict[int, list[str]] = {region.mem_id: [SENTINEL] for region in regions}
    for el in embeds:
        holder = next((n for n in [el, *ancestors(el)] if n.mem_id in inside), None)
        if holder is not None:
            inside[holder.mem_id].append(lines.pop(el.mem_id))
    placeholders = [(el, lines[el.mem_id]) for el in embeds if el.mem_id in lines]
    placeholders += [(region, "\n".join(inside[region.mem_id])) for region in regions]
    return flatten(root, placeholders).split("\n")
