"""Extracted text as every text form reads it: its lines as written and without Markdown's
marks, and the status each line links (``TextDoc``); a post found in them (``TextHit``).

Each form's module (titles, signatures, line sightings) reads the text through these and
makes its hits with them; kept apart so that none of those modules imports another for it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..normalize import clean_text, split_media
from .card_text import may_hold_card_time
from .post_titles import TITLE_WORDS, may_hold_title
from .shortcodes import may_hold_shortcode
from .signature import Signature
from .text_marks import References, fenced_lines, references, unmark


class TextHit(NamedTuple):
    """A post found in extracted text, with the lines it spans."""

    first_line: int
    last_line: int
    author: str | None
    handle: str | None
    text: str | None
    date: str | None
    raw: str
    media: tuple[str, ...] = ()
    status_id: str | None = None
    method: str = "text"
    date_text: str | None = None
    # The part of its lines that is the post, when it shares them with other text: where
    # it starts in its first line and ends in its last (None: that line's end).
    columns: tuple[int, int | None] | None = None
    located: bool = True  # False: a part of a line not found as written (its range unknown)

    @property
    def lines(self) -> tuple[int, int]:
        return self.first_line, self.last_line


class TextDoc(NamedTuple):
    """Extracted text as lines: as written, without Markdown marks, and the status linked
    on each line."""

    raw_lines: list[str]
    lines: list[str]
    linked: dict[int, tuple[str, str | None]]
    blank_mode: bool  # paragraphs are separated by blank lines
    shortcodes: bool  # the text may hold a shortcode (each line is tested only then)
    plain: bool = False  # an article's own text, which starts with its headline
    first: int = 0  # the first line that is not blank
    code: frozenset[int] = frozenset()  # the lines of Markdown's fenced code blocks (plain)
    refs: References = {}  # noqa: RUF012 (never changed) the reference links' definitions
    cards: bool = True  # the text may hold a card's timestamp (each line is tested only then)
    titles: bool = True  # the text may hold a localized title (each line is tested only then)

    @classmethod
    def of(cls, text: str, plain: bool = False) -> TextDoc:
        raw_lines = text.split("\n")
        refs = references(text)
        lines, linked = unmark(raw_lines, refs, text)
        blank_mode = any(not line.strip() for line in lines[1:-1])
        first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
        shortcodes = may_hold_shortcode(text)
        # Fences are Markdown's, in a text of its own (a page's code is in ``<pre>``).
        fenced = plain and ("```" in text or "~~~" in text)
        code = fenced_lines(raw_lines) if fenced else frozenset()
        cards = may_hold_card_time(text)
        titles = may_hold_title(text) and TITLE_WORDS.search(text) is not None
        found = (raw_lines, lines, linked, blank_mode, shortcodes, plain, first, code, refs)
        return cls(*found, cards, titles)

    def raw(self, first: int, last: int, columns: tuple[int, int | None] | None = None) -> str:
        """Lines ``first`` to ``last`` as written (their part ``columns``: ``TextHit``)."""
        text = "\n".join(self.raw_lines[first : last + 1])
        if columns is None:
            return text
        start, end = columns
        stop = len(text) if end is None else len(text) - len(self.raw_lines[last]) + end
        return text[start:stop]


SENTINEL = "\ufffc"  # a line standing for an embed found in markup

# A list item's marker: a bullet or a number (``* ``, ``- ``, ``1. ``, ``2) ``); w3m marks
# a list within a list with ``□`` or ``◦``, alone on its line when the item holds a block.
LIST_ITEM = re.compile(r"^[^\S\n]*(?:[-*+•◦□▪]|\d{1,3}[.)])[^\S\n]+")


def line_hit(index: int, line: str, post_id: str, handle: str | None, method: str) -> TextHit:
    """A sighting that is one line holding a status (a bare URL, a shortcode, a link)."""
    return TextHit(index, index, None, handle, None, None, line, status_id=post_id, method=method)


def signed_hit(
    doc: TextDoc,
    lines: tuple[int, int],
    body: str,
    sig: Signature,
    status: tuple[str, str | None] | None,
) -> TextHit:
    """The hit of a post whose text is ``body`` and signature ``sig``, on ``lines``."""
    body, media = split_media(clean_text(body))
    return TextHit(
        *lines,
        sig["author"],
        sig["handle"],
        body or None,
        sig["date"],
        doc.raw(*lines),
        media,
        status_id=status[0] if status else None,
        date_text=sig["date_text"],
    )
