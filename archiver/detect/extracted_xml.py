"""trafilatura's XML output, ``<doc title=… url=…><main>…</main><comments/></doc>``: an
article's text as extracted, in trafilatura's own vocabulary (``<p>``, ``<head>``, ``<list>``,
``<quote>`` for a blockquote, ``<ref target=…>`` for a link, ``<hi>`` for emphasis, ``<lb/>``
for a line break).

An HTML parser reads it as unknown elements: the publish markup's blockquote, now a
``<quote>``, was no embed, and the status link of its signature a placeholder with nothing
else. It is read instead as the extracted text it is: each block a paragraph, each link a
Markdown link (whose status the text detector keeps for the line), the document's title its
first line. A flattened embed then reads as in any extracted text: the post's text, then
``— Name (@handle) [DATE](STATUS URL)``. The reader's comments (``<comments>``) are not the
article and are not read. Not read: trafilatura's TEI output (``<TEI>``), another schema.
"""

from __future__ import annotations

import html
import re

from ..models import PageInfo

# The document element first (after an XML declaration), its ``<main>`` its first child.
DOC_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<doc\b([^>]*)>\s*<main\b")
_MAIN = re.compile(r"<main\b[^>]*>(.*?)(?:</main>|\Z)", re.S)
# Each run stops at the next ``<ref`` or ``<``: linear however many are never closed.
_LINK = re.compile(r"<ref\b([^<>]*)>([^<]*(?:<(?!/?ref\b)[^<]*)*)</ref>")
_ATTRIBUTE = re.compile(r"\b(?P<name>[a-z]+)\s*=\s*(?:\"(?P<d>[^\"]*)\"|'(?P<s>[^']*)')")
_BREAK = re.compile(r"<lb\s*/?>")
_INLINE = re.compile(r"</?(?:hi|del|ref)\b[^<>]*>")  # a ``ref`` left here has no target
_TAG = re.compile(r"<[^<>]*>")


def is_extracted_xml(data: bytes) -> bool:
    return DOC_START.match(data) is not None


def _attributes(tag: str) -> dict[str, str]:
    return {m["name"]: html.unescape(m["d"] or m["s"] or "") for m in _ATTRIBUTE.finditer(tag)}


def page_of(xml: str) -> PageInfo:
    """What the ``<doc>`` element says of the article: its title, address, site and date."""
    start = re.search(r"<doc\b([^<>]*)>", xml)
    found = _attributes(start.group(1)) if start else {}
    return PageInfo(
        found.get("title") or None,
        found.get("url") or None,
        found.get("sitename") or None,
        found.get("date") or None,
    )


def _markdown_link(link: re.Match[str]) -> str:
    target = _attributes(link.group(1)).get("target")
    label = _TAG.sub("", link.group(2))
    return f"[{label}]({target})" if target and " " not in target else label


def as_text(xml: str) -> str:
    """The article's title, then its ``<main>`` as paragraphs, links as Markdown links."""
    main = _MAIN.search(xml)
    body = main.group(1) if main else xml
    body = _INLINE.sub("", _LINK.sub(_markdown_link, _BREAK.sub("\n", body)))
    blocks = html.unescape(_TAG.sub("\n\n", body))
    lines = [line.strip() for line in blocks.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    title = page_of(xml).title
    return f"{title}\n\n{text}\n" if title else f"{text}\n"
