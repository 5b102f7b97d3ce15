"""The signature form in extracted text: the post's text, then its signature line ``— Name
(@handle) DATE`` (``signature``) with the date in any locale, on the text's last line or
as its own paragraph.

Also a signature a converter wrapped over two or three lines, one whose date link the page
left empty, and one without a date among posts. This module reads one signature line and
asks the others which lines above it are the post's text: ``text_paragraphs`` (the
paragraphs above it), ``text_quotes`` (a Markdown quote it ends), ``text_glued`` (posts run
together with the article on one line) and ``text_headlines`` (a heading above it makes
it the article's byline).
"""

from __future__ import annotations

from ..normalize import comparable
from ..urls import bare_status
from .bylines import is_byline_lead
from .signature import Signature, split_signature, split_undated_signature
from .text_doc import SENTINEL, TextDoc, TextHit, signed_hit
from .text_glued import address_above, framed_part, glued_signature, line_part
from .text_headlines import under_heading
from .text_marks import MD_QUOTE, unmark_line
from .text_paragraphs import (
    MAX_POST_CHARACTERS,
    item_signed,
    joined_lines,
    paragraph_before,
    signs_alone,
)
from .text_quotes import quote_before


def signed_line_hit(doc: TextDoc, index: int, line: str, taken: int) -> TextHit | None:
    """The post signed on line ``index``: read as it is, then with the lines a converter
    wrapped it onto (``_wrapped_signature_hit``); wrapped first when the line opens a link
    it does not close (its date is the link's, on the next line)."""
    if _opens_link(index, doc):
        return _wrapped_signature_hit(doc, index, taken) or _signature_hit(doc, index, line, taken)
    return _signature_hit(doc, index, line, taken) or _wrapped_signature_hit(doc, index, taken)


def _opens_link(index: int, doc: TextDoc) -> bool:
    """Line ``index`` opens a Markdown link's label that it does not close."""
    line = doc.raw_lines[index]
    return line.rfind("[") > line.rfind("]")


def _signature_hit(
    doc: TextDoc,
    index: int,
    line: str,
    taken: int,
    end: int | None = None,
    linked: tuple[str, str | None] | None = None,
) -> TextHit | None:
    """A signature line, with the post's text before it on the line or in the paragraph
    above. Under a heading (``under_heading``), the line is the article's byline (a
    heading is never a post's text): no embed, or one without text when its date links to
    a post. ``line`` may run on to line ``end`` (``_wrapped_signature_hit``), linking the
    status ``linked``. A byline's lead-in before the signature (``is_byline_lead``) is read
    as a heading is."""
    before, sig = split_signature(line)
    glued = glued_signature(line) if not sig and "(@" in line else framed_part(line, before, sig)
    if glued:
        before, sig = glued.body, glued.sig
    if not sig:
        before, sig = _undated_signature(doc, index, line)
    if not sig and _between_posts(doc, index, line, taken):
        before, sig = split_undated_signature(line.strip())
    if not sig:
        return None
    end = index if end is None else end
    status = linked or doc.linked.get(index)
    if glued and status is None:
        status = address_above(line, glued.start, sig)
    lead = is_byline_lead(MD_QUOTE.sub("", before))
    if lead or (not before.strip() and under_heading(doc, index, taken, sig)):
        if status is None:
            return None
        first, body = index, ""
    else:
        first, body = (
            ((index, before) if glued else _paragraph_ending(doc, index, taken, before))
            if before.strip() or (glued and glued.framed)  # a frame bounds it: none above
            else quote_before(doc, index, taken)
            or paragraph_before(doc.lines, index, taken, doc.blank_mode, sig)
        )
        if first < index and (item := item_signed(doc.raw_lines, first, index)):
            body = body.removeprefix(item.group().strip()).lstrip()
    hit = signed_hit(doc, (first, end), body, sig, status)
    return line_part(doc, hit, line, glued) if glued and first == end else hit


def _wrapped_signature_hit(doc: TextDoc, index: int, taken: int) -> TextHit | None:
    """A signature that a converter wrapping its lines (html2text at 78 columns, Pandoc at
    72) broke in two or three, line ``index`` (its ``(@``) being the first or the second:
    the lines read as one, a Markdown link across them included. Not when the line is a
    signature alone, unless it opens a link that it does not close (``[16 мая 2018`` then
    ``г.](URL)``: its date is the link's)."""
    if split_signature(doc.lines[index].strip())[1] is not None and not _opens_link(index, doc):
        return None
    for start, stop in ((index, index + 1), (index - 1, index), (index, index + 2)):
        if start <= taken or stop >= len(doc.lines):
            continue
        wrapped = doc.raw_lines[start : stop + 1]
        if not all(line.strip() and not line.startswith(SENTINEL) for line in wrapped):
            continue
        joined, status = unmark_line(
            " ".join(MD_QUOTE.sub("", line).strip() for line in wrapped), doc.refs
        )
        if hit := _signature_hit(doc, start, joined, taken, stop, status):
            return hit
    return None


def _undated_signature(doc: TextDoc, index: int, line: str) -> tuple[str, Signature | None]:
    """A signature line whose date link the page left empty, ``— Name (@handle)
    [](STATUS)``: read without its Markdown, the signature then the address of a post of
    that handle (the link stands where the date was). Its date is unknown."""
    status = doc.linked.get(index)
    head, _, address = line.rstrip().rpartition(" ")
    if status is None or status[1] is None or bare_status(address) != status:
        return line, None
    before, sig = split_undated_signature(head)
    if sig is None or sig["handle"].lower() != status[1].lower():
        return line, None
    return before, sig


def _between_posts(doc: TextDoc, index: int, line: str, taken: int) -> bool:
    """Line ``index`` is a signature without a date or a link (``— Name (@handle)``: a
    converter dropped the empty link the page left for its date) under one paragraph that
    fits in a post and follows the embed found before (``taken``), blank lines aside: a post
    among posts. Alone under an article's paragraph, it may be the article's byline."""
    if taken < 0 or not signs_alone(line):
        return False
    end = index - 1
    while end > taken and not doc.lines[end].strip():
        end -= 1
    start = end
    while doc.blank_mode and start - 1 > taken and doc.lines[start - 1].strip():
        start -= 1
    paragraph = "\n".join(doc.lines[start : end + 1])
    return (
        taken < end
        and all(not doc.lines[n].strip() for n in range(taken + 1, start))
        and len(comparable(paragraph)) <= MAX_POST_CHARACTERS
    )


def _paragraph_ending(doc: TextDoc, index: int, taken: int, before: str) -> tuple[int, str]:
    """The post's text when it ends on the signature's line (``before``): with the lines of
    its paragraph above, where paragraphs are set apart by blank lines (a wrapped text, or
    a post's line breaks kept)."""
    start = index
    while (
        doc.blank_mode
        and start - 1 > taken
        and doc.lines[start - 1].strip()
        and not doc.lines[start - 1].startswith(SENTINEL)
    ):
        start -= 1
    return start, joined_lines([*doc.lines[start:index], before])
