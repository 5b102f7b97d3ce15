"""The article's own lines around a signature: a heading just above it (a Markdown heading
or, in an article's own text, its headline, told from a post quoted first), which makes
the signature line the article's byline, not a post's; and lines naming the post's author
(the article discussing the post, which no post does of itself).

Tests of what the article writes, apart from the forms they guard (``text_signatures``,
``text_paragraphs``).
"""

from __future__ import annotations

import itertools
import re

from .signature import Signature
from .text_doc import TextDoc

# A Markdown heading (``# Title``: reader tools write a page's headings so); a hashtag has no
# space after its ``#``. A setext heading is its text, then a line of ``=`` or ``-``.
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
# What a headline does not hold, and a post may: an address, a media link, a mention or a
# hashtag; nor does it end as a sentence does (a full stop, not an ellipsis) or as a line
# that introduces what follows (a colon).
NOT_A_HEADLINE = re.compile(
    r"://|\bt\.co/|\bpic\.(?:twitter|x)\.com/|(?<!\w)[@#]\w"  # a link, a mention, a hashtag
    r"|(?<!\.)[.:]\s*$"
)
MAX_HEADLINE_WORDS = 25
# What a post's words do and a headline's do not: speak in the first person, exclaim, show
# an emoji (a pictograph, a dingbat or a variation selector).
POST_VOICE = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e’re|[Oo]ur|us)\b|!"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]"
)


def under_heading(doc: TextDoc, index: int, taken: int, sig: Signature) -> bool:
    """The nearest line above ``index`` (not crossing ``taken``) is a heading: a Markdown
    heading, or in a text of its own (``plain``) the article's headline (``_is_headline``)."""
    lines = doc.lines
    above = next((i for i in range(index - 1, taken, -1) if lines[i].strip()), None)
    if above is None:
        return False
    if MD_HEADING.match(lines[above]):
        return True
    if SETEXT_UNDERLINE.match(lines[above]):
        return above - 1 > taken and bool(lines[above - 1].strip())
    return doc.plain and _in_lead(doc, above) and _is_headline(lines, above, index, sig)


DISCUSSED_WITHIN = 3  # paragraphs after a post quoted first that name its author, if any
MAX_LEAD_LINES = 3  # lines a text may start with above its headline (site, section, date)


def _in_lead(doc: TextDoc, above: int) -> bool:
    """``above`` is among the text's first lines, before any line of prose: the text may
    start with its site's name, a section or a date line before the headline (each as
    short and unpunctuated as a headline), never with a paragraph of the article."""
    filled = (i for i in range(doc.first, above) if doc.lines[i].strip())
    lead = list(itertools.islice(filled, MAX_LEAD_LINES + 1))  # a long text has many
    return len(lead) <= MAX_LEAD_LINES and all(_headline_shaped(doc.lines[i]) for i in lead)


def _headline_shaped(line: str) -> bool:
    """No link, mention or hashtag, no sentence's or introduction's end, no more words
    than a headline has, nothing written as a post speaks (``POST_VOICE``)."""
    return (
        not NOT_A_HEADLINE.search(line)
        and not POST_VOICE.search(line)
        and not line.lstrip()[:1].islower()
        and len(line.split()) <= MAX_HEADLINE_WORDS
    )


def _is_headline(lines: list[str], above: int, index: int, sig: Signature) -> bool:
    """Plain text marks no heading, but an article's text starts with its headline: a line
    of the text's lead (``above``), shaped as a headline, with the text going on after the
    signature line under it (the article). A post quoted first in a text holds a link, a
    mention or a hashtag, or ends as a sentence, or speaks as a post does, or the text is
    the post alone, or the article's first paragraphs after it name the post's author (they
    discuss the post; a byline's author is not written about there, only perhaps in a note
    at the article's end: "Follow her on X @jd")."""
    rest = [line for line in lines[index + 1 :] if line.strip()]
    return (
        _headline_shaped(lines[above])
        and bool(rest)
        and not names_author(rest[:DISCUSSED_WITHIN], sig)
    )


def names_author(lines: list[str], sig: Signature) -> bool:
    """The lines name the signature's author: ``@handle``, the whole name, or its last
    word (a surname, as an article writes it: a capitalised word of three letters or more)
    read as a name (``_as_a_name``): a sentence's first word is capitalised anyway
    (``Long queues…``, ``Young riders…`` name no one)."""
    handle = re.compile(rf"@{re.escape(sig['handle'])}\b", re.I)
    author = (sig["author"] or "").strip()
    words = re.findall(r"\w+", author)
    surname = words[-1] if words and len(words[-1]) >= 3 and words[-1][0].isupper() else None
    named = re.compile(rf"\b{re.escape(surname)}\b") if surname else None
    for line in lines:
        if handle.search(line) or (len(words) > 1 and author in line):
            return True
        if named and any(_as_a_name(line, m.start(), m.end()) for m in named.finditer(line)):
            return True
    return False


def _as_a_name(line: str, start: int, end: int) -> bool:
    """The word at ``start:end`` reads as a name: inside a sentence (not after the line's
    start, ``.``, ``!``, ``?``, an opening quote or a dash), or first and followed by a
    comma or a possessive (``Doe, the port's director, …``, ``Doe's post``)."""
    before = line[:start].rstrip()
    if before and before[-1] not in ".!?\"“‘'—–-(:":
        return True
    return line[end : end + 1] in (",", "'", "’")
