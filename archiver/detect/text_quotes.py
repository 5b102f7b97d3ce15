"""A post in a Markdown quote (``> TEXT``) that its signature line ends: a blockquote that
html2text, markdownify or Pandoc flattened, every paragraph of the quote the post's.

The quote's bounds are Markdown's (its ``>`` depth, a list's item opening a quote of its
own), apart from the paragraph rules of ``text_paragraphs``; a link line in a quote
(``text_lines``) reads its depth here too.
"""

from __future__ import annotations

from ..normalize import comparable
from .text_doc import LIST_ITEM, SENTINEL, TextDoc
from .text_marks import MD_QUOTE
from .text_paragraphs import MAX_POST_CHARACTERS, item_signed, joined_lines


def quote_depth(line: str) -> int:
    """How many Markdown quotes a line is in (``> > text``: 2)."""
    marks = MD_QUOTE.match(line)
    return marks.group().count(">") if marks else 0


def _quote_start(doc: TextDoc, index: int, taken: int) -> int | None:
    """The first line of the Markdown quote (the lines at its ``>`` level) that the
    signature line ``index`` ends, or None when it ends none. None too when the quote holds
    the embed found before (its last line, ``taken``, is in it): a quote of more than one
    post, whose paragraphs between them may be the article's; but a list's item opens a quote
    of its own (markdownify writes a list of blockquotes as ``  + > text``, the next item's
    quote right under the last one's signature). Indentation marks no quote:
    inscriptis indents a blockquote deeper, but a live blog's entries and a list's numbers
    too, which were read as posts' paragraphs."""
    raw = doc.raw_lines
    depth = quote_depth(raw[index])
    if not depth:
        return None
    start = index
    while (
        start - 1 > taken
        and not LIST_ITEM.match(raw[start])
        and not doc.lines[start - 1].startswith(SENTINEL)
        and quote_depth(raw[start - 1]) == depth
    ):
        start -= 1
    if LIST_ITEM.match(raw[start]):
        return start  # a list's item opens a quote of its own (``  + > text``)
    if start - 1 == taken >= 0 and quote_depth(raw[taken]) == depth:
        return None
    return start


def quote_before(doc: TextDoc, index: int, taken: int) -> tuple[int, str] | None:
    """The post's text when its signature line ends a quote (``_quote_start``): every
    paragraph of the quote above it (a post of several paragraphs, the blockquote
    html2text or markdownify flattened), not only the last one, even ending
    with a colon (the post's own, before a link a converter moved out). None when the line
    ends no quote, or the quote holds nothing or more than a post (``paragraph_before``
    then reads what is above)."""
    start = _quote_start(doc, index, taken)
    if start is None:
        return None
    if _opens_listed_quote(doc, start, index, taken):
        start -= 1
    body = [line.strip() for line in doc.lines[start:index]]
    while body and not body[-1]:
        body.pop()
    while body and not body[0]:
        body.pop(0)
        start += 1
    text = joined_lines(body)
    if not body or len(comparable(text)) > MAX_POST_CHARACTERS:
        return None
    return start, text


def _opens_listed_quote(doc: TextDoc, start: int, index: int, taken: int) -> bool:
    """The line above the quote starting at line ``start`` is a list's item holding it, its
    marker before the quote's first line (Pandoc's Markdown writes a listed post so: ``-
    TEXT`` then ``    > TEXT``), the signature on line ``index`` set under the marker; not
    when an item opens the quote itself (markdownify's ``+ > TEXT``)."""
    above = start - 1
    line = doc.raw_lines[above] if above > taken else ""
    if not line.strip() or quote_depth(line) or LIST_ITEM.match(doc.raw_lines[start]):
        return False
    return item_signed(doc.raw_lines, above, index) is not None
