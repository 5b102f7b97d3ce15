"""Find embedded posts in text extracted from an article (reader tools, copy-paste).

The detector goes over the lines that may hold a post and asks each form, in turn: the
title form ``Name on X: "TEXT" / X`` (``text_titles``), posts run together on one line
(``text_glued``), the signature form ``— Name (@handle) DATE`` under the post's text
(``text_signatures``), a post card flattened to text (``card_text``), and the posts a line
stands for, such as a status URL alone (``text_lines``). It then keeps one of a post shown
twice in a row and drops the links that an embed used. The text's lines and hits are
``text_doc``'s.
"""

from __future__ import annotations

from ..normalize import clean_text, comparable, is_truncated, split_media
from ..urls import bare_status
from .card_text import Card, find_card, may_hold_card_time
from .post_titles import TITLE_WORDS
from .shortcodes import may_hold_shortcode
from .text_doc import TextDoc, TextHit, line_hit
from .text_glued import glued_hits
from .text_lines import line_hits, quote_blank
from .text_marks import DUMP_DEFINITION, MD_DEFINITION, dump_only_posts
from .text_signatures import signed_line_hit
from .text_titles import title_hit

SIGHTING_LINES_FACTOR = 8
SIGHTING_LINES_MIN = 16 << 20


def find_text_embeds(text: str, include_links: bool = False, plain: bool = False) -> list[TextHit]:
    """Every title-form and signature-form embed in extracted text, in order.

    A line holding nothing but a status URL is an embed too (an auto-embed that never ran);
    other status URLs are ``link`` hits when ``include_links`` is set. Lines starting with
    U+FFFC stand for embeds already found in markup: nothing crosses them.

    A sighting on a line keeps the whole line as its text, so a line of thousands of them
    made as many copies (5,000 shortcodes on one 235 KB line: 1 GB): the lines kept by
    sightings may total ``SIGHTING_LINES_FACTOR`` times the text (at least
    ``SIGHTING_LINES_MIN`` characters); the sightings past that are not reported.
    """
    doc = TextDoc.of(text, plain)
    room = max(SIGHTING_LINES_MIN, SIGHTING_LINES_FACTOR * len(text))
    hits: list[TextHit] = []
    taken = -1
    resume = 0  # the line after the last hit: none starts inside one
    for index in _marked_lines(doc):
        if index < resume or index in doc.code:
            continue
        line = doc.lines[index].strip()
        titled = " on " in line or (doc.titles and TITLE_WORDS.search(line))
        hit = title_hit(doc, index, line) if titled else None
        if hit is None and "(@" in line and (glued := glued_hits(doc, index, line)):
            hits.extend(glued[:-1])
            hit = glued[-1]
        if hit is None and "(@" in line:
            hit = signed_line_hit(doc, index, line, taken)
        if hit is None and may_hold_card_time(line):
            hit = _card_hit(doc, index, taken, hits)
        if hit is not None:
            hit = _with_link_below(doc, hit) if hit.status_id is None else hit
            hits.append(hit)
            taken = hit.last_line
            resume = taken + 1
        else:
            found = line_hits(doc, index, line, include_links, room)
            room = max(0, room - sum(len(hit.raw) for hit in found))
            hits.extend(found)
    hits = _one_per_rendering(doc, hits)
    return _without_defined_embeds(doc, hits + _empty_dump_links(doc, hits)) if doc.refs else hits


def _marked_lines(doc: TextDoc) -> list[int]:
    """The lines that may hold a hit (a superset): a title's `` on ``, a signature's
    ``(@``, a status URL as written or linked by a reference, a fenced div's ID attribute
    (``text_lines``), a shortcode's opening. Any
    other line is one no test can accept, passed over in one comprehension (a flattened
    page is mostly such lines: testing each one by one was most of the search)."""
    shortcodes = doc.shortcodes
    cards = doc.cards
    linked = doc.linked
    return [
        index
        for index, (line, original) in enumerate(zip(doc.lines, doc.raw_lines, strict=True))
        if index in linked
        or " on " in line
        or (doc.titles and TITLE_WORDS.search(line))
        or "(@" in line
        or "status" in original
        or ("id=" in original and ":::" in original)
        or (shortcodes and may_hold_shortcode(line))
        or (cards and may_hold_card_time(line))
    ]


def _card_hit(doc: TextDoc, index: int, taken: int, hits: list[TextHit]) -> TextHit | None:
    """A post card flattened to text (``card_text``), its timestamp on line ``index``. A
    title line just above it, of the same post, is part of it (a reader tool that writes a
    frame's title, then the card): it replaces that title's hit."""
    status = doc.linked.get(index)
    card = find_card(doc.lines, index, taken, status is not None)
    if card is None:
        return None
    body, media = split_media(clean_text(card.text))
    if not body and not media and status is None:
        return None  # a name, a handle and a time: a byline's or a listing's, no post shown
    first = card.first_line
    title = hits[-1] if hits else None
    if title is not None and _titles_card(doc, title, card):
        hits.pop()
        first = title.first_line
    return TextHit(
        first,
        index,
        card.name or (title.author if title and first == title.first_line else None),
        card.handle,
        body or None,
        card.date,
        doc.raw(first, index),
        media,
        status_id=status[0] if status else None,
        date_text=card.date_text,
    )


def _titles_card(doc: TextDoc, title: TextHit, card: Card) -> bool:
    """``title`` is a title line just above ``card`` (blank lines aside) showing its text."""
    between = doc.lines[title.last_line + 1 : card.first_line]
    if title.first_line != title.last_line or any(line.strip() for line in between):
        return False
    shown, full = comparable(title.text or ""), comparable(card.text)
    return bool(shown) and (
        shown == full or (is_truncated(title.text or "") and full.startswith(shown))
    )


def _with_link_below(doc: TextDoc, hit: TextHit) -> TextHit:
    """A hit without a post, and the line just below it if that line is only the post's
    address (bare, or in brackets: a converter that writes each link's address after its
    text, the long one wrapped onto the next line); not an address of another author's."""
    below = hit.last_line + 1
    if below >= len(doc.lines) or not doc.raw_lines[below].strip():
        return hit
    line = doc.lines[below].strip()
    status = bare_status(line) if line else doc.linked.get(below)
    if status is None or (hit.handle and status[1] and hit.handle.lower() != status[1].lower()):
        return hit
    columns = (hit.columns[0], None) if hit.columns else None  # to the address's line's end
    return hit._replace(
        last_line=below,
        raw=doc.raw(hit.first_line, below, columns),
        columns=columns,
        status_id=status[0],
        handle=hit.handle or status[1],
    )


def _one_per_rendering(doc: TextDoc, hits: list[TextHit]) -> list[TextHit]:
    """A post shown twice in a row with only blank lines between is one embed flattened
    twice: an auto-embed's URL line above the blockquote it became, or a blockquote and its
    rendered frame each left as a link. A bare sighting (``_bare``) gives way to the other
    one of the same post (a signature whose post's text was lost keeps its author and date);
    the same post embedded twice has text between."""
    kept: list[TextHit] = []
    for hit in hits:
        before = kept[-1] if kept else None
        if (
            before is None
            or before.status_id is None
            or before.status_id != hit.status_id
            or not all(quote_blank(doc, n) for n in range(before.last_line + 1, hit.first_line))
        ):
            kept.append(hit)
        elif _bare(before) and hit.method != "link":
            kept[-1] = hit
        elif before.method != "text" or not _bare(hit):
            kept.append(hit)
    return kept


def _bare(hit: TextHit) -> bool:
    """A sighting in text that shows nothing of its post but its address (a status URL
    alone on its line, a link paragraph)."""
    return hit.method == "text" and hit.text is None and hit.author is None and hit.date is None


def _empty_dump_links(doc: TextDoc, hits: list[TextHit]) -> list[TextHit]:
    """A dump's posts named only in its references (``dump_only_posts``) that no hit has
    read, each at its reference's line."""
    read = {hit.status_id for hit in hits if hit.method != "link"}
    return [
        line_hit(at, doc.raw_lines[at], post_id, handle, "text")
        for at, post_id, handle in dump_only_posts(doc.raw_lines)
        if post_id not in read
    ]


def _without_defined_embeds(doc: TextDoc, hits: list[TextHit]) -> list[TextHit]:
    """The hits less the links of reference definitions that an embed's signature used
    (``[3]: https://x.com/…/status/…`` at a text's end, or a dump's ``  12. https://…``, is
    that embed's link, not a link of its own)."""
    embedded = {hit.status_id for hit in hits if hit.method != "link"}
    return [
        hit
        for hit in hits
        if not (
            hit.method == "link"
            and hit.status_id in embedded
            and _defines(doc.raw_lines[hit.first_line])
        )
    ]


def _defines(line: str) -> bool:
    """The line defines a reference (``[3]: URL``, or a dump's ``  12. URL``)."""
    return bool(MD_DEFINITION.match(line) or DUMP_DEFINITION.match(line))
